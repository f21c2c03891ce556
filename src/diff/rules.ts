/**
 * Every rule the diff applies, with its verdict. A rule always has the same verdict, so a consumer
 * of `--format json` may key on the rule alone; `breaking` is repeated on each finding for
 * convenience. Direction matters: a request schema that accepts less breaks clients that send what
 * it used to accept; a response schema that allows more breaks clients that read what it used to
 * promise.
 * @module
 */

export const rules = {
  // Operations and paths
  'path-removed': { breaking: true, summary: 'A path (URL) was removed: every call to it now fails.' },
  'operation-removed': { breaking: true, summary: 'An operation (method of a path) was removed.' },
  'path-added': { breaking: false, summary: 'A path was added.' },
  'operation-added': { breaking: false, summary: 'An operation was added to an existing path.' },
  'operation-id-changed': { breaking: false, summary: 'The operationId changed: nothing changes on the wire, but code generated from the spec renames the call.' },
  'operation-deprecated': { breaking: false, summary: 'The operation is now deprecated.' },
  'path-parameter-renamed': { breaking: false, summary: 'A path template parameter was renamed: the URLs a client builds are the same.' },

  // Parameters
  'parameter-moved': { breaking: true, summary: 'A parameter moved (for example from query to header): clients send it where it is no longer read.' },
  'parameter-renamed': { breaking: true, summary: 'A query, header or cookie parameter was renamed: clients send the old name.' },
  'parameter-serialization-changed': { breaking: true, summary: 'A parameter\'s style or explode changed: clients serialise it the old way.' },
  'request-parameter-became-required': { breaking: true, summary: 'A parameter was added as required, or an optional one became required.' },
  'request-parameter-added': { breaking: false, summary: 'An optional parameter was added.' },
  'request-parameter-became-optional': { breaking: false, summary: 'A required parameter became optional.' },
  'request-parameter-removed': { breaking: false, summary: 'A parameter was removed: a value clients still send is ignored, not refused.' },

  // Request bodies and request schemas (narrowing breaks)
  'request-body-became-required': { breaking: true, summary: 'A request body became required (or a required one was added).' },
  'request-body-became-optional': { breaking: false, summary: 'The request body became optional.' },
  'request-media-type-removed': { breaking: true, summary: 'A request media type was removed: clients sending it are refused.' },
  'request-media-type-added': { breaking: false, summary: 'A request media type was added.' },
  'request-property-became-required': { breaking: true, summary: 'A request property became required (or a required one was added).' },
  'request-property-became-optional': { breaking: false, summary: 'A required request property became optional.' },
  'request-property-added': { breaking: false, summary: 'An optional request property was added.' },
  'request-property-removed': { breaking: false, summary: 'A request property was removed from an open object: clients that still send it are not refused.' },
  'request-property-rejected': { breaking: true, summary: 'Request properties the old schema accepted are refused now (additionalProperties closed, or a property removed from a closed object).' },
  'request-additional-properties-allowed': { breaking: false, summary: 'A closed request object now accepts further properties.' },
  'request-type-narrowed': { breaking: true, summary: 'A request value accepts fewer types: a type or null dropped, or a oneOf/anyOf branch removed.' },
  'request-type-widened': { breaking: false, summary: 'A request value accepts more types: a type or null added, or a oneOf/anyOf branch added.' },
  'request-enum-narrowed': { breaking: true, summary: 'A request enum (or const) accepts fewer values.' },
  'request-enum-widened': { breaking: false, summary: 'A request enum accepts more values, or is gone.' },
  'request-range-narrowed': { breaking: true, summary: 'A request bound is tighter: minimum, maximum, length, item or property count, multipleOf, uniqueItems.' },
  'request-range-widened': { breaking: false, summary: 'A request bound is looser or gone.' },
  'request-pattern-narrowed': { breaking: true, summary: 'A request string pattern or format was added or changed: values the old one accepted may be refused.' },
  'request-pattern-widened': { breaking: false, summary: 'A request string pattern or format was removed.' },
  'request-default-changed': { breaking: false, summary: 'A request default changed: same wire format, but clients that omit the value get a different behaviour.' },

  // Responses (widening breaks)
  'response-status-removed': { breaking: true, summary: 'A success (2xx) response status was removed: clients waiting for it get another.' },
  'response-error-status-removed': { breaking: false, summary: 'An error (non-2xx) response status is no longer documented.' },
  'response-status-added': { breaking: false, summary: 'A response status was added.' },
  'response-media-type-removed': { breaking: true, summary: 'A response media type was removed: clients asking for it get another.' },
  'response-media-type-added': { breaking: false, summary: 'A response media type was added.' },
  'response-property-removed': { breaking: true, summary: 'A response property was removed: clients that read it find nothing.' },
  'response-property-became-optional': { breaking: true, summary: 'A required response property became optional: clients that read it may find nothing.' },
  'response-property-became-required': { breaking: false, summary: 'An optional response property became required.' },
  'response-property-added': { breaking: false, summary: 'A response property was added.' },
  'response-type-widened': { breaking: true, summary: 'A response value may have more types: a type or null added, or a oneOf/anyOf branch added.' },
  'response-type-narrowed': { breaking: false, summary: 'A response value has fewer possible types.' },
  'response-enum-widened': { breaking: true, summary: 'A response enum has more values (or is gone): clients may receive a value they do not know.' },
  'response-enum-narrowed': { breaking: false, summary: 'A response enum has fewer values.' },
  'response-range-widened': { breaking: true, summary: 'A response bound is looser or gone: clients may receive values outside the old range.' },
  'response-range-narrowed': { breaking: false, summary: 'A response bound is tighter.' },
  'response-pattern-widened': { breaking: true, summary: 'A response string pattern or format was removed or changed: clients may receive strings of another form.' },
  'response-pattern-narrowed': { breaking: false, summary: 'A response string pattern or format was added.' },
  'response-header-removed': { breaking: true, summary: 'A response header was removed (required or not, as for body properties): clients that read it find nothing.' },
  'response-header-became-optional': { breaking: true, summary: 'A required response header became optional.' },
  'response-header-added': { breaking: false, summary: 'A response header was added.' },

  // Streams (x-sambakit-stream)
  'stream-framing-changed': { breaking: true, summary: 'A stream\'s framing changed (sse/jsonl, terminator, event names, error events added, or the media type became or stopped being a stream).' },
  'stream-error-events-narrowed': { breaking: false, summary: 'A stream names fewer in-stream error events.' },

  // Security
  'security-changed': { breaking: true, summary: 'Security changed so that a credential that worked may be refused (scheme added, replaced or redefined, scope added).' },
  'security-relaxed': { breaking: false, summary: 'Security changed so that every credential that worked still works (alternative added, requirement removed).' },
} as const satisfies Record<string, { breaking: boolean; summary: string }>;

export type RuleId = keyof typeof rules;
export const ruleIds = Object.keys(rules) as RuleId[];
