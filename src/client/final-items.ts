/**
 * How a stream without a terminator shows that it is whole: the item that ends the answer. A body
 * that ends before it was cut (shared/research/wire-formats.md: SambaStudio native streams end with
 * `is_last_response`; LMI JSON lines with a finish reason, or `generated_text` in the LMI schema).
 * @module
 */

type Loose = Record<string, unknown> | null | undefined;

/** A native stream object, bare, wrapped in `result.responses` (Generic v1) or in `result.items[].value` (Generic v2). */
export function isNativeFinal(item: unknown): boolean {
  const value = item as Loose;
  if (value?.is_last_response === true) return true;
  const result = value?.result as Loose;
  const responses = result?.responses as Loose[] | undefined;
  if (responses?.some((r) => r?.is_last_response === true)) return true;
  const items = result?.items as Loose[] | undefined;
  return items?.some((i) => (i?.value as Loose)?.is_last_response === true) ?? false;
}

/** An LMI chat line with a finish reason, or the LMI schema's last line (it adds `generated_text`). */
export function isLmiFinal(item: unknown): boolean {
  const value = item as Loose;
  if (typeof value?.generated_text === 'string') return true;
  const choices = value?.choices as Loose[] | undefined;
  return choices?.some((c) => c?.finish_reason !== null && c?.finish_reason !== undefined) ?? false;
}
