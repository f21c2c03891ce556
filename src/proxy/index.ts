/** The validating proxy behind `sambakit proxy`. @module */
export { startProxy, parseTarget, type RunningProxy } from './start-proxy.js';
export { defaultProxyOptions, type ProxyOptions } from './options.js';
export { formatSummary } from './summary.js';
export { readTargetCa } from './target-connection.js';
export type { ProxyRecord, ViolationRecord, UpstreamFaultRecord, UncheckedRecord, SummaryRecord, Direction, UpstreamFault } from './records.js';
