/**
 * The observed wire variants of the native APIs, each named once with what it changes, so that the
 * operations declare the ones that apply to them (`x-sambakit-variant`) from one list. Every
 * variant stays inside the spec: it picks another documented alternative, never a new shape.
 * @module
 */
import type { VariantTable } from '../types.js';

const descriptions = {
  'logprobs-empty-lists': 'logprobs without top_logprobs asked as {"text_offset": [], "top_logprobs": []}, as captured from a service, instead of the vendor examples\' nulls',
  'total-count-only': 'token usage as total_tokens_count alone, without prompt/completion counts or timings, as releases before 2025 sent it',
  'alternate-metric-names': 'the last stream object names its timings time_to_first_response and completion_tokens_per_sec_after_first_response, as some releases do',
  'result-wrapper': 'every stream line wrapped as {"result": {"responses": [...]}}, as services send it, whatever the request form',
  'bare-stream-objects': 'every stream line a bare stream object, as the vendor reference prints it, whatever the request form',
  'data-response': 'the answer as {"data": [...]}, as the vendor text-model reference prints it, whatever the request form',
  'predictions-response': 'the answer as {"status", "predictions"}, as services send it, whatever the request form',
  'vendor-status': 'status with only complete, exitCode and elapsedTime, as the vendor LLaVA example prints it',
  'string-default-ids': 'an item sent without id is answered with its position as a string ("0") instead of a number',
  'file-data-string': 'the transcription as one string under data, as the vendor field table describes it, instead of a list',
  'no-status-code': 'the answer without status_code in the body (no capture shows it there)',
} as const;

export type NativeVariant = keyof typeof descriptions;

/** The variant table of an operation: the named variants with their descriptions. */
export function variantTable(...names: NativeVariant[]): VariantTable {
  return Object.fromEntries(names.map((name) => [name, descriptions[name]]));
}
