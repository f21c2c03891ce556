/**
 * Whether `work` (started now) lets a callback queued for the next turn of the event loop run
 * before it settles: how the tests show that long work is done in slices (ordering, never timings).
 */
export async function yieldsBeforeSettling(work: () => unknown): Promise<boolean> {
  const order: string[] = [];
  setImmediate(() => order.push('next turn'));
  await Promise.resolve(work()).then(() => order.push('settled'));
  await new Promise((resolve) => setImmediate(resolve));
  return order[0] === 'next turn';
}
