/**
 * The timings the last stream object reports, computed from when its tokens were really sent
 * (`measureTiming` over the send records), never from the plan: a slow reader or a loaded server
 * shows up in the numbers as it would on a real endpoint.
 * @module
 */
import type { components } from '../../../contract/sambastudio.js';
import { measureTiming, type SendRecord } from '../../pacing/plan.js';
import type { Arrival } from '../types.js';

type StreamObject = components['schemas']['SambaStudioStreamResponse'];

/** When the request arrived, on both clocks: monotonic for durations, Unix for `start_time`/`end_time`. */
export interface RequestClock {
  startMs: number;
  startUnixS: number;
}

export function requestClock(arrival: Arrival): RequestClock {
  return { startMs: arrival.monotonicMs, startUnixS: arrival.epochMs / 1000 };
}

export interface TimingInput {
  clock: RequestClock;
  /** The answer's token sends, in order. */
  sends: readonly SendRecord[];
  /** When the last object goes out. */
  endMs: number;
  promptTokens: number;
  batchSize: number;
  /** `alternate-metric-names`: the names some releases use for the first two figures. */
  alternateNames: boolean;
}

type TimingFields = Pick<
  StreamObject,
  | 'start_time' | 'end_time' | 'model_execution_time' | 'time_to_first_token' | 'throughput_after_first_token'
  | 'time_to_first_response' | 'completion_tokens_per_sec_after_first_response' | 'total_tokens_per_sec' | 'batch_size_used'
>;

export function timingFields(input: TimingInput): TimingFields {
  const { clock, sends, endMs } = input;
  const timing = measureTiming(clock.startMs, sends, endMs);
  // An empty answer has no first token: its first (and only) object is the last one.
  const firstS = sends.length > 0 ? timing.timeToFirstTokenS : timing.totalLatencyS;
  const totalTokens = input.promptTokens + timing.completionTokens;
  const fields: TimingFields = {
    start_time: round(clock.startUnixS),
    end_time: round(clock.startUnixS + timing.totalLatencyS),
    model_execution_time: round(timing.totalLatencyS),
    total_tokens_per_sec: round(timing.totalLatencyS > 0 ? totalTokens / timing.totalLatencyS : 0),
    batch_size_used: input.batchSize,
  };
  if (input.alternateNames) {
    fields.time_to_first_response = round(firstS);
    fields.completion_tokens_per_sec_after_first_response = round(timing.throughputAfterFirstToken);
  } else {
    fields.time_to_first_token = round(firstS);
    fields.throughput_after_first_token = round(timing.throughputAfterFirstToken);
  }
  return fields;
}

/** Microsecond precision: enough for any client, and no 17-digit noise on the wire. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
