/**
 * @module Identifiers of the Responses and Messages objects in their services' formats: a type
 * prefix and random hex (`resp_…`, `msg_…`, `fc_…`, `toolu_…`). Random, like the services', since
 * ids are not part of the deterministic answer.
 */
import { randomBytes } from 'node:crypto';

/** `prefix` followed by `bytes` random bytes in hex. */
export function prefixedId(prefix: string, bytes = 16): string {
  return `${prefix}${randomBytes(bytes).toString('hex')}`;
}

/**
 * A Messages `tool_use` id for a fake-model call: Anthropic's `toolu_` prefix on the call's own
 * (deterministic) digits, so that a replayed conversation names the same call.
 */
export function toolUseId(callId: string): string {
  return `toolu_${callId.replace(/^call_/, '')}`;
}
