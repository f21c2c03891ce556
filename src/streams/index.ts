/** `sambakit/streams`: decoders and encoders for the SSE and JSON-lines streams of the three APIs; runs in browsers, Deno, Bun and Node. @module */
export type { StreamSource, StreamFramingSpec, ServerSentEvent, StreamItem, StreamDataItem, StreamErrorItem, OutgoingStreamItem } from './types.js';
export { StreamError, StreamBufferLimitError, StreamParseError, StreamEndedEarlyError, StreamEncodeError, isStreamError, type StreamErrorType } from './errors.js';
export { LineDecoder, type LineDecoderOptions } from './line-decoder.js';
export { createSSEDecoder, iterateSSE, type SSEDecoder, type SSEDecoderOptions, type IterateSSEOptions } from './sse-decoder.js';
export { encodeSSE, encodeSSEComment, type SSEMessageInit } from './sse-encoder.js';
export { JSONLDecoder, iterateJSONL, jsonLinePayload, type IterateJSONLOptions } from './jsonl-decoder.js';
export { encodeJSONLine } from './jsonl-encoder.js';
export {
  iterateStreamItems,
  createStreamItemsDecoder,
  defaultStreamItemsOptions,
  type StreamItemsOptions,
  type StreamItemsDecoder,
  type StreamItemsDecoderOptions,
} from './stream-items.js';
export { encodeStreamItems, encodeStreamItem, encodeStreamEnd, type StreamItemProducer, type EncodeStreamItemsOptions } from './encode-stream-items.js';
export { createStreamResponse, type StreamResponseInit } from './stream-response.js';
