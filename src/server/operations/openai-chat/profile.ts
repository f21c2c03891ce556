/**
 * @module What differs between the three OpenAI-style chat APIs (SambaStudio, SambaNova Cloud, DJL
 * LMI), written as data that the shared core reads. A profile turns one request (its variant and
 * headers) into a `WireStyle` (`../shared/wire-style.ts`); the core never sees a variant name or an API name.
 */
import type { Problem } from '../../error-styles.js';
import type { OutgoingStreamItem } from '../../../streams/index.js';
import type { ResolvedServerOptions } from '../../options.js';
import type { WireStyle } from '../shared/wire-style.js';
import type { OperationRequest, VariantTable } from '../types.js';

/** One API's chat behaviour: its variants, its style per request, its in-stream error. */
export interface ChatProfile {
  /** Used in log lines. */
  name: string;
  variants: VariantTable;
  /** Whether a JSON array body (a batch) is answered with an array (SambaStudio). */
  acceptsBatch: boolean;
  /** Built once per distinct variant (and header it reads) and shared: see `stylesBy`. */
  style(request: Pick<OperationRequest, 'variant' | 'headers'>): WireStyle;
  /** The in-stream error in the API's real form, honouring the request's variant. */
  streamError(message: string, request: Pick<OperationRequest, 'requestId' | 'variant'>): OutgoingStreamItem<unknown>;
  /** A check of one request body the API makes before generating (Cloud: the model catalogue). */
  checkBody?(body: Record<string, unknown>): Problem | undefined;
  /** The API's documented error for an answer whose output could not be parsed (the `model-output` fault), made from that answer. */
  modelOutputError?(answer: unknown): unknown;
  /** The context length of the model a (checked) body asks for. */
  contextTokens(body: Record<string, unknown>, options: ResolvedServerOptions): number;
}
