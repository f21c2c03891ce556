/** The rounds of a side-by-side bench of servers in one run. @module */

/**
 * A first, unmeasured round per target (code compiled, tables made, parsers pooled), then `rounds`
 * rounds of every target, the order reversed every other round so that none always runs first;
 * `measured` hears each measured round's result.
 */
export async function alternatingRounds<T, R>(
  targets: Record<string, T>,
  rounds: number,
  round: (target: T) => Promise<R>,
  measured: (name: string, roundIndex: number, result: R) => void,
  log: (line: string) => void,
): Promise<void> {
  const names = Object.keys(targets);
  for (const name of names) {
    log(`  ${name}: warm-up round`);
    await round(targets[name]!);
  }
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? names : names.slice().reverse();
    for (const name of order) measured(name, r, await round(targets[name]!));
  }
}
