/**
 * Progress of a benchmark, on stderr only: stdout carries the results (a Markdown table or section
 * meant to be pasted or parsed), so progress never mixes into them. One line per step,
 * `bench:NAME: PHASE, round I/N, T s`, plain lines so they sit well between the benches' own log
 * lines; on a terminal the bench name is bold unless NO_COLOR is set.
 * @module
 */
export interface BenchProgress {
  /** A step without rounds: starting servers, installing, warming up. */
  phase(label: string): void;
  /** Round `round` (from 1) of `rounds` of a phase is starting. */
  round(label: string, round: number, rounds: number): void;
}

export function benchProgress(bench: string, stream: NodeJS.WriteStream = process.stderr): BenchProgress {
  const colour = stream.isTTY === true && !process.env.NO_COLOR;
  const name = colour ? `\x1b[1mbench:${bench}\x1b[22m` : `bench:${bench}`;
  const started = performance.now();
  const write = (text: string) => stream.write(`${name}: ${text}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  return {
    phase: (label) => write(label),
    round: (label, round, rounds) => write(`${label}, round ${round}/${rounds}`),
  };
}
