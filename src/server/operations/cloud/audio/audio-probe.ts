/**
 * @module What an uploaded file is, read from its own header bytes with `music-metadata` (never from
 * the client's file name or MIME type): the container, the codec and the duration. Only the formats
 * the service documents are accepted (WAV, FLAC, MP3/MPEG, Ogg, WebM, MP4/M4A); anything else, or a
 * file that is not audio at all, is refused with the reason.
 */
import { parseAudioMetadata } from '../../shared/audio-metadata.js';

export type AudioProbe = { ok: true; container: string; codec: string | undefined; durationS: number } | { ok: false; reason: string };

/** Containers as music-metadata names them; MP4 files are named by their brands (`M4A/isom/...`). */
const accepted = [/^WAVE$/, /^FLAC$/, /^MPEG$/, /^Ogg$/, /^EBML\/webm$/, /(^|\/)(M4A|mp4\d?|isom|iso\d|mp42|dash)(\/|$)/i];

const DOCUMENTED = 'FLAC, MP3, MP4, MPEG, MPGA, M4A, Ogg, WAV or WebM';

export async function probeAudio(bytes: Uint8Array): Promise<AudioProbe> {
  if (bytes.byteLength === 0) return { ok: false, reason: 'the file is empty' };
  let format;
  try {
    ({ format } = await parseAudioMetadata(bytes, { duration: true, skipCovers: true }));
  } catch (error) {
    return { ok: false, reason: `its header is not one of an audio format (${error instanceof Error ? error.message : String(error)}); send ${DOCUMENTED}` };
  }
  const container = format.container;
  if (!container || !format.hasAudio) return { ok: false, reason: `no audio track was found in it; send ${DOCUMENTED}` };
  if (!accepted.some((pattern) => pattern.test(container))) return { ok: false, reason: `it is ${container} audio, which the service does not take; send ${DOCUMENTED}` };
  const durationS = format.duration ?? (format.numberOfSamples !== undefined && format.sampleRate ? format.numberOfSamples / format.sampleRate : undefined);
  if (durationS === undefined || !Number.isFinite(durationS)) return { ok: false, reason: `the length of its ${container} audio cannot be read from its header` };
  return { ok: true, container, codec: format.codec, durationS };
}
