/**
 * `sambakit`: typed clients for SambaStudio, SambaNova Cloud and DJL LMI, generated from the spec.
 * Browser-safe (no `node:` imports); `sambakit/node` adds file paths for uploads.
 * @module
 */
export { SambaNovaCloud } from './apis/sambanova-cloud.js';
export { SambaNovaCloudChat } from './apis/sambanova-cloud-chat.js';
export { SambaStudio, type SambaStudioOptions, type MultimodalRequest } from './apis/sambastudio.js';
export { LMI, type LmiInvoke } from './apis/lmi.js';
export { ApiClient } from './api-client.js';
export type { StreamableCall } from './operation-client.js';
export { ItemStream } from './item-stream.js';
export type { SambaStudioTypes, SambaNovaCloudTypes, LmiTypes, ApiTypes } from './api-types.js';
export type { AnswerOf, StreamItemOf, CallInputOf, OperationId, StreamingOperationId } from './operation-types.js';
export type { ClientOptions, RequestOptions, ClientHooks, RequestEvent, ResponseEvent, RetryEvent, ValidationWarning, ValidationMode, PayloadValidator } from './options.js';
export {
  SambakitClientError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RequestTimeoutError,
  ConflictError,
  GoneError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  ModelOutputError,
  APIConnectionError,
  APITimeoutError,
  StreamError,
  InvalidResponseError,
  InvalidRequestError,
  type TimeoutKind,
  type StreamFailure,
} from './errors.js';
export { imageDataURL, type UploadSource, type NamedUpload } from './uploads.js';
export type { PlainNativeParams, TypedParam } from './native-params.js';
export { collectChat, collectGenerated, collectNative, collectResponse, collectMessage, type CollectedChat, type CollectedChoice, type CollectedToolCall } from './collect.js';
