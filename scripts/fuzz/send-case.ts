/**
 * Sends one case over real HTTP, byte for byte as built (node:http: no header or body rewriting),
 * and reads the whole answer, streams included. Connections are kept between cases; a kept one the
 * server closed while it sat idle (a reset before any answer on a reused socket, the race Node's
 * documentation describes) is retried once on a new connection, so a reset the case itself causes
 * still fails it.
 * @module
 */
import { Agent, request } from 'node:http';
import type { FuzzCase } from './cases.js';

export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

export type SendResult = { ok: true; answer: Answer } | { ok: false; error: string };

/** How much of an answer is kept for judging. */
const keptAnswerBytes = 1 << 20;

/** A case with no answer after this long is a hang. */
export const answerTimeoutMs = 60_000;

export async function sendCase(base: string, fuzzCase: FuzzCase, agent: Agent): Promise<SendResult> {
  const first = await sendOnce(base, fuzzCase, agent);
  return first.staleSocket ? sendOnce(base, fuzzCase, false) : first;
}

function sendOnce(base: string, fuzzCase: FuzzCase, agent: Agent | false): Promise<SendResult & { staleSocket?: boolean }> {
  const body = fuzzCase.bodyBase64 === undefined ? undefined : Buffer.from(fuzzCase.bodyBase64, 'base64');
  const url = new URL(base);
  const headers: Record<string, string> = { ...fuzzCase.headers };
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve) => {
    let settled = false;
    /** What came of the answer before a failure (an answer can come before the request is all written). */
    let answered = '';
    const settle = (result: SendResult & { staleSocket?: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request({ host: url.hostname, port: url.port, method: fuzzCase.method, path: url.pathname.replace(/\/$/, '') + fuzzCase.path, headers, agent }, (res) => {
      // Only an error's body is judged; the head of a long answer is enough, and a hostile case can
      // make a stream of hundreds of megabytes (more than one string can hold).
      const chunks: Buffer[] = [];
      let kept = 0;
      answered = ` (after status ${res.statusCode})`;
      res.on('data', (chunk: Buffer) => {
        if (kept >= keptAnswerBytes) return;
        if (!chunks.length) answered = ` (after status ${res.statusCode}: ${chunk.subarray(0, 200).toString('utf8')})`;
        chunks.push(chunk);
        kept += chunk.byteLength;
      });
      res.on('end', () => settle({ ok: true, answer: { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).subarray(0, keptAnswerBytes).toString('utf8') } }));
      res.on('error', (error) => settle({ ok: false, error: `answer cut after status ${res.statusCode}: ${error.message}` }));
      res.on('aborted', () => settle({ ok: false, error: `answer cut after status ${res.statusCode}` }));
    });
    const timer = setTimeout(() => {
      settle({ ok: false, error: `no complete answer within ${answerTimeoutMs} ms` });
      req.destroy();
    }, answerTimeoutMs);
    const started = Date.now();
    // How far the request got says whose stall it was: a body cut short long after it started, or at once.
    const progress = () => `${req.socket?.bytesWritten ?? 0} bytes written of ${body?.length ?? 0} in the body, after ${Date.now() - started} ms`;
    req.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, error: `request failed: ${error.message}${answered} (${progress()})`, staleSocket: req.reusedSocket && error.code === 'ECONNRESET' }));
    req.end(body);
  });
}
