/**
 * The audio an ASR endpoint accepts, as the vendor states it: a WAV or FLAC file, sampled at
 * 16 kHz, holding at most 15 seconds. The upload is read by `music-metadata` (pure JavaScript) from
 * its real header, whatever its file name or declared type says. Refusals use the statuses the
 * spec documents for them: 415 for another format, 413 for audio that is too long, 422 for a wrong
 * sample rate or a file that cannot be read.
 * @module
 */
import type { IFormat } from 'music-metadata';
import { parseAudioMetadata } from '../shared/audio-metadata.js';
import type { UploadedFile } from '../../request-body.js';
import { NativeRequestError } from './native-error.js';

export const REQUIRED_SAMPLE_RATE = 16_000;
export const MAX_DURATION_S = 15;

export interface AudioInfo {
  format: 'wav' | 'flac';
  sampleRate: number;
  durationS: number;
}

const path = '/body/predict_file';
const expectedFile = `a WAV or FLAC file sampled at ${REQUIRED_SAMPLE_RATE} Hz holding at most ${MAX_DURATION_S} s of audio`;
const formatNames = { wav: 'WAV', flac: 'FLAC' } as const;

function fail(received: string, rule: string, status: 413 | 415 | 422 = 422): never {
  throw new NativeRequestError({ path, rule, expected: expectedFile, received, status });
}

/** The audio of the `predict_file` upload, checked; a `NativeRequestError` says what is wrong with it. */
export async function readAudioUpload(file: UploadedFile | undefined, field: unknown): Promise<AudioInfo> {
  // A plain text field of that name passes the schema (it only sees a string) but holds no file.
  if (!file) return fail(typeof field === 'string' ? 'a text field, not a file upload' : 'nothing (the form has no predict_file part)', 'required');
  const { bytes } = file;
  if (bytes.length === 0) return fail('an empty file', 'minLength');
  const claimed = signatureFormat(bytes);
  let format: IFormat;
  try {
    // No MIME type is passed on: the content decides, not the client's label.
    ({ format } = await parseAudioMetadata(bytes, { duration: true, skipCovers: true }));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (claimed) return fail(`a ${formatNames[claimed]} file that cannot be read (${reason})`, 'contentMediaType');
    return fail(`not a WAV or FLAC file (detected: no known audio format; starts with ${hexStart(bytes)})`, 'contentMediaType', 415);
  }
  const detected = format.container === 'WAVE' ? 'wav' : format.container === 'FLAC' ? 'flac' : undefined;
  if (!detected) return fail(`not a WAV or FLAC file (detected: ${describeFormat(format)})`, 'contentMediaType', 415);
  const name = formatNames[detected];
  if (format.sampleRate === undefined) return fail(`a ${name} file whose header gives no sample rate`, 'contentMediaType');
  if (format.sampleRate !== REQUIRED_SAMPLE_RATE) return fail(`sample rate ${format.sampleRate} Hz (${name})`, 'const');
  if (format.duration === undefined || !Number.isFinite(format.duration)) return fail(`a ${name} file whose duration cannot be read`, 'contentMediaType');
  if (format.duration > MAX_DURATION_S) return fail(`duration ${format.duration.toFixed(1)} s, more than ${MAX_DURATION_S} s`, 'maximum', 413);
  return { format: detected, sampleRate: format.sampleRate, durationS: format.duration };
}

/** What the parser recognised, by the name people use (`mp3` rather than "MPEG 2 Layer 3"). */
function describeFormat(format: IFormat): string {
  if (format.container === 'MPEG' && /layer 3/i.test(format.codec ?? '')) return 'mp3';
  return [format.container, format.codec].filter(Boolean).join(', ') || 'unknown';
}

function signatureFormat(bytes: Uint8Array): 'wav' | 'flac' | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'wav';
  if (ascii(0, 4) === 'fLaC') return 'flac';
  return undefined;
}

function hexStart(bytes: Uint8Array): string {
  return [...bytes.subarray(0, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
}
