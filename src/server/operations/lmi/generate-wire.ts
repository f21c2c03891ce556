/**
 * @module An answer in LMI's own schema on the wire, in the two forms a container sends: the
 * rolling-batch engines' (documented: `{"token": {"id", "text", "log_prob"}}` lines, the last adding
 * `generated_text` and, when asked, `details`; LMI's finish reasons), and the async vLLM engine's
 * (variant `vllm-async`, LMI v17+: `index` on every line, `logprob` instead of `log_prob`,
 * `generated_text`/`details` null until the last line, vLLM's finish reasons, the seed and the
 * prompt's length in `details`). Also the documented forms of a failed generation.
 */
import type { components } from '../../../../generated/lmi/schema.js';
import { toLmiFinishReason, toOpenAIFinishReason, type Choice, type FinishReason, type GeneratedToken } from '../../fake-model/index.js';
import type { GenerateInput } from './generate-input.js';

type LmiToken = components['schemas']['LmiToken'];
type LmiGenerateDetails = components['schemas']['LmiGenerateDetails'];
type LmiGenerateResponse = components['schemas']['LmiGenerateResponse'];
type LmiGenerateStreamLine = components['schemas']['LmiGenerateStreamLine'];
type LmiError = components['schemas']['LmiError'];

/** cl100k's `<|endoftext|>`: the one line of an answer that ended before its first token. */
const END_OF_TEXT: GeneratedToken = { id: 100257, text: '', bytes: [], logprob: 0 };

/** What an answer is made of, whichever form writes it. */
export interface GenerateAnswer {
  input: GenerateInput;
  choice: Choice;
  promptTokens: number;
  /** The prompt's tokens, when `details.prefill` was asked for. */
  prefill: GeneratedToken[] | undefined;
}

export type GenerateForm = 'rolling-batch' | 'vllm-async';

function tokenOf(token: GeneratedToken, form: GenerateForm): LmiToken {
  const logprob = token.logprob ?? null;
  if (token === END_OF_TEXT) return { id: token.id, text: token.text, log_prob: logprob, special_token: true };
  return form === 'vllm-async' ? { id: token.id, text: token.text, logprob } : { id: token.id, text: token.text, log_prob: logprob };
}

function finishReason(reason: FinishReason, form: GenerateForm): string {
  return form === 'vllm-async' ? toOpenAIFinishReason(reason) : toLmiFinishReason(reason);
}

function generatedText(answer: GenerateAnswer): string {
  return answer.input.returnFullText ? answer.input.inputs + answer.choice.text : answer.choice.text;
}

/** The tokens a stream sends: the answer's, or the end-of-text token alone for an empty answer. */
export function streamedTokens(choice: Choice): readonly GeneratedToken[] {
  return choice.tokens.length > 0 ? choice.tokens : [END_OF_TEXT];
}

function details(answer: GenerateAnswer, form: GenerateForm, whole: boolean): LmiGenerateDetails {
  const { choice, input } = answer;
  const out: LmiGenerateDetails = { finish_reason: finishReason(choice.finishReason, form) as LmiGenerateDetails['finish_reason'], generated_tokens: choice.tokens.length };
  if (form === 'vllm-async') {
    out.seed = input.seed ?? null;
    if (!whole) out.input_length = answer.promptTokens;
  } else {
    out.inputs = input.inputs;
  }
  if (whole) out.tokens = choice.tokens.map((token) => tokenOf(token, form));
  // vLLM's whole answers always carry the list, empty unless the prompt's tokens were asked for.
  if (answer.prefill || (whole && form === 'vllm-async')) out.prefill = (answer.prefill ?? []).map((token) => tokenOf(token, form));
  return out;
}

/** The whole answer: `generated_text`, and `details` when asked for. */
export function wholeAnswer(answer: GenerateAnswer, form: GenerateForm): LmiGenerateResponse {
  const body: LmiGenerateResponse = { generated_text: generatedText(answer) };
  if (answer.input.details) body.details = details(answer, form, true);
  return body;
}

/** Stream line `position` of `count`; the last adds the whole text and, when asked for, the details. */
export function streamLine(answer: GenerateAnswer, form: GenerateForm, position: number, count: number): LmiGenerateStreamLine {
  const token = tokenOf(streamedTokens(answer.choice)[position]!, form);
  const last = position === count - 1;
  if (form === 'vllm-async') {
    return {
      index: 0,
      token,
      generated_text: last ? generatedText(answer) : null,
      details: last && answer.input.details ? details(answer, form, false) : null,
    };
  }
  if (!last) return { token };
  const line: LmiGenerateStreamLine = { token, generated_text: generatedText(answer) };
  if (answer.input.details) line.details = details(answer, form, false);
  return line;
}

/** The documented last line of a stream whose generation failed. */
export function failedStreamLine(): LmiGenerateStreamLine {
  return {
    token: { id: -1, text: '', log_prob: -1, special_token: true },
    generated_text: '',
    details: { finish_reason: 'error', generated_tokens: null, inputs: null },
  };
}

/**
 * A non-streamed answer whose generation failed: the documented empty answer (rolling batch), or
 * the `{code, error}` the async engine's error response becomes. 424: the vendor says only "the
 * appropriate 4XX or 5XX"; 424 is DJL's status for a failing model handler.
 */
export function failedAnswer(form: GenerateForm, message: string): { status: number; body: LmiGenerateResponse | LmiError } {
  if (form === 'vllm-async') return { status: 424, body: { code: 424, error: message } };
  return { status: 424, body: { generated_text: '', details: { finish_reason: 'error', generated_tokens: null, inputs: null, tokens: null } } };
}
