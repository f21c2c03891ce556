/**
 * 100 concurrent streams in steady state, for the proxy benches: `clients` keep-alive connections,
 * each with one stream open at all times (the next request written when its answer ends), their
 * first requests spread evenly over `spreadMs` (one stream's duration) so that starts and first
 * tokens come at a steady rate, not in one burst. Every stream started in the `measureMs` after
 * `warmupMs` is timed: from its request's write to its first content chunk. What a
 * hop adds here is its cost per stream at a steady 100 open, without the queue of a synchronized
 * burst (bench/proxy/stream-wave.ts times that one).
 * @module
 */
import type { Socket } from 'node:net';
import { contentLength, eventData, preconnect, ResponseReader } from '../server/streams.js';
import { streamBody } from './stream-wave.js';

export interface SteadyOptions {
  clients: number;
  /** Over how long the clients' first requests are spread: one stream's duration (TTFT and tokens). */
  spreadMs: number;
  warmupMs: number;
  measureMs: number;
}

export interface SteadyResult {
  /** TTFT of each measured stream, ascending (ms). */
  ttfts: number[];
  /** Streams that ended without content, with another status than 200, or cut. */
  failed: number;
  /** Every stream that ended over the run, the warm-up's included: what the hop's CPU over the run is divided by. */
  ended: number;
}

/** One client: a stream after the other on its connection, each timed; stops writing after `until`. */
function client(socket: Socket, request: Buffer, timed: (startedAt: number, firstAt: number | undefined, ok: boolean) => void, until: number): Promise<void> {
  return new Promise((resolve) => {
    let startedAt = 0;
    let firstAt: number | undefined;
    let inFlight = false;
    let pending = '';
    let reader: ResponseReader;
    const next = () => {
      if (performance.now() >= until) {
        socket.destroy();
        return resolve();
      }
      firstAt = undefined;
      pending = '';
      reader = new ResponseReader((text) => {
        if (firstAt !== undefined) return;
        pending += text;
        let end: number;
        while (firstAt === undefined && (end = pending.indexOf('\n\n')) !== -1) {
          const data = eventData(pending.slice(0, end));
          pending = pending.slice(end + 2);
          if (data !== undefined && (contentLength(data) ?? 0) > 0) firstAt = performance.now();
        }
      });
      socket.write(request);
      startedAt = performance.now();
      inFlight = true;
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      reader.feed(chunk);
      if (!reader.ended) return;
      inFlight = false;
      timed(startedAt, firstAt, reader.status === 200);
      next();
    });
    // A connection that goes (or fails, or is cut by the run's time limit) ends this client; a stream it still carried counts as failed.
    socket.once('close', () => {
      if (inFlight) timed(startedAt, undefined, false);
      resolve();
    });
    socket.once('error', () => {});
    next();
  });
}

/** Runs the steady state against `url` (a streaming chat endpoint) and returns the measured streams' TTFTs. */
export async function steadyStreams(url: string, options: SteadyOptions): Promise<SteadyResult> {
  const target = new URL(url);
  const body = Buffer.from(streamBody);
  const request = Buffer.concat([
    Buffer.from(`POST ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\nauthorization: Bearer x\r\ncontent-type: application/json\r\naccept: text/event-stream\r\ncontent-length: ${body.length}\r\n\r\n`),
    body,
  ]);
  const { sockets } = await preconnect(url, options.clients);
  const start = performance.now();
  const from = start + options.warmupMs;
  const until = from + options.measureMs;
  const ttfts: number[] = [];
  let failed = 0;
  let ended = 0;
  const timed = (startedAt: number, firstAt: number | undefined, ok: boolean) => {
    ended++;
    if (startedAt < from) return;
    if (ok && firstAt !== undefined) ttfts.push(firstAt - startedAt);
    else failed++;
  };
  const step = options.spreadMs / options.clients;
  // A hop that stalls a stream must not hang the bench: what is still open a minute past the end is cut.
  const limit = setTimeout(() => sockets.forEach((socket) => socket.destroy()), options.warmupMs + options.measureMs + options.spreadMs + 60_000);
  await Promise.all(sockets.map((socket, i) => new Promise<void>((done) => setTimeout(() => void client(socket, request, timed, until).then(done), i * step))));
  clearTimeout(limit);
  return { ttfts: ttfts.sort((a, b) => a - b), failed, ended };
}
