/** Messages between the server bench and its child processes (over the fork IPC channel). @module */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server child says where it listens. */
export interface ListeningMessage {
  type: 'listening';
  url: string;
}

/** The parent asks a server child to close and exit (so that `--cpu-prof` can write its profile). */
export interface CloseMessage {
  type: 'close';
}

/** The parent asks the load child for one autocannon run. */
export interface LoadRequest {
  type: 'load';
  url: string;
  connections: number;
  durationS: number;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

/** What the load child reports back for one run. */
export interface LoadResult {
  type: 'result';
  requestsPerSecond: number;
  completed: number;
  durationS: number;
  latencyP50: number;
  latencyP99: number;
  latencyMax: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** CPU time the load generator used during the run, in ms (user + system). */
  cpuMs: number;
}

/** One kind of request in a mixed load: what is sent, and which status class counts as the right answer. */
export interface MixedRequestSpec {
  /** The API family it belongs to, for the per-family tally. */
  family: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  /** The body, base64 (multipart uploads carry binary audio, which JSON over IPC would mangle). */
  bodyBase64?: string;
  /** 2 for a 2xx, 4 for a 4xx. */
  expect: 2 | 4;
}

/** The parent asks the load child for `amount` requests spread evenly over `requests`, sent at once on `connections` connections shared among them. */
export interface MixedLoadRequest {
  type: 'mixed';
  url: string;
  connections: number;
  amount: number;
  requests: MixedRequestSpec[];
}

/** Per family: answers in the expected status class, answers outside it, and 5xx among those. */
export interface FamilyTally {
  expected: number;
  unexpected: number;
  serverErrors: number;
  /** Socket errors and timeouts (no status). */
  errors: number;
  /** The unexpected statuses with their counts, for the report. */
  samples: string[];
}

export interface MixedLoadResult {
  type: 'mixed-result';
  completed: number;
  durationS: number;
  requestsPerSecond: number;
  /** The median of the entries' p50s. */
  latencyP50: number;
  /** The worst of the entries' p99s. */
  latencyP99: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  families: Record<string, FamilyTally>;
  cpuMs: number;
}

/** The parent asks a server child carrying bench/server/memory-probe.mjs for its memory (after a full collection when `gc`). */
export interface MemoryRequest {
  type: 'memory';
  gc: boolean;
}

/** What the memory probe answers: `process.memoryUsage()` and the active handles by type. */
export interface MemoryReport {
  type: 'memory-report';
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** `v8.getHeapSpaceStatistics()`: bytes committed per space (space_size), by space name. */
  spaces: Record<string, number>;
  /** `process.getActiveResourcesInfo()` counted by type (TCPSocketWrap, Timeout, ...): compared with the same child's own baseline. */
  resources: Record<string, number>;
  /** Whether a full collection ran first (the child was started with --expose-gc). */
  collected: boolean;
}

/**
 * The parent asks bench/server/pace-probe.mjs for its figures since the last ask (`fromEpochMs`: when
 * the wave began), and whether to record until the next ask.
 */
export interface PaceRequest {
  type: 'pace';
  fromEpochMs: number;
  record: boolean;
}

/** What the pace probe answers: the server's own view of a wave (times in ms). */
export interface PaceReport {
  type: 'pace-report';
  /** Writes that carried content, and those that carried more than one content token (a stream catching up). */
  writes: number;
  multiTokenWrites: number;
  /** Gaps between two content writes to one response, as the server made them. */
  gapP50: number;
  gapP99: number;
  gapMax: number;
  gapCount: number;
  /** Gaps over 100 ms as written, by when they ended after the wave began: one count per bucket ending at `longGapBucketsMs[i]`, then the rest. */
  longGapsByTime: number[];
  longGapBucketsMs: number[];
  loopDelayP99: number;
  loopDelayMax: number;
  /** GC pauses: their sum and the longest over the wave, and their sum in its first 400 ms. */
  gcMs: number;
  gcMaxMs: number;
  burstGcMs: number;
  /** GC pauses by kind (`minor`: scavenges of the young generation; `major`, `incremental`, `weakcb`): count, sum, longest, and how many lasted 50 ms or more. */
  gcKinds: Record<string, GcKindFigures>;
  /** The server's own CPU time (user + system) since the previous ask. */
  cpuMs: number;
  /** How late a timer due every 5 ms fired (ms): what a token due at that moment waited for the loop. */
  timerLateness: { p50: number; p90: number; p99: number; max: number; count: number };
  /** Those samples 50 ms late or more, by when they fired (the buckets of `longGapBucketsMs`). */
  lateTimersByTime: number[];
  /** The process's own writes to stdout (a request log): how many, and the time spent in them (a pipe's write blocks while the pipe is full). */
  stdout: { writes: number; ms: number; maxMs: number };
}

export interface GcKindFigures {
  count: number;
  ms: number;
  maxMs: number;
  long: number;
}

export interface LoadFailure {
  type: 'error';
  message: string;
}

/**
 * Runs a bare baseline server as a bench child: listens on a free loopback port, reports it to the
 * parent, closes and exits when asked (or when the parent goes away).
 */
export function serveAsChild(server: Server): void {
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
    const { port } = server.address() as AddressInfo;
    const message: ListeningMessage = { type: 'listening', url: `http://127.0.0.1:${port}` };
    process.send!(message);
  });
  process.on('message', (message: CloseMessage) => {
    if (message.type !== 'close') return;
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
  process.on('disconnect', () => process.exit(0));
}
