/**
 * The client side of the concurrent-streams part of the server bench: opens N `stream: true` chat
 * requests at once with plain `node:http` and times each stream's first content chunk and the gaps
 * between content chunks. Kept lean (one JSON.parse per event), as it shares the machine with the
 * server it measures.
 * @module
 */
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface StreamTiming {
  /** performance.now() when http.request was called. */
  startedAt: number;
  /** When the request was written to the socket (the request's `finish`). */
  writtenAt?: number;
  status?: number;
  firstContentAt?: number;
  endedAt?: number;
  /** Gaps between consecutive content chunks, ms. */
  gaps: number[];
  contentChunks: number;
  done: boolean;
  /** `usage.time_to_first_token` of the final usage chunk, in ms, when the server sent one. */
  serverTtftMs?: number;
  error?: string;
}

export interface WaveOptions {
  url: string;
  streams: number;
  body: string;
  timeoutMs: number;
  /**
   * Connected sockets to send the requests on, one per stream (see `preconnect`); without them each
   * request opens its own connection when it is issued (through an Agent allowing that many sockets).
   */
  sockets?: Socket[];
}

/**
 * Opens `count` TCP connections to `url`, `batch` at a time (each batch connected before the next),
 * so that the server's listen queue (Node's default backlog is 511) never overflows: a dropped
 * handshake is retried by the kernel after 1 s, 3 s, ..., which would be timed as server latency.
 */
export async function preconnect(url: string, count: number, batch = 100): Promise<{ sockets: Socket[]; ms: number }> {
  const target = new URL(url);
  const started = performance.now();
  const sockets: Socket[] = [];
  for (let done = 0; done < count; done += batch) {
    const size = Math.min(batch, count - done);
    const opened = await Promise.all(
      Array.from(
        { length: size },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
            socket.once('connect', () => resolve(socket));
            socket.once('error', reject);
          }),
      ),
    );
    sockets.push(...opened);
  }
  return { sockets, ms: performance.now() - started };
}

export interface WaveResult {
  streams: StreamTiming[];
  /** From the first request to the last stream's end. */
  wallMs: number;
  /** Time spent issuing all requests (the loop that calls http.request). */
  issueMs: number;
  /** The most streams open at once (request started, stream not ended). */
  peakOpen: number;
  /** The most streams that had received their first token and not yet ended, at once. */
  peakFlowing: number;
}

interface ChunkLike {
  choices?: Array<{ delta?: { content?: string | null } }>;
  usage?: { time_to_first_token?: number } | null;
}

export function runStreamWave(options: WaveOptions): Promise<WaveResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: false, maxSockets: options.streams + 16, maxTotalSockets: options.streams + 16 });
  const timings: StreamTiming[] = [];
  const body = Buffer.from(options.body);
  return new Promise((resolve) => {
    let open = 0;
    const t0 = performance.now();
    const finishOne = (t: StreamTiming) => {
      if (t.endedAt !== undefined) return;
      t.endedAt = performance.now();
      if (--open === 0) finish();
    };
    const timer = setTimeout(() => {
      for (const t of timings) if (t.endedAt === undefined) t.error ??= 'timeout';
      finish();
    }, options.timeoutMs);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      agent.destroy();
      for (const socket of options.sockets ?? []) socket.destroy();
      resolve({ streams: timings, wallMs: performance.now() - t0, issueMs, peakOpen: peak(timings, 'startedAt'), peakFlowing: peak(timings, 'firstContentAt') });
    };
    for (let i = 0; i < options.streams; i++) {
      const t: StreamTiming = { startedAt: performance.now(), gaps: [], contentChunks: 0, done: false };
      timings.push(t);
      open++;
      const socket = options.sockets?.[i];
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          ...(socket ? { createConnection: () => socket } : { agent }),
          headers: { authorization: 'Bearer x', 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': body.length },
        },
        (res) => {
          t.status = res.statusCode;
          if (res.statusCode !== 200) {
            t.error = `status ${res.statusCode}`;
            res.resume();
            res.on('end', () => finishOne(t));
            return;
          }
          res.setEncoding('utf8');
          let buffer = '';
          let lastContentAt = 0;
          res.on('data', (chunk: string) => {
            const now = performance.now();
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) !== -1) {
              const event = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              for (const line of event.split('\n')) {
                if (!line.startsWith('data:')) continue;
                const data = line.slice(line.startsWith('data: ') ? 6 : 5);
                if (data === '[DONE]') {
                  t.done = true;
                  continue;
                }
                let item: ChunkLike;
                try {
                  item = JSON.parse(data) as ChunkLike;
                } catch {
                  t.error ??= 'unparsable item';
                  continue;
                }
                const content = item.choices?.[0]?.delta?.content;
                if (typeof content === 'string' && content.length > 0) {
                  if (t.firstContentAt === undefined) t.firstContentAt = now;
                  else t.gaps.push(now - lastContentAt);
                  lastContentAt = now;
                  t.contentChunks++;
                }
                const ttft = item.usage?.time_to_first_token;
                if (typeof ttft === 'number') t.serverTtftMs = ttft * 1000;
              }
            }
          });
          res.on('end', () => {
            if (!t.done) t.error ??= 'ended without [DONE]';
            finishOne(t);
          });
          res.on('error', (error) => {
            t.error ??= error.message;
            finishOne(t);
          });
        },
      );
      req.on('finish', () => {
        t.writtenAt = performance.now();
      });
      req.on('error', (error) => {
        t.error ??= error.message;
        finishOne(t);
      });
      req.end(body);
    }
    const issueMs = performance.now() - t0;
  });
}

/** The most intervals [t[from], endedAt] open at once. */
function peak(timings: StreamTiming[], from: 'startedAt' | 'firstContentAt'): number {
  const events: Array<[number, number]> = [];
  for (const t of timings) {
    const start = t[from];
    if (start === undefined) continue;
    events.push([start, 1], [t.endedAt ?? Infinity, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, d] of events) most = Math.max(most, (open += d));
  return most;
}
