/** @module Finding where a stop sequence ends the generated text. */

/** The first place any stop string occurs in `text`. */
export interface StopHit {
  /** Index in `text` where the stop string starts; the output ends right before it. */
  index: number;
  /** The stop string that matched (for ties at one index: the first in the request's list). */
  sequence: string;
}

/** Normalises the request's `stop` (string, list, absent) to a list without empty strings. */
export function stopList(stop: string | readonly string[] | undefined | null): string[] {
  if (stop === undefined || stop === null) return [];
  return (typeof stop === 'string' ? [stop] : [...stop]).filter((item) => item.length > 0);
}

/** The earliest occurrence of any stop string in `text`, or undefined. */
export function findStop(text: string, stops: readonly string[]): StopHit | undefined {
  let hit: StopHit | undefined;
  for (const sequence of stops) {
    const index = text.indexOf(sequence);
    if (index >= 0 && (hit === undefined || index < hit.index)) hit = { index, sequence };
  }
  return hit;
}
