/**
 * The types each client is parameterised by, from the contract layer (src/contract): the
 * openapi-typescript `operations` and the generated stream item map of one API.
 * @module
 */
import type { operations as StudioOperations, StreamItems as StudioStreamItems } from '../contract/sambastudio.js';
import type { operations as CloudOperations, StreamItems as CloudStreamItems } from '../contract/sambanova-cloud.js';
import type { operations as LmiOperations, StreamItems as LmiStreamItems } from '../contract/lmi.js';

export interface ApiTypes {
  operations: object;
  streamItems: object;
}
export interface SambaStudioTypes {
  operations: StudioOperations;
  streamItems: StudioStreamItems;
}
export interface SambaNovaCloudTypes {
  operations: CloudOperations;
  streamItems: CloudStreamItems;
}
export interface LmiTypes {
  operations: LmiOperations;
  streamItems: LmiStreamItems;
}
