/**
 * @module Transcripts for audio the fake model "hears": the text depends only on the audio's
 * duration and a seed (the server passes its seed mixed with whatever it hashes of the file), and
 * runs at a speaking rate of 2.5 words per second (150 words per minute).
 */
import { mixSeeds, Rng } from './random.js';
import { writeWords } from './sentence-writer.js';

/** Words per second of speech. */
export const WORDS_PER_SECOND = 2.5;

/** A stretch of the transcript with its time span, for verbose transcription formats. */
export interface TranscriptSegment {
  id: number;
  startS: number;
  endS: number;
  text: string;
}

export interface Transcript {
  text: string;
  /** Number of words in `text`: round(duration * 2.5), at least 1 for any audio longer than 0. */
  words: number;
  durationS: number;
  /** The text in sentences, with start and end times spread evenly by word. */
  segments: TranscriptSegment[];
}

/** The transcript of `durationSeconds` of audio. */
export function transcribe(durationSeconds: number, seed: number): Transcript {
  const durationS = Number.isFinite(durationSeconds) && durationSeconds > 0 ? durationSeconds : 0;
  const words = durationS > 0 ? Math.max(1, Math.round(durationS * WORDS_PER_SECOND)) : 0;
  const text = writeWords(new Rng(mixSeeds(seed, 0x7a5c)), words);
  const segments: TranscriptSegment[] = [];
  // Sentences by word (a word ending in "." closes one), so numbers like "3.5" stay whole.
  let current: string[] = [];
  let wordIndex = 0;
  for (const word of text.length > 0 ? text.split(' ') : []) {
    current.push(word);
    if (!word.endsWith('.')) continue;
    segments.push({
      id: segments.length,
      startS: round3((wordIndex / words) * durationS),
      endS: round3(((wordIndex + current.length) / words) * durationS),
      text: current.join(' '),
    });
    wordIndex += current.length;
    current = [];
  }
  return { text, words, durationS, segments };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
