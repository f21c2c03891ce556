/**
 * How requests are written beyond a JSON body: path and query parameters (openapi-fetch's
 * serializers) and multipart forms built from uploads. The full clients take them; a client whose
 * operations need neither (SambaNovaCloudChat) goes without, and its browser bundle leaves them out.
 * @module
 */
import { createQuerySerializer, defaultPathSerializer } from 'openapi-fetch';
import { resolveUploads, toFormData } from './uploads.js';

export interface RequestEncoders {
  querySerializer: (query: Record<string, unknown>) => string;
  pathSerializer: (pathTemplate: string, params: Record<string, unknown>) => string;
  /** Every upload among a body's fields as a File, so the form can be built (and rebuilt for a retry) without awaiting. */
  resolveUploads: (body: Record<string, unknown>) => Promise<Record<string, unknown>>;
  toFormData: (body: unknown) => FormData;
}

export const requestEncoders: RequestEncoders = {
  querySerializer: /* @__PURE__ */ createQuerySerializer(),
  pathSerializer: defaultPathSerializer,
  resolveUploads,
  toFormData,
};
