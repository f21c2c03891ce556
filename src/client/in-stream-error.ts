/**
 * Errors that arrive as regular stream data rather than as a named error event: each API has its
 * own form (shared/research/wire-formats.md), and a client that does not look for them returns a
 * short answer as if it were whole.
 * @module
 */

/** The error body when `value` is an in-stream error in one of the known data forms, else undefined. */
export function inStreamErrorBody(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  // {"error": {...}} (SambaStudio, Cloud, the Vercel provider's convention), {"code", "error": "..."} (LMI).
  if (record.error !== undefined && record.error !== null && (typeof record.error === 'object' || typeof record.error === 'string')) return value;
  // Responses and Messages: {"type": "error", ...} and {"type": "response.failed", "response": {"error": ...}}.
  if (record.type === 'error' || record.type === 'response.failed') return value;
  // LMI schema: the last line of a failed generation says so in details.finish_reason.
  const details = record.details as Record<string, unknown> | undefined;
  if (details && typeof details === 'object' && details.finish_reason === 'error') return value;
  return undefined;
}
