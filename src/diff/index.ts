/** `sambakit diff` as a library: load two specs from any source and classify what changed. @module */
export { diffDocuments, type DiffResult } from './diff.js';
export { DiffInputError } from './errors.js';
export type { Finding, OperationRef } from './findings.js';
export { loadSpec, type LoadedSpec, type LoadOptions } from './load.js';
export { toJson, toText } from './report.js';
export { rules, ruleIds, type RuleId } from './rules.js';
