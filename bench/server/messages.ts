/** Messages between the server bench and its child processes (over the fork IPC channel). @module */

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

export interface LoadFailure {
  type: 'error';
  message: string;
}
