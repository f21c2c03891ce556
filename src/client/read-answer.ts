/**
 * A whole (non-stream) answer read and parsed by its media type, with the stall timer watching the
 * body and a cut or unparsable body turned into a typed error.
 * @module
 */
import { preview } from '../streams/errors.js';
import { APIConnectionError, InvalidResponseError, apiErrorFor } from './errors.js';
import { inStreamErrorBody } from './in-stream-error.js';
import type { ClientHooks, PayloadValidator, ValidationMode } from './options.js';
import { redactSecret } from './redact.js';
import type { Answer } from './transport.js';
import { warnInvalid } from './warn.js';

/** `application/json; charset=utf-8` -> `application/json`. */
export function mediaTypeOf(response: Response): string {
  return (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

async function readText(answer: Answer): Promise<string> {
  const { response, timer, operationId, requestId } = answer;
  if (!response.body) return '';
  const reader = response.body.getReader();
  const stopped = cancelOnAbort(timer.signal, reader);
  const text = new TextDecoder();
  let out = '';
  try {
    for (;;) {
      timer.waitForData();
      const { done, value } = await reader.read();
      timer.dataArrived();
      // A read cancelled by a timeout or the caller's abort settles as done.
      if (timer.signal.aborted) throw timer.signal.reason;
      if (done) return out + text.decode();
      out += text.decode(value, { stream: true });
    }
  } catch (error) {
    if (timer.abortedByCaller) throw timer.signal.reason;
    throw timer.timeout({ operationId, requestId, itemsReceived: 0, waitingFor: 'the rest of the answer' }) ??
      new APIConnectionError(`Connection error reading the answer: ${error instanceof Error ? error.message : String(error)}`, { operationId, requestId }, { cause: error });
  } finally {
    stopped();
  }
}

/**
 * Cancels the body's reader when the call's signal aborts (a timeout, the caller): the signal the
 * request was sent with does not reach a body reliably (undici follows it through a weak reference
 * to the request, which may be collected once fetch has answered). Returns the un-listen.
 */
export function cancelOnAbort(signal: AbortSignal, reader: ReadableStreamDefaultReader<Uint8Array>): () => void {
  const cancel = () => void reader.cancel(signal.reason).catch(() => {});
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  return () => signal.removeEventListener('abort', cancel);
}

export interface ReadAnswerOptions {
  validate: ValidationMode;
  validator: PayloadValidator | undefined;
  hooks: ClientHooks | undefined;
  apiKey: string | undefined;
}

/** The answer's body: parsed JSON for JSON media types, text otherwise; checked against the spec as `validate` says. */
export async function readAnswer(answer: Answer, options: ReadAnswerOptions): Promise<unknown> {
  const { response, operationId, requestId } = answer;
  const mediaType = mediaTypeOf(response);
  const text = await readText(answer);
  answer.timer.stop();
  if (response.status === 204 || text === '') return undefined;
  let value: unknown = text;
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      value = JSON.parse(text);
    } catch (cause) {
      const shown = redactSecret(text, options.apiKey);
      throw new InvalidResponseError({
        status: response.status,
        body: shown,
        problems: ['not valid JSON'],
        // JSON.parse throws only SyntaxErrors.
        message: `The ${operationId} answer is not valid JSON (${(cause as SyntaxError).message}): ${preview(shown)}`,
        operationId,
        requestId,
        cause,
      });
    }
  }
  // Cloud answers a model output it could not parse with a 200 carrying an error body.
  if (inStreamErrorBody(value) !== undefined) throw apiErrorFor({ status: response.status, body: value, headers: response.headers, operationId, requestId }, options.apiKey);
  if (options.validator) {
    const problems = options.validator({ operationId, status: response.status, mediaType }, value);
    if (problems?.length) {
      if (options.validate === 'throw') throw new InvalidResponseError({ status: response.status, body: value, problems, message: `The ${operationId} answer breaks the spec: ${problems.join('; ')}`, operationId, requestId });
      warnInvalid(options.hooks, { operationId, what: 'response', problems });
    }
  }
  return value;
}
