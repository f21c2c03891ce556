/**
 * The producer behind every native stream: takes answers already generated, sends one object per
 * token on the request's pace and the last object of each answer with metrics from the real send
 * times; each operation only says how an object is framed (bare, `result.responses`,
 * `result.items` with an id). It runs only as fast as the client reads (the body pulls each item),
 * and a client that leaves aborts its signal, which ends generation at once.
 * @module
 */
import { pace, type SendRecord } from '../../pacing/plan.js';
import type { OutgoingStreamItem } from '../../../streams/index.js';
import type { OperationRequest, StreamProducer } from '../types.js';
import type { NativeCompletion } from './completion.js';
import type { AnswerStyle } from './generation-object.js';
import type { RequestClock } from './stream-metrics.js';
import { lastObject, tokenObject, type StreamObject, type StreamObjectForm } from './stream-objects.js';
import { paced, streamSchedule, type Interleaving } from '../../pacing/schedule.js';

export interface NativeStreamInit {
  request: OperationRequest;
  clock: RequestClock;
  completions: readonly NativeCompletion[];
  order: Interleaving;
  form: StreamObjectForm;
  style: AnswerStyle;
  /** The batch size the last objects report. */
  batchSize: number;
  /** One stream object of answer `answer` as the operation sends it. */
  frame: (object: StreamObject, answer: number) => OutgoingStreamItem<unknown>;
}

export function nativeStream(init: NativeStreamInit): StreamProducer {
  const { request, clock, completions, style } = init;
  return async function* produceNativeStream(signal) {
    // The body's signal (cancel, shutdown) and the request's (socket closed): either one stops us.
    const stop = AbortSignal.any([signal, request.signal]);
    const schedule = streamSchedule(completions.map((completion) => completion.tokens.length), pace(request.pacing), init.order);
    const sends: SendRecord[][] = completions.map(() => []);
    let sent = 0;
    try {
      for await (const event of paced(schedule, clock.startMs, stop)) {
        const completion = completions[event.answer]!;
        const atMs = performance.now();
        // Counted before the yield: an item handed to the body is sent, even if this generator is never resumed.
        sent++;
        if (event.kind === 'token') {
          sends[event.answer]!.push({ atMs, tokens: 1 });
          yield init.frame(tokenObject(completion.tokens[event.token]!.text, init.form, style), event.answer);
        } else {
          const timing = { clock, sends: sends[event.answer]!, endMs: atMs, promptTokens: completion.promptTokens, batchSize: init.batchSize, alternateNames: style.alternateMetricNames };
          yield init.frame(lastObject(completion, timing, style), event.answer);
        }
      }
      // Cut by a shutdown: failing (rather than ending) makes the body close with the in-stream
      // error, so the client is told; a stream without a terminator would otherwise look complete.
      if (sent < schedule.length && request.options.shutdownSignal?.aborted) throw new Error('the server is shutting down');
    } finally {
      // Says in the server log that generation stopped with the stream (client gone, fault, shutdown).
      if (sent < schedule.length) {
        request.options.log?.(`${request.route.operationId} ${request.requestId}: stream ended after ${sent} of ${schedule.length} items; generation stopped`);
      }
    }
  };
}
