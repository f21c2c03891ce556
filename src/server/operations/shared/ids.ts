/**
 * @module Completion ids and `created` stamps in each service's format. Ids are random (not part of
 * the deterministic answer); `created` is integer or fractional seconds as each service sends it.
 */
import { randomUUID } from 'node:crypto';
import { uuid } from '../../uuid.js';

/** `chatcmpl-` and 24 hex digits (SambaStudio, after OpenAI). */
export function openAiStyleId(): string {
  return `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

/** A bare UUID, no prefix (SambaNova Cloud). */
export function bareUuid(): string {
  return uuid();
}

/** `chatcmpl-` and the 32 hex digits of a UUID (vLLM's `random_uuid()`). */
export function vllmId(): string {
  return `chatcmpl-${randomUUID().replace(/-/g, '')}`;
}

let lmiCounter = 0;

/**
 * `chatcmpl-<number>`: LMI's rolling batch uses a Python `id()`, a number unique among live requests;
 * a process-wide counter is unique too (the vendor's example shows `chatcmpl-0`).
 */
export function lmiRollingBatchId(): string {
  return `chatcmpl-${lmiCounter++}`;
}

export const wholeSeconds = (epochMs: number): number => Math.floor(epochMs / 1000);
export const fractionalSeconds = (epochMs: number): number => epochMs / 1000;
