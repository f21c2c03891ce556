/**
 * @module The fields of an audio multipart form, read as the official SDKs send them: every value is
 * text (`stream=true`), and `stream_options` arrives as the bracketed part
 * `stream_options[include_usage]`, which the request reader leaves un-nested. A client that built a
 * JSON-like object first (booleans, a nested `stream_options`) is read the same way.
 */

export interface AudioForm {
  model: string;
  language: string | undefined;
  prompt: string | undefined;
  responseFormat: 'json' | 'text';
  stream: boolean;
  includeUsage: boolean;
}

const truthy = (value: unknown): boolean => value === true || value === 'true';

export function readAudioForm(fields: Record<string, unknown>): AudioForm {
  const options = fields.stream_options;
  const nested = typeof options === 'object' && options !== null ? (options as Record<string, unknown>).include_usage : undefined;
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  const stream = truthy(fields.stream);
  return {
    model: String(fields.model ?? ''),
    language: text(fields.language),
    prompt: text(fields.prompt),
    responseFormat: fields.response_format === 'text' ? 'text' : 'json',
    stream,
    includeUsage: stream && truthy(fields['stream_options[include_usage]'] ?? nested),
  };
}
