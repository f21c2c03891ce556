import type { GcKindFigures } from './messages.js';
/** Medians, quantiles and the per-wave figures of a stream wave, shared by the server benches. @module */
import type { WaveResult } from './streams.js';

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The nearest-rank quantile of an ascending list. */
export const quantile = (sorted: readonly number[], q: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);

export interface Spread {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s[s.length - 1] ?? NaN };
}

export interface StreamStats {
  completed: number;
  /** Streams the client closed on purpose (`cancelAfter`). */
  cancelled: number;
  errors: number;
  errorKinds: string;
  /** Time to first content over the configured TTFT, from `request()`. */
  ttft: Spread;
  /** The same, from the moment the request was handed to the socket. */
  ttftWritten: Spread;
  serverTtft: Spread & { count: number };
  gapP50: number;
  gapP99: number;
  gapMean: number;
  /**
   * Content chunks per second after the first, per stream that had at least two: the median, and
   * the slowest percent's (p1). A server that fell behind shows here as well as in the gaps.
   */
  rateAfterFirst: { p50: number; p1: number };
  chunksMedian: number;
  /** Content chunks received in the wave, all streams together. */
  chunksTotal: number;
}

/** A wave's figures; times over `ttftMs`, the TTFT the server was configured with. */
export function streamStats(wave: WaveResult, ttftMs: number): StreamStats {
  const all = wave.streams;
  const ok = all.filter((s) => s.done && !s.error && s.status === 200);
  const errors = all.filter((s) => s.error);
  const kinds = new Map<string, number>();
  for (const s of errors) kinds.set(s.error!, (kinds.get(s.error!) ?? 0) + 1);
  const withFirst = all.filter((s) => s.firstContentAt !== undefined);
  const server = spread(all.filter((s) => s.serverTtftMs !== undefined).map((s) => s.serverTtftMs! - ttftMs));
  const gaps = all.flatMap((s) => s.gaps).sort((a, b) => a - b);
  const rates = all
    .filter((s) => s.contentChunks >= 2 && s.lastContentAt! > s.firstContentAt!)
    .map((s) => ((s.contentChunks - 1) * 1000) / (s.lastContentAt! - s.firstContentAt!))
    .sort((a, b) => a - b);
  return {
    completed: ok.length,
    cancelled: all.filter((s) => s.cancelled).length,
    errors: errors.length,
    errorKinds: [...kinds.entries()].map(([k, n]) => `${n}× ${k}`).join(', '),
    ttft: spread(withFirst.map((s) => s.firstContentAt! - s.startedAt - ttftMs)),
    ttftWritten: spread(withFirst.filter((s) => s.writtenAt !== undefined).map((s) => s.firstContentAt! - s.writtenAt! - ttftMs)),
    serverTtft: { ...server, count: all.filter((s) => s.serverTtftMs !== undefined).length },
    gapP50: quantile(gaps, 0.5),
    gapP99: quantile(gaps, 0.99),
    gapMean: gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length),
    rateAfterFirst: { p50: quantile(rates, 0.5), p1: quantile(rates, 0.01) },
    chunksMedian: median(all.map((s) => s.contentChunks)),
    chunksTotal: all.reduce((n, s) => n + s.contentChunks, 0),
  };
}

/** GC pauses by kind in a few words: `minor 12× 340 ms (longest 61.2, 3 ≥ 50 ms), major 1× ...`. */
export function gcKindsText(kinds: Record<string, GcKindFigures>): string {
  return (
    Object.entries(kinds)
      .map(([kind, k]) => `${kind} ${k.count}× ${k.ms.toFixed(0)} ms (longest ${k.maxMs.toFixed(1)}${k.long > 0 ? `, ${k.long} ≥ 50 ms` : ''})`)
      .join(', ') || 'none'
  );
}
