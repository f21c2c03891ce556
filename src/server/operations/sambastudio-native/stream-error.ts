/**
 * The in-stream error of the native streams, for failures after the status 200 was sent (the
 * `error-event` fault, a failing producer, shutdown): an object holding `error` with `code`,
 * `details` and `message` and the failure's `status_code` (the shape LangChain's SambaStudio
 * clients read). Generic streams send it as a JSON line; the NLP stream as the data of an event
 * named `error_event`. The `detail-error` variant does not apply: a `{"detail"}` item is not a
 * stream item the spec allows.
 * @module
 */
import type { components } from '../../../contract/sambastudio.js';
import type { OutgoingStreamItem } from '../../../streams/index.js';

type NativeStreamError = components['schemas']['SambaStudioNativeStreamError'];

export function nativeStreamError(message: string): OutgoingStreamItem<NativeStreamError> {
  const value: NativeStreamError = {
    error: { code: 'internal_error', details: 'The answer was cut after the stream began; retry the request.', message },
    status_code: 500,
  };
  return { kind: 'error', value, event: 'error_event' };
}
