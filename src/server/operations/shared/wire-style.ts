/**
 * @module How one API writes a chat-style answer (`WireStyle`, resolved per request by a profile in
 * `../openai-chat/profiles/`) and the facts a usage object is built from. The shared chat core
 * reads only this, never a variant or an API name.
 */
import type { FinishReason } from '../../fake-model/index.js';
import type { TimingMetrics } from '../../pacing/plan.js';

/** Everything a usage object can be built from, measured on the run that produced the answer. */
export interface UsageFacts {
  /** Prompt tokens, counting the tool definitions a chat template would put in the prompt. */
  promptTokens: number;
  /** Completion tokens over every choice (reasoning, content and tool calls). */
  completionTokens: number;
  reasoningTokens: number;
  /** Figures from the times the tokens were actually sent. */
  timing: TimingMetrics;
  /** The same figures over the first token and the ten after it (Cloud's `..._first_ten`). */
  firstTen: TimingMetrics;
  startEpochMs: number;
  endEpochMs: number;
  /** Finish reason of the first choice, in the API's own words. */
  stopReason: string | null;
}

/** How one API writes a chat answer, resolved for one request. */
export interface WireStyle {
  /** Media type of a streamed answer (it must be one the spec declares for the operation). */
  streamMediaType: 'text/event-stream' | 'application/jsonlines';
  /** A fresh completion id in the service's format. */
  newId(): string;
  /** `created` for a moment given in epoch milliseconds (integer or fractional seconds). */
  created(epochMs: number): number;
  /** LMI's rolling-batch formatter stamps each line with the time it was written; others repeat one time. */
  createdPerChunk: boolean;
  /** `model` as answered; undefined leaves the field out (LMI rolling batch sends none). */
  model(requested: string | undefined): string | undefined;
  /** Sent in every completion and chunk when defined. */
  systemFingerprint?: string;
  /** Whether `n` is honoured; services documented to return exactly one answer ignore it. */
  honoursN: boolean;
  /** Where reasoning text goes; undefined: the API has no field for it, so none is generated. */
  reasoningField?: 'reasoning' | 'reasoning_content';
  finishReason(reason: FinishReason): string;
  toolCalls: {
    /** The documented string holding JSON, or (observed variant) the parsed object. */
    arguments: 'string' | 'object';
    /** `whole`: one delta with id, name and all arguments; `pieces`: a header, then argument text token by token. */
    streamed: 'whole' | 'pieces';
    /** Whether streamed tool-call deltas carry `index`. */
    streamIndex: boolean;
    /** `message.content` of an answer that only calls tools. */
    contentWithCalls: '' | null;
  };
  logprobs: {
    /** UTF-8 bytes (OpenAI, vLLM) or Unicode code points (LMI rolling batch, `ord(c)`). */
    bytes: 'utf8' | 'code-points';
    /** Alternatives as asked by `top_logprobs`, or only the chosen token (LMI rolling batch). */
    top: 'as-asked' | 'self-only';
    /** `object`: `{content: [...]}`; `rolling-batch-array`: LMI's `[{content: [...]}]` with the logprob in `top_logprobs[].token`. */
    streamed: 'object' | 'rolling-batch-array';
  };
  /**
   * How a streamed choice ends: a separate chunk with `delta: {}` (SambaStudio, as the vendor shows),
   * a separate chunk with `delta: {content: ""}` (Cloud), or `finish_reason` on the last piece (LMI).
   */
  finishChunk: 'empty-delta' | 'empty-content' | 'on-last-piece';
  /** Chunks before the usage chunk: no `usage` key, or `usage: null`. */
  usageOnOtherChunks: 'absent' | 'null';
  /** Body fields that may hold `{include_usage}`, first found wins; empty: the service never sends a usage chunk. */
  usageOptionFields: readonly string[];
  usage(facts: UsageFacts): Record<string, unknown>;
}

/**
 * A style depends on a few facts of the request only (its variant, a header's value): each is built
 * once per distinct pair of facts and shared by every request with them, rather than rebuilt
 * (closures included) per request.
 */
export function stylesBy<A extends string | undefined, B extends string | undefined = undefined>(build: (a: A, b: B) => WireStyle): (a: A, b?: B) => WireStyle {
  const built = new Map<A, Map<B, WireStyle>>();
  return (a, b) => {
    let byB = built.get(a);
    if (!byB) built.set(a, (byB = new Map()));
    let style = byB.get(b as B);
    if (!style) byB.set(b as B, (style = build(a, b as B)));
    return style;
  };
}
