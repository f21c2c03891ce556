/**
 * How requests are written beyond a JSON body: path and query parameters (openapi-fetch's
 * serializers) and multipart forms built from uploads. The full clients take them; a client whose
 * operations need neither (SambaNovaCloudChat) goes without, and its browser bundle leaves them out.
 * @module
 */
import { createFinalURL, createQuerySerializer, defaultPathSerializer } from 'openapi-fetch';
import type { OperationInfo } from '../contract/index.js';
import { InvalidRequestError } from './errors.js';
import { resolveUploads, toFormData } from './uploads.js';

export interface RequestEncoders {
  /** The URL of a call: the path template filled in and the query appended; a path parameter with no value is an `InvalidRequestError`. */
  url: (baseUrl: string, operation: OperationInfo, params: { path: Record<string, unknown>; query: Record<string, unknown> | undefined }) => string;
  /** Every upload among a body's fields as a File, so the form can be built (and rebuilt for a retry) without awaiting. */
  resolveUploads: (body: Record<string, unknown>) => Promise<Record<string, unknown>>;
  toFormData: (body: unknown) => FormData;
}

const querySerializer = /* @__PURE__ */ createQuerySerializer();

export const requestEncoders: RequestEncoders = {
  url(baseUrl, operation, params) {
    const { operationId, path } = operation;
    for (const match of path.matchAll(/\{([^}]+)\}/g)) {
      const name = match[1] as string;
      const value = params.path[name];
      if (value === undefined || value === null || value === '') {
        throw new InvalidRequestError(`params.path.${name}`, `${operationId} needs the path parameter ${name} (${path}); pass it in the call or as a client default`, { operationId });
      }
    }
    return createFinalURL(path, { baseUrl, params, querySerializer, pathSerializer: defaultPathSerializer });
  },
  resolveUploads,
  toFormData,
};
