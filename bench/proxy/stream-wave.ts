/** One measured wave of concurrent SSE streams for the proxy benches: TTFT of each stream that got content. @module */
import { preconnect, runStreamWave, type WaveResult } from '../server/streams.js';

/** Tokens of each stream the proxy benches ask for. */
export const streamTokens = 20;
export const streamBody = JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'Tell me about telescopes.' }], max_tokens: streamTokens, temperature: 0, stream: true });

/**
 * A 'connect' on the client's side means the kernel finished the handshake, not that the server has
 * taken the connection: the server (the target direct, the proxy proxied) would still be accepting
 * the connections while the first requests come in, and that work would be timed as latency of
 * whichever side it is. The settle lets each side finish accepting before the wave starts.
 */
const acceptSettleMs = 200;

/** `streams` streams on connections made beforehand; TTFT from each request's write to its first content chunk, ascending. */
export async function ttftWave(url: string, streams: number): Promise<{ ttfts: number[]; failed: number }> {
  const { sockets } = await preconnect(url, streams);
  await new Promise((resolve) => setTimeout(resolve, acceptSettleMs));
  const result: WaveResult = await runStreamWave({ url, streams, body: streamBody, timeoutMs: 60_000, sockets });
  const ok = result.streams.filter((s) => s.firstContentAt !== undefined && !s.error);
  return { ttfts: ok.map((s) => s.firstContentAt! - s.startedAt).sort((a, b) => a - b), failed: result.streams.length - ok.length };
}
