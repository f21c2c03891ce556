/** Vitest global setup: the docs site is built (if stale) once per run, before any worker reads it. */
import { ensureSite } from '../helpers/site.js';

export default async function setup(): Promise<void> {
  await ensureSite();
}
