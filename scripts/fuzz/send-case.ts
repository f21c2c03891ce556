/**
 * Sends one case over real HTTP, byte for byte as built (node:http: no header or body rewriting),
 * and reads the whole answer, streams included.
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

/** A case with no answer after this long is a hang. */
export const answerTimeoutMs = 60_000;

export function sendCase(base: string, fuzzCase: FuzzCase, agent: Agent): Promise<SendResult> {
  const body = fuzzCase.bodyBase64 === undefined ? undefined : Buffer.from(fuzzCase.bodyBase64, 'base64');
  const url = new URL(base);
  const headers: Record<string, string> = { ...fuzzCase.headers };
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request({ host: url.hostname, port: url.port, method: fuzzCase.method, path: url.pathname.replace(/\/$/, '') + fuzzCase.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => settle({ ok: true, answer: { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') } }));
      res.on('error', (error) => settle({ ok: false, error: `answer cut after status ${res.statusCode}: ${error.message}` }));
      res.on('aborted', () => settle({ ok: false, error: `answer cut after status ${res.statusCode}` }));
    });
    const timer = setTimeout(() => {
      settle({ ok: false, error: `no complete answer within ${answerTimeoutMs} ms` });
      req.destroy();
    }, answerTimeoutMs);
    req.on('error', (error) => settle({ ok: false, error: `request failed: ${error.message}` }));
    req.end(body);
  });
}
