/**
 * The baseline of the streams part of the server bench: `node:http` answering every request (without
 * parsing it) with a paced SSE stream of fixed `chat.completion.chunk` items: the first after
 * TTFT_MS from the end of the request body, then one per 1000 / TPS ms (drift-corrected setTimeout
 * chain), TOKENS in all, a usage chunk with the observed `time_to_first_token`, and `data: [DONE]`.
 * What any Node server pays to hold the same streams, so that the bench can tell sambakit's own cost
 * from the machine's and the client's. Forked by bench/server.bench.ts.
 * @module
 */
import { createServer } from 'node:http';
import { serveAsChild } from './messages.js';

const ttftMs = Number(process.env.TTFT_MS ?? 200);
const intervalMs = 1000 / Number(process.env.TPS ?? 20);
const tokens = Number(process.env.TOKENS ?? 40);
const words = ['The', ' first', ' telescopes', ' were', ' made', ' in', ' the', ' Netherlands', ' around', ' 1608', ','];

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const arrived = performance.now();
    let firstAt = 0;
    const id = crypto.randomUUID();
    const created = Date.now() / 1000;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    const send = () => {
      const now = performance.now();
      if (i === 0) firstAt = now;
      const delta = i === 0 ? { role: 'assistant', content: words[0] } : { content: words[i % words.length] };
      const chunk = { id, object: 'chat.completion.chunk', created, model: 'Meta-Llama-3.3-70B-Instruct', system_fingerprint: 'fastcoe', choices: [{ index: 0, delta, finish_reason: null, logprobs: null }] };
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
      i++;
      if (i < tokens) {
        timer = setTimeout(send, arrived + ttftMs + i * intervalMs - performance.now());
        return;
      }
      const finish = { id, object: 'chat.completion.chunk', created, model: 'Meta-Llama-3.3-70B-Instruct', system_fingerprint: 'fastcoe', choices: [{ index: 0, delta: { content: '' }, finish_reason: 'length', logprobs: null }] };
      const usage = { id, object: 'chat.completion.chunk', created, model: 'Meta-Llama-3.3-70B-Instruct', system_fingerprint: 'fastcoe', choices: [], usage: { prompt_tokens: 30, completion_tokens: tokens, total_tokens: 30 + tokens, time_to_first_token: (firstAt - arrived) / 1000 } };
      response.end(`data: ${JSON.stringify(finish)}\n\ndata: ${JSON.stringify(usage)}\n\ndata: [DONE]\n\n`);
    };
    timer = setTimeout(send, ttftMs);
    response.on('close', () => clearTimeout(timer));
  });
});
serveAsChild(server);
