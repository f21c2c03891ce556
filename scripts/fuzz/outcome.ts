/**
 * What counts as a failed case: an answer >= 500, no complete answer (a crash, a cut, a hang), a
 * 4xx to a request left valid (the base every mutation starts from must be answerable), or a 4xx
 * that does not say what is wrong: no message in the API's error shape, or (for a mutation aimed
 * at a field or part) a body that names none of the fields or parts the mutation touched.
 * @module
 */
import type { FuzzCase } from './cases.js';
import type { SendResult } from './send-case.js';

export type FailureKind = 'server-error' | 'no-answer' | 'unclear-4xx' | 'refused-valid' | 'crash';

export interface CaseFailure {
  kind: FailureKind;
  reason: string;
}

/** The message of an error body in any of the APIs' shapes (OpenAI, Cloud, Anthropic, SambaStudio native, FastAPI, LMI). */
export function errorMessage(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const { error, detail, message } = parsed as { error?: unknown; detail?: unknown; message?: unknown };
  const candidates = [typeof error === 'object' && error ? (error as { message?: unknown }).message : error, detail, message];
  return candidates.find((c): c is string => typeof c === 'string' && c.trim().length > 0);
}

export function judge(fuzzCase: FuzzCase, result: SendResult): CaseFailure | undefined {
  if (!result.ok) return { kind: 'no-answer', reason: result.error };
  const { status, body } = result.answer;
  if (status >= 500) return { kind: 'server-error', reason: `status ${status}: ${body.slice(0, 300)}` };
  if (status < 400) return undefined;
  // A case left valid (in body and path) is a request the server must answer: its base is what every mutation starts from.
  if (fuzzCase.kind === 'valid') return { kind: 'refused-valid', reason: `status ${status} for a valid request: ${body.slice(0, 300)}` };
  const message = errorMessage(body);
  if (!message) return { kind: 'unclear-4xx', reason: `status ${status} without an error message in the API's shape: ${body.slice(0, 300)}` };
  const text = body.toLowerCase();
  if (fuzzCase.names.length && !fuzzCase.names.some((name) => name !== '' && text.includes(name.toLowerCase()))) {
    return { kind: 'unclear-4xx', reason: `status ${status} names none of ${JSON.stringify(fuzzCase.names.map((n) => n.slice(0, 40)))}: ${message.slice(0, 300)}` };
  }
  return undefined;
}
