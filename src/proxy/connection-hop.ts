/**
 * The proxy's hop, one client connection at a time: each client connection gets one connection to
 * the target, and the two mirror each other (keep-alive, closes). Requests are parsed on the way
 * (their heads rebuilt for the target: its Host and base path, hop-by-hop headers left out) and
 * written in the tick they are parsed; bodies go on as they come. Answers go back as the bytes the
 * target sent, and are parsed on the side only to be watched: a FIFO of open exchanges pairs each
 * answer with its request (1xx interim heads, HEAD, chunked and close-delimited bodies included).
 *
 * Backpressure holds both ways: a target that does not read pauses the client's connection, a
 * client that does not read pauses the target's, so a slow end costs socket buffers, never memory.
 *
 * Under --strict a request of an operation is held whole, its client connection paused, and checked:
 * refused with the API's error, or sent on. Requests pipelined behind it wait, their parsed parts
 * replayed once it is decided.
 * @module
 */
import type { Socket } from 'node:net';
import { HTTPParser } from 'http-parser-js';
import { lengthOf } from './body-copy.js';
import { Exchange, type ExchangeContext, type RequestVerdict } from './exchange.js';
import { rawHeader, requestHead, type Framing } from './headers.js';
import { connectTarget, targetFailure, type TargetEndpoint } from './target-connection.js';

export interface HopContext extends ExchangeContext {
  /** The target's URL and the CAs its certificate may chain to. */
  endpoint: TargetEndpoint;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
  bodyTimeoutMs: number;
}

/** An exchange on this connection, from its request's head until its answer has gone to the client. */
interface Open {
  exchange: Exchange;
  version: string;
  keepAlive: boolean;
  framing: Framing;
  /** --strict: the request is held (nothing sent yet) until it is whole and checked. */
  holding: boolean;
  /** Its head was written to the target. */
  started: boolean;
  /** The request went to the target whole (or was answered by the proxy). */
  complete: boolean;
  /** The target's final head for it came. */
  answered: boolean;
  /** The proxy's own answer, written when the exchange is first in line; `closes` ends the client's connection after it. */
  own?: { bytes: Buffer; closes: boolean };
  /** The wait for its answer's head (the upstream timeout). */
  timer?: NodeJS.Timeout;
  /** --strict: the wait for the rest of a held body (the body timeout). */
  bodyTimer?: NodeJS.Timeout;
}

const continueAnswer = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
const badRequest = Buffer.from('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n', 'latin1');
const requestTimeout = Buffer.from('HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n', 'latin1');
const lastChunk = Buffer.from('0\r\n\r\n', 'latin1');
const crlf = Buffer.from('\r\n', 'latin1');

/** The parser's position in the chunk it is parsing: where the message just completed ends. */
type Positioned = HTTPParser & { offset: number };
type HTTPParser = InstanceType<typeof HTTPParser>;

/**
 * Ends a socket's writing side unless it was ended or destroyed already: a second `end()` makes
 * Node build an error with its stack trace (and emit it nowhere), 15 µs of CPU per connection that a
 * client closing its side after the answer would cost every stream.
 */
function endOnce(socket: Socket): void {
  if (!socket.writableEnded && !socket.destroyed) socket.end();
}

function isChunked(raw: readonly string[]): boolean {
  const value = rawHeader(raw, 'transfer-encoding');
  return value !== undefined && /(^|,)\s*chunked\s*$/i.test(value);
}

export class ConnectionHop {
  readonly #ctx: HopContext;
  readonly #client: Socket;
  /**
   * The connection to the target: opened with the client's (a client that connects ahead of its
   * requests finds it ready), again at the next request after an idle one closed.
   */
  #target: Socket | undefined;
  readonly #requests = new HTTPParser(HTTPParser.REQUEST);
  readonly #answers = new HTTPParser(HTTPParser.RESPONSE) as Positioned;
  /** Exchanges in the order of their requests; the first is the one the target answers now. */
  readonly #fifo: Open[] = [];
  /** The request whose body the parser is reading. */
  #sending: Open | undefined;
  /** --strict: a held request is being checked; the parser's events behind it wait here. */
  #blocked = false;
  readonly #deferred: Array<() => void> = [];
  /** Why the client's connection is paused: the target's socket is full, a check is pending. */
  readonly #clientPaused = new Set<'target' | 'check'>();
  #targetPaused = false;
  /** The answer being parsed is a 1xx interim head. */
  #interim = false;
  /** The chunk of the target being parsed, and how much of it went to the client. */
  #chunk: Buffer | undefined;
  #from = 0;
  /** Bytes of an answer head not yet complete: written with it, or dropped for a 502. */
  readonly #partialHead: Buffer[] = [];
  #answersOnConnection = 0;
  /** Why the target's connection is gone with a request on it (once it is). */
  #targetGone: string | undefined;
  #targetError: (Error & { code?: string }) | undefined;
  /** No request after the current ones: the client asked for a close, or the connection is to end. */
  #noMore = false;
  /** The client has sent all it will (it half-closed its connection). */
  #clientDone = false;
  #closed = false;
  /** The parser is between two requests: the next byte starts a head. */
  #betweenRequests = true;
  /** The client's clock: `head` runs from a head's first byte (or the connection's start) to its end, `idle` between answered requests. */
  #wait: { kind: 'head' | 'idle'; timer: NodeJS.Timeout } | undefined;

  constructor(ctx: HopContext, client: Socket) {
    this.#ctx = ctx;
    this.#client = client;
    client.setNoDelay(true);
    this.#target = this.#connect();
    this.#wireRequests();
    this.#wireAnswers();
    client.on('data', (chunk: Buffer) => this.#fromClient(chunk));
    client.on('end', () => this.#clientEnded());
    client.on('error', () => {});
    client.once('close', () => this.destroy());
    client.on('drain', () => this.#resumeTarget());
    this.#waitFor('head');
  }

  #waitFor(kind: 'head' | 'idle'): void {
    clearTimeout(this.#wait?.timer);
    const ms = kind === 'head' ? this.#ctx.headersTimeoutMs : this.#ctx.idleTimeoutMs;
    this.#wait = { kind, timer: setTimeout(() => this.#waitedTooLong(kind), ms) };
  }

  #stopWaiting(): void {
    clearTimeout(this.#wait?.timer);
    this.#wait = undefined;
  }

  /** A head too slow to come (408, as node:http answers it) or an idle connection: closed; answers still owed go first. */
  #waitedTooLong(kind: 'head' | 'idle'): void {
    this.#wait = undefined;
    if (this.#closed) return;
    this.#noMore = true;
    if (this.#fifo.length > 0) return this.#advance();
    if (kind === 'head') {
      this.#client.end(requestTimeout);
      this.#target?.destroy();
    } else this.#endClient();
  }

  #connect(): Socket {
    const target = connectTarget(this.#ctx.endpoint);
    target.on('data', (chunk: Buffer) => this.#fromTarget(chunk));
    target.on('error', (error) => (this.#targetError ??= error));
    target.once('close', () => this.#targetClosed(target));
    target.on('drain', () => this.#resumeClient('target'));
    return target;
  }

  /** Drops both connections; the open exchanges are over, unanswered. */
  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWaiting();
    this.#client.destroy();
    this.#target?.destroy();
    this.#abandonOpen();
  }

  /** The exchanges still open are over, unanswered. */
  #abandonOpen(): void {
    for (const open of this.#fifo.splice(0)) {
      clearTimeout(open.timer);
      clearTimeout(open.bodyTimer);
      open.exchange.abandon();
    }
  }

  // --- requests, client to target

  #wireRequests(): void {
    const parser = this.#requests;
    parser[HTTPParser.kOnHeadersComplete] = (info) => {
      // Upgrade is hop-by-hop and not passed on: the request is an ordinary one, and so is what follows it.
      info.upgrade = false;
      this.#betweenRequests = false;
      this.#stopWaiting();
      const method = HTTPParser.methods[info.method] ?? 'GET';
      this.#gate(() => this.#requestHead(method, info.url, `${info.versionMajor}.${info.versionMinor}`, info.headers, info.shouldKeepAlive));
    };
    parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
      const slice = offset === 0 && length === chunk.length ? chunk : chunk.subarray(offset, offset + length);
      this.#gate(() => this.#requestBody(slice));
    };
    parser[HTTPParser.kOnMessageComplete] = () => {
      this.#betweenRequests = true;
      this.#gate(() => this.#requestEnd());
    };
  }

  #fromClient(chunk: Buffer): void {
    if (this.#closed) return;
    if (this.#betweenRequests && this.#wait?.kind !== 'head') this.#waitFor('head');
    // What one read brings (a head and its body, most often) goes to the target in one write.
    const target = this.#target;
    target?.cork();
    const result = this.#requests.execute(chunk);
    target?.uncork();
    if (result instanceof Error) this.#malformedRequest();
  }

  /** A request the parser cannot read: answered 400 when nothing else is under way, as node:http does; else dropped with the connection. */
  #malformedRequest(): void {
    this.#noMore = true;
    if (this.#fifo.length > 0) return this.destroy();
    this.#client.end(badRequest);
    this.#target?.destroy();
  }

  /** Runs a parser event now, or after the held request's check. */
  #gate(event: () => void): void {
    if (this.#blocked) this.#deferred.push(event);
    else event();
  }

  #requestHead(method: string, url: string, version: string, raw: string[], keepAlive: boolean): void {
    if (this.#noMore) return;
    if (!keepAlive) this.#noMore = true;
    const exchange = new Exchange(this.#ctx, method, url, raw);
    const length = rawHeader(raw, 'content-length');
    const framing: Framing = isChunked(raw) ? { kind: 'chunked' } : length !== undefined ? { kind: 'length', length: Number(length) } : { kind: 'none' };
    // The proxy meets Expect itself (the target is not asked); between two answers it would break the first.
    if (this.#fifo.length === 0 && /^100-continue$/i.test(rawHeader(raw, 'expect') ?? '')) this.#client.write(continueAnswer);
    const open: Open = { exchange, version, keepAlive, framing, holding: this.#ctx.strict && exchange.match !== undefined, started: false, complete: false, answered: false };
    this.#fifo.push(open);
    this.#sending = open;
    if (!open.holding) this.#sendHead(open);
    // A held body costs memory as long as it comes: it has a time limit of its own.
    else open.bodyTimer = setTimeout(() => this.#bodyTooSlow(open), this.#ctx.bodyTimeoutMs);
  }

  #requestBody(chunk: Buffer): void {
    const open = this.#sending;
    if (!open) return;
    if (!open.holding) {
      this.#sendBody(open, chunk);
      return open.exchange.requestBody(chunk);
    }
    if (open.exchange.hold(chunk)) return;
    // Past the check limit: it cannot be held, and goes on unchecked, from its first byte.
    open.holding = false;
    clearTimeout(open.bodyTimer);
    this.#sendHead(open);
    for (const held of open.exchange.takeHeld()) this.#sendBody(open, held);
    this.#sendBody(open, chunk);
  }

  #requestEnd(): void {
    const open = this.#sending;
    if (!open) return;
    this.#sending = undefined;
    clearTimeout(open.bodyTimer);
    if (open.holding) return this.#check(open);
    if (open.framing.kind === 'chunked') this.#toTarget(lastChunk);
    open.exchange.requestEnded();
    this.#sent(open);
  }

  /** --strict: the held request is checked, the client's connection paused meanwhile. */
  #check(open: Open): void {
    this.#blocked = true;
    this.#pauseClient('check');
    open.exchange.checkRequest((verdict) => this.#decide(open, verdict));
  }

  #decide(open: Open, verdict: RequestVerdict): void {
    if (this.#closed) return;
    open.holding = false;
    if (verdict.violations.length > 0 || verdict.inflatedPast !== undefined) {
      open.complete = true;
      open.own = { bytes: open.exchange.refusal(verdict, !open.keepAlive), closes: !open.keepAlive };
      this.#advance();
    } else {
      // Held whole: it goes on with its length, whatever its framing from the client.
      const body = open.exchange.heldBody();
      const length = lengthOf(body);
      if (length > 0 || open.framing.kind !== 'none') open.framing = { kind: 'length', length };
      this.#sendHead(open);
      for (const part of body) if (part.byteLength > 0) this.#toTarget(part);
      this.#sent(open);
    }
    this.#blocked = false;
    while (!this.#blocked && this.#deferred.length > 0) this.#deferred.shift()!();
    if (!this.#blocked) this.#resumeClient('check');
  }

  /**
   * --strict: a held body did not come whole in time: answered 408 in the API's shape (after the
   * answers owed before it), and the connection closes once that is sent. What the client still
   * sends meanwhile is read and dropped.
   */
  #bodyTooSlow(open: Open): void {
    if (this.#closed || this.#sending !== open || !open.holding) return;
    this.#sending = undefined;
    this.#noMore = true;
    open.holding = false;
    open.complete = true;
    open.own = { bytes: open.exchange.bodyTimedOut(this.#ctx.bodyTimeoutMs), closes: true };
    // A client that goes on trickling would keep a half-closed connection open: it is dropped once the 408 is sent.
    this.#client.once('finish', () => this.destroy());
    this.#advance();
  }

  #sendHead(open: Open): void {
    const { exchange } = open;
    open.started = true;
    this.#toTarget(requestHead(exchange.method, exchange.path, open.version, exchange.rawHeaders, this.#ctx.target.host, open.framing, open.keepAlive));
  }

  #sendBody(open: Open, chunk: Buffer): void {
    if (open.framing.kind !== 'chunked') return this.#toTarget(chunk);
    const target = (this.#target ??= this.#connect());
    target.cork();
    this.#toTarget(`${chunk.byteLength.toString(16)}\r\n`);
    this.#toTarget(chunk);
    this.#toTarget(crlf);
    target.uncork();
  }

  #toTarget(data: Buffer | string): void {
    if (this.#targetGone !== undefined) return;
    const target = (this.#target ??= this.#connect());
    if (!target.destroyed && !target.write(data, 'latin1')) this.#pauseClient('target');
  }

  /** The request is with the target whole: the wait for its answer can start. */
  #sent(open: Open): void {
    open.complete = true;
    this.#advance();
  }

  // --- answers, target to client

  #wireAnswers(): void {
    const parser = this.#answers;
    parser[HTTPParser.kOnHeadersComplete] = (info) => {
      const open = this.#fifo[0];
      this.#interim = Exchange.interim(info.statusCode);
      if (this.#interim || !open) return 0;
      clearTimeout(open.timer);
      open.answered = true;
      this.#answersOnConnection++;
      open.exchange.answerHead(info.statusCode, info.headers);
      // An answer to HEAD has no body, whatever its length says.
      return open.exchange.method === 'HEAD' ? 1 : 0;
    };
    parser[HTTPParser.kOnBody] = (chunk, offset, length) => this.#fifo[0]?.exchange.answerBody(chunk.subarray(offset, offset + length));
    parser[HTTPParser.kOnMessageComplete] = () => this.#answerEnd();
  }

  #fromTarget(chunk: Buffer): void {
    if (this.#closed) return;
    if (!this.#fifo[0]?.started) {
      // Nothing asked for this (a 408 on an idle connection, say): the connection goes, as an idle one that closed.
      return void this.#target?.destroy();
    }
    this.#chunk = chunk;
    this.#from = 0;
    const result = this.#answers.execute(chunk);
    this.#chunk = undefined;
    if (result instanceof Error) return this.#unparsable(chunk, result);
    if (this.#from < chunk.length) {
      const rest = this.#from === 0 ? chunk : chunk.subarray(this.#from);
      // An answer head still incomplete waits for its end: a 502 may yet replace it.
      if (this.#fifo[0]?.answered) this.#toClient(rest);
      else this.#partialHead.push(rest);
    }
  }

  #answerEnd(): void {
    const chunk = this.#chunk;
    if (chunk) {
      const end = this.#answers.offset;
      this.#toClient(chunk.subarray(this.#from, end));
      this.#from = end;
    }
    if (this.#interim) {
      this.#interim = false;
      return;
    }
    const open = this.#fifo.shift();
    if (!open) return;
    open.exchange.answerEnded(false);
    if (!open.keepAlive) this.#noMore = true;
    this.#advance();
  }

  /** The target's bytes stopped making sense as HTTP: they go on as they are, and nothing more is checked on this connection. */
  #unparsable(chunk: Buffer, error: Error): void {
    this.#toClient(chunk.subarray(this.#from));
    for (const open of this.#fifo.splice(0)) {
      clearTimeout(open.timer);
      open.exchange.unparsed(error.message);
    }
    this.#noMore = true;
    this.#target?.removeAllListeners('data');
    this.#target?.on('data', (more: Buffer) => this.#toClient(more));
  }

  #toClient(bytes: Buffer): void {
    const client = this.#client;
    if (client.destroyed || bytes.byteLength === 0) return;
    if (this.#partialHead.length > 0) {
      client.cork();
      for (const piece of this.#partialHead.splice(0)) client.write(piece);
      client.uncork();
    }
    if (!client.write(bytes) && !this.#targetPaused && this.#target) {
      this.#targetPaused = true;
      this.#target.pause();
    }
  }

  /**
   * Moves the line on: the proxy's own answers first in line are written, a target that is gone
   * answers (502) or closes for the first exchange, and the first exchange sent whole waits for its
   * head under the upstream timeout. With nothing left, a connection that is to end ends.
   */
  #advance(): void {
    for (let open = this.#fifo[0]; open; open = this.#fifo[0]) {
      if (open.own) {
        this.#fifo.shift();
        this.#toClient(open.own.bytes);
        if (open.own.closes) return this.#endClient();
        continue;
      }
      if (!open.complete || open.answered) return;
      if (this.#targetGone !== undefined) return this.#targetLost(open);
      open.timer ??= setTimeout(() => this.#timedOut(open), this.#ctx.upstreamTimeoutMs);
      return;
    }
    if (this.#noMore || this.#targetGone !== undefined || (this.#clientDone && this.#deferred.length === 0)) return this.#endClient();
    if (this.#betweenRequests && this.#wait === undefined) this.#waitFor('idle');
  }

  #timedOut(open: Open): void {
    if (this.#closed || this.#fifo[0] !== open) return;
    this.#fifo.shift();
    const bytes = open.exchange.timedOut();
    this.#partialHead.length = 0;
    this.#targetGone = 'upstream timeout';
    this.#target?.destroy();
    this.#toClient(bytes);
    this.#endClient();
  }

  /** The target went before answering `open`, which is whole: a 502 on a fresh connection; on a kept one, the client's connection closes as the target's did. */
  #targetLost(open: Open): void {
    this.#fifo.shift();
    this.#partialHead.length = 0;
    const detail = this.#targetGone!;
    if (this.#answersOnConnection === 0) {
      this.#toClient(open.exchange.unreachable(detail));
      return this.#endClient();
    }
    open.exchange.closedUnanswered(detail);
    if (this.#targetError) this.#client.resetAndDestroy();
    else this.#endClient();
  }

  #targetClosed(socket: Socket): void {
    if (this.#closed || socket !== this.#target || this.#targetGone !== undefined) return;
    const error = this.#targetError;
    // A close-delimited answer ends here; any other answer under way is cut.
    this.#answers.finish();
    const open = this.#fifo[0];
    if (open?.answered) {
      this.#targetGone = 'the connection closed';
      this.#fifo.shift();
      open.exchange.answerEnded(true);
      // Cut as the target cut it: a reset as a reset, a close after the bytes that came.
      if (error) this.#client.resetAndDestroy();
      else this.#endClient();
      return;
    }
    if (!open?.started) {
      // Closed idle: after answers, with no request, the client's connection closes the same way.
      // One that never carried an answer (refused, or closed before the client's first request) is
      // simply opened again at the next request, and so is one for a request not yet written (held by --strict).
      const used = this.#answersOnConnection > 0;
      this.#target = undefined;
      this.#targetError = undefined;
      this.#targetPaused = false;
      this.#answersOnConnection = 0;
      this.#answers.initialize(HTTPParser.RESPONSE);
      this.#resumeClient('target');
      if (used && this.#fifo.length === 0) this.#endClient();
      return;
    }
    this.#targetGone = error ? targetFailure(error) : 'the connection closed';
    this.#advance();
  }

  /** Ends the client's connection once what was written to it is sent; exchanges still open are over. */
  #endClient(): void {
    this.#noMore = true;
    this.#stopWaiting();
    endOnce(this.#client);
    if (this.#target) endOnce(this.#target);
    this.#abandonOpen();
  }

  #clientEnded(): void {
    // A request cut short can never be whole: the exchange is dropped with both connections.
    if (this.#sending) return this.destroy();
    // Half-closed after whole requests: their answers still go back (those held behind a --strict check too), then the connection ends.
    this.#clientDone = true;
    this.#advance();
  }

  // --- backpressure

  #pauseClient(reason: 'target' | 'check'): void {
    this.#clientPaused.add(reason);
    this.#client.pause();
  }

  #resumeClient(reason: 'target' | 'check'): void {
    if (!this.#clientPaused.delete(reason) || this.#clientPaused.size > 0 || this.#closed) return;
    this.#client.resume();
  }

  #resumeTarget(): void {
    if (!this.#targetPaused) return;
    this.#targetPaused = false;
    this.#target?.resume();
  }
}
