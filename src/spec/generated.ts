/**
 * The one import point for generated/ at run time: per API, the validators by operation and the
 * stream map. Everything else in src/ reads the spec through here.
 * @module
 */
import { operationValidators as sambastudioValidators } from '../../generated/sambastudio/validators.js';
import { operationValidators as cloudValidators } from '../../generated/sambanova-cloud/validators.js';
import { operationValidators as lmiValidators } from '../../generated/lmi/validators.js';
import { streams as sambastudioStreams } from '../../generated/sambastudio/streams.js';
import { streams as cloudStreams } from '../../generated/sambanova-cloud/streams.js';
import { streams as lmiStreams } from '../../generated/lmi/streams.js';
import type { ErrorObject } from 'ajv';
import type { ApiName } from './apis.js';

/** A generated validator: a type guard that leaves the errors of its last call in `errors`. */
export interface ValidateFunction {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export interface OperationValidators {
  parameters?: ValidateFunction;
  request: Readonly<Record<string, ValidateFunction>>;
  responses: Readonly<Record<string, Readonly<Record<string, ValidateFunction>>>>;
}

export interface StreamFraming {
  readonly framing: 'sse' | 'jsonl';
  readonly terminator?: string;
  readonly terminatorOptional?: boolean;
  readonly errorEvents?: readonly string[];
  readonly eventFromType?: boolean;
  readonly status: number;
}

export const validatorsByApi: Readonly<Record<ApiName, Readonly<Record<string, OperationValidators>>>> = {
  sambastudio: sambastudioValidators as Record<string, OperationValidators>,
  'sambanova-cloud': cloudValidators as Record<string, OperationValidators>,
  lmi: lmiValidators as Record<string, OperationValidators>,
};

export const streamsByApi: Readonly<Record<ApiName, Readonly<Record<string, Readonly<Record<string, StreamFraming>>>>>> = {
  sambastudio: sambastudioStreams as Record<string, Record<string, StreamFraming>>,
  'sambanova-cloud': cloudStreams as Record<string, Record<string, StreamFraming>>,
  lmi: lmiStreams as Record<string, Record<string, StreamFraming>>,
};
