/**
 * The lean writer of a streamed body: a `PacedProducer` with no fault and no response checks to
 * carry out, as a server holding thousands of open streams runs most of them. One object per
 * stream, one timer per wait (the writer is the timer's argument: no closure), the items that are
 * due together framed into one write, and no promise, abort controller or async iterator at all.
 * It writes the same bytes as the general writer of `stream-body.ts`, which takes every other stream.
 * @module
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { encodeStreamEnd, encodeStreamItem, type StreamFramingSpec } from '../streams/index.js';
import { addAbortListener, removeAbortListener } from './abort-listeners.js';
import { drainSource, writeBodyText } from './chunked-write.js';
import type { PacedProducer } from './operations/types.js';
import { sliceMs } from '../event-loop/turn-budget.js';
import { endStepTimer, startStepTimer } from './pacing/wait-until.js';
import type { SpecRequest } from './spec-request.js';
import { generationFailed, shuttingDown } from './stream-messages.js';

/**
 * Writes the status, `headers` and every item of `producer` to the target's response as each comes
 * due, then the framing's terminator. The head leaves with the first items. Backpressure: once the
 * socket holds more than it takes, the producer is asked for nothing more until it drains.
 */
export function writePacedBody(target: SpecRequest, status: number, headers: OutgoingHttpHeaders, producer: PacedProducer, framing: StreamFramingSpec): void {
  new PacedBody(target, status, headers, producer, framing).pump();
}

/** Framed text past which the items due together are written before more are taken (Node's stream high-water mark). */
const BATCH_CHARS = 16 * 1024;

class PacedBody {
  private timer: NodeJS.Timeout | undefined = undefined;
  private immediate: NodeJS.Immediate | undefined = undefined;
  private ended = false;
  private onDrain: (() => void) | undefined = undefined;

  constructor(
    private readonly target: SpecRequest,
    private readonly status: number,
    private readonly headers: OutgoingHttpHeaders,
    private readonly producer: PacedProducer,
    private readonly framing: StreamFramingSpec,
  ) {
    // Found from the response by a module-level listener, and heard by the shutdown signal as an
    // object: an open stream holds no closure of its own (nor `once`'s wrapper) for either.
    bodies.set(target.res, this);
    target.res.on('close', responseClosed);
    const { shutdown } = target;
    if (shutdown) addAbortListener(shutdown, this);
  }

  /** The server is shutting down. */
  aborted(): void {
    this.fail('', shuttingDown);
  }

  /** Takes every item that is due, writes them at once, then waits for the next (or the socket). */
  pump(): void {
    if (this.ended) return;
    if (this.target.shutdown?.aborted) return this.fail('', shuttingDown);
    const { producer, framing } = this;
    const turnStart = performance.now();
    let text = '';
    let dueMs: number;
    for (;;) {
      // Items all due at once (a fast pace, a reader that takes every write) go on in the next turn
      // after one slice, so that no stream holds the loop however long it is.
      if (performance.now() - turnStart >= sliceMs) {
        if (text !== '' && !this.write(text)) return this.waitForRoom();
        this.immediate = setImmediate(resumePacedBody, this);
        return;
      }
      let next;
      try {
        next = producer.next();
        if (next === undefined) return this.end(text + encodeStreamEnd(framing), true);
        if (typeof next === 'number') {
          dueMs = next;
          break;
        }
        text += encodeStreamItem(next, framing);
      } catch (error) {
        return this.fail(text, generationFailed(error));
      }
      // An answer with no pace is due all at once: it goes in socket-sized writes, each waiting for room.
      if (text.length >= BATCH_CHARS) {
        if (!this.write(text)) return this.waitForRoom();
        text = '';
      }
    }
    if (text !== '' && !this.write(text)) return this.waitForRoom();
    this.timer = startStepTimer(dueMs, firePacedBody, this);
  }

  /** The socket holds more than it takes: nothing more is asked of the producer until it drains. */
  private waitForRoom(): void {
    this.onDrain ??= () => this.pump();
    drainSource(this.target.res).once('drain', this.onDrain);
  }

  /** The next turn came after a full slice. */
  resumed(): void {
    this.immediate = undefined;
    this.pump();
  }

  /** The step timer fired. */
  fired(): void {
    endStepTimer(this.timer!);
    this.timer = undefined;
    this.pump();
  }

  private write(text: string): boolean {
    const { res } = this.target;
    if (res.headersSent) return writeBodyText(res, text);
    res.writeHead(this.status, this.headers);
    const room = res.write(text);
    flattenSentHead(res);
    return room;
  }

  /** The last bytes; `complete` when the producer came to its end (else it is stopped). */
  private end(text: string, complete: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.release();
    if (!complete) this.producer.stop();
    const { res } = this.target;
    if (res.destroyed) return;
    if (!res.headersSent) res.writeHead(this.status, this.headers);
    res.end(text);
  }

  /** Ends the stream with the API's in-stream error after `text` (items already framed). */
  private fail(text: string, message: string): void {
    if (this.ended) return;
    let last = text;
    try {
      last += encodeStreamItem(this.target.errorItem(message), this.framing);
    } catch {
      // An error item that cannot be framed: the stream ends without it, and without the terminator.
    }
    this.end(last, false);
  }

  /** The client went away (or the answer is complete: then there is nothing to do). */
  gone(): void {
    if (this.ended || this.target.res.writableFinished) return;
    this.ended = true;
    this.release();
    this.producer.stop();
  }

  private release(): void {
    const { res } = this.target;
    if (this.timer !== undefined) {
      endStepTimer(this.timer);
      this.timer = undefined;
    }
    if (this.immediate !== undefined) {
      clearImmediate(this.immediate);
      this.immediate = undefined;
    }
    res.off('close', responseClosed);
    bodies.delete(res);
    if (this.onDrain) {
      res.off('drain', this.onDrain);
      res.socket?.off('drain', this.onDrain);
    }
    const { shutdown } = this.target;
    if (shutdown) removeAbortListener(shutdown, this);
  }
}

/**
 * Node keeps a response's head (`_header`) for as long as the response lives, as it built it: a
 * string appended header by header, a chain of about thirty cons strings (~1 KB) per open stream.
 * Once the head is sent only its presence counts (`headersSent`), so a flat copy of the same text
 * (about as many bytes as characters: ~430 B for a Cloud stream) takes its place. Where Node has
 * no such field, nothing happens.
 */
function flattenSentHead(res: ServerResponse): void {
  const response = res as unknown as { _header?: unknown };
  const head = response._header;
  if (typeof head === 'string') response._header = Buffer.from(head, 'latin1').toString('latin1');
}

/** The writer of each open response. */
const bodies = new WeakMap<ServerResponse, PacedBody>();

function responseClosed(this: ServerResponse): void {
  bodies.get(this)?.gone();
}

function resumePacedBody(body: PacedBody): void {
  body.resumed();
}

/** The timer's callback, module-level so that a wait costs no closure. */
function firePacedBody(body: PacedBody): void {
  body.fired();
}
