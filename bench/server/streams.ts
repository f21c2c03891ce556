/**
 * The client side of the concurrent-streams part of the server bench: sends N `stream: true` chat
 * requests at once on raw TCP sockets and times each stream's first content chunk and the gaps
 * between content chunks. Kept lean (no node:http client, no JSON.parse per event), as it shares
 * the machine with the server it measures.
 * @module
 */
import { connect, type Socket } from 'node:net';

/** The streamed Cloud chat request the server benches send: a long answer cut at `maxTokens`, usage in the last chunk. */
export function streamedChatBody(maxTokens: number): string {
  return JSON.stringify({
    model: 'Meta-Llama-3.3-70B-Instruct',
    messages: [
      { role: 'system', content: 'Answer at length.' },
      { role: 'user', content: 'Tell me about the history of the telescope.' },
    ],
    max_tokens: maxTokens,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  });
}

export interface StreamTiming {
  /** performance.now() when http.request was called. */
  startedAt: number;
  /** When the request was written to the socket (the request's `finish`). */
  writtenAt?: number;
  status?: number;
  firstContentAt?: number;
  /** When the last content chunk so far came. */
  lastContentAt?: number;
  endedAt?: number;
  /** Gaps between consecutive content chunks, ms. */
  gaps: number[];
  contentChunks: number;
  done: boolean;
  /** `usage.time_to_first_token` of the final usage chunk, in ms, when the server sent one. */
  serverTtftMs?: number;
  /** The client closed the connection itself after the content chunks `cancelAfter` asked for. */
  cancelled?: boolean;
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
  /** For stream `i`, the number of content chunks after which the client closes its connection (a user cancelling); undefined: read to the end. */
  cancelAfter?: (i: number) => number | undefined;
  /** Called when a stream receives its first content chunk, and when a stream ends (any way): for readings taken at a known point of a wave. */
  onProgress?: (event: 'first content' | 'end') => void;
  /** Given the wave's timings as soon as every request is issued, to read counts (`contentChunks`) while it runs. */
  live?: (streams: readonly StreamTiming[]) => void;
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

/** The `data:` of one SSE event (its lines joined, as the spec says), or undefined without any. */
export function eventData(event: string): string | undefined {
  if (event.startsWith('data: ') && event.indexOf('\n') === -1) return event.slice(6);
  let data: string | undefined;
  for (const line of event.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const value = line.slice(line.startsWith('data: ') ? 6 : 5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data;
}

/**
 * The length of the first choice's `delta.content` in a chunk as both servers write it (compact
 * JSON, one choice), 0 without content, undefined when the text is no chat chunk at all. Read from
 * the text, not parsed: this process reads 60,000 events a second on the cores the servers run on,
 * and its own lateness is timed as theirs.
 */
export function contentLength(data: string): number | undefined {
  if (!data.startsWith('{') || !data.endsWith('}') || !data.includes('"object":"chat.completion.chunk"')) return undefined;
  const at = data.indexOf('"delta":');
  if (at === -1) return 0;
  const content = data.indexOf('"content":"', at);
  if (content === -1) return 0;
  const start = content + 11;
  let end = start;
  while (end < data.length && data.charCodeAt(end) !== 34) end += data.charCodeAt(end) === 92 ? 2 : 1;
  return end - start;
}

/** `usage.time_to_first_token` of a usage chunk, in seconds. */
function usageTtft(data: string): number | undefined {
  const at = data.indexOf('"time_to_first_token":');
  if (at === -1) return undefined;
  const value = parseFloat(data.slice(at + 22));
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Reads one HTTP/1.1 response off a raw socket: the status line, the headers, then the body
 * (chunked or not) handed on as text. What node:http's client does, minus everything the bench does
 * not need: with a thousand streams answering at once, node:http's per-response cost (parser,
 * IncomingMessage, events) queues in this process and would be timed as server latency.
 */
export class ResponseReader {
  status?: number;
  private head = '';
  private chunked = false;
  /** Bytes left of the current chunk, or -1 while reading a chunk-size line. */
  private chunkLeft = -1;
  private pending = '';
  ended = false;

  constructor(private readonly onBody: (text: string) => void) {}

  feed(text: string): void {
    if (this.status === undefined) {
      this.head += text;
      const end = this.head.indexOf('\r\n\r\n');
      if (end === -1) return;
      const lines = this.head.slice(0, end).split('\r\n');
      this.status = Number(lines[0]!.split(' ')[1]);
      this.chunked = lines.some((line) => /^transfer-encoding:\s*chunked/i.test(line));
      text = this.head.slice(end + 4);
      this.head = '';
    }
    if (!this.chunked) return this.onBody(text);
    // De-chunk. The server sends ASCII JSON, so string lengths are byte lengths.
    this.pending += text;
    for (;;) {
      if (this.chunkLeft === -1) {
        const lineEnd = this.pending.indexOf('\r\n');
        if (lineEnd === -1) return;
        this.chunkLeft = parseInt(this.pending.slice(0, lineEnd), 16);
        this.pending = this.pending.slice(lineEnd + 2);
        if (this.chunkLeft === 0) {
          this.ended = true;
          return;
        }
      }
      if (this.pending.length < this.chunkLeft + 2) {
        // Hand on what there is of the chunk now: a token must not wait for the rest of its chunk.
        const part = this.pending.slice(0, Math.min(this.pending.length, this.chunkLeft));
        if (part.length > 0) {
          this.onBody(part);
          this.chunkLeft -= part.length;
          this.pending = this.pending.slice(part.length);
        }
        return;
      }
      this.onBody(this.pending.slice(0, this.chunkLeft));
      this.pending = this.pending.slice(this.chunkLeft + 2);
      this.chunkLeft = -1;
    }
  }
}

export function runStreamWave(options: WaveOptions): Promise<WaveResult> {
  const target = new URL(options.url);
  const timings: StreamTiming[] = [];
  const body = Buffer.from(options.body);
  // Every stream sends the same bytes: built once.
  const requestBytes = Buffer.concat([
    Buffer.from(
      `POST ${target.pathname} HTTP/1.1\r\nhost: ${target.host}\r\nauthorization: Bearer x\r\ncontent-type: application/json\r\n` +
        `accept: text/event-stream\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`,
    ),
    body,
  ]);
  const sockets: Socket[] = [];
  return new Promise((resolve) => {
    let open = 0;
    const t0 = performance.now();
    const finishOne = (t: StreamTiming) => {
      if (t.endedAt !== undefined) return;
      t.endedAt = performance.now();
      options.onProgress?.('end');
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
      for (const socket of sockets) socket.destroy();
      resolve({ streams: timings, wallMs: performance.now() - t0, issueMs, peakOpen: peak(timings, 'startedAt'), peakFlowing: peak(timings, 'firstContentAt') });
    };
    for (let i = 0; i < options.streams; i++) {
      const t: StreamTiming = { startedAt: performance.now(), gaps: [], contentChunks: 0, done: false };
      timings.push(t);
      open++;
      let now = 0;
      let buffer = '';
      const cancelAt = options.cancelAfter?.(i);
      const reader = new ResponseReader((text) => {
        if (t.cancelled) return;
        buffer += text;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = eventData(event);
          if (data === undefined) continue;
          if (data === '[DONE]') {
            t.done = true;
            continue;
          }
          const content = contentLength(data);
          if (content === undefined) {
            t.error ??= 'unparsable item';
            continue;
          }
          if (content > 0) {
            if (t.firstContentAt === undefined) {
              t.firstContentAt = now;
              options.onProgress?.('first content');
            } else t.gaps.push(now - t.lastContentAt!);
            t.lastContentAt = now;
            t.contentChunks++;
            if (cancelAt !== undefined && t.contentChunks >= cancelAt) {
              t.cancelled = true;
              finishOne(t);
              socket.destroy();
              return;
            }
          }
          const ttft = usageTtft(data);
          if (ttft !== undefined) t.serverTtftMs = ttft * 1000;
        }
      });
      const socket = options.sockets?.[i] ?? connect({ host: target.hostname, port: Number(target.port), noDelay: true });
      sockets.push(socket);
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        now = performance.now();
        reader.feed(chunk);
        if (t.status === undefined && reader.status !== undefined) {
          t.status = reader.status;
          if (reader.status !== 200) t.error ??= `status ${reader.status}`;
        }
        if (reader.ended && !t.cancelled) {
          if (!t.done && !t.error) t.error = 'ended without [DONE]';
          finishOne(t);
          socket.destroy();
        }
      });
      socket.on('close', () => {
        if (!reader.ended && !t.error && !t.cancelled) t.error = t.done ? 'connection closed before the end of the body' : 'ended without [DONE]';
        finishOne(t);
      });
      socket.on('error', (error) => {
        t.error ??= error.message;
        finishOne(t);
      });
      const send = () => {
        socket.write(requestBytes);
        // A small write to a connected socket goes to the kernel at once: this is "request sent".
        t.writtenAt = performance.now();
      };
      if (options.sockets) send();
      else socket.once('connect', send);
    }
    const issueMs = performance.now() - t0;
    options.live?.(timings);
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

/**
 * The moment of a wave when every stream flows (has had its first content chunk and none has ended
 * yet), or, when that never comes (the first stream ends before the last one starts), the first end:
 * pass `onProgress` to the wave and await `reached`, which says which it was.
 */
export function allFlowing(streams: number): { onProgress: (event: 'first content' | 'end') => void; reached: Promise<{ flowing: number; allFlowing: boolean }> } {
  let flowing = 0;
  let settle: (value: { flowing: number; allFlowing: boolean }) => void = () => {};
  const reached = new Promise<{ flowing: number; allFlowing: boolean }>((resolve) => (settle = resolve));
  const onProgress = (event: 'first content' | 'end') => {
    if (event === 'end') return settle({ flowing, allFlowing: false });
    if (++flowing === streams) settle({ flowing, allFlowing: true });
  };
  return { onProgress, reached };
}
