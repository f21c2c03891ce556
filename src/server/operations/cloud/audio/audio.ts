/**
 * @module `POST /audio/transcriptions` and `POST /audio/translations` (Whisper-Large-v3): the upload
 * is probed from its header bytes, and the fake model's transcript of that duration (its words seeded
 * by the file's bytes, the task, the language and the prompt) is answered as `{"text"}`, as bare text
 * (`response_format: text`) or as chat-style chunks, one word each at the request's pace, with the
 * usage chunk when `stream_options[include_usage]` is set. A file that is not audio is a 400 that
 * says so. The in-stream error is Cloud chat's.
 */
import { TurnBudget } from '../../../../event-loop/turn-budget.js';
import type { OutgoingStreamItem } from '../../../../streams/index.js';
import { countTokens, countTokensUpTo, transcribe } from '../../../fake-model/index.js';
import { hashString, mixSeeds } from '../../../fake-model/random.js';
import { RunClock } from '../../../pacing/run-clock.js';
import { bareUuid, fractionalSeconds } from '../../shared/ids.js';
import { cloudChatProfile } from '../../openai-chat/profiles/cloud.js';
import { cloudUsage } from '../../openai-chat/usage.js';
import type { Arrival, OperationDefinition, OperationRequest, OperationResult } from '../../types.js';
import { checkCloudModel } from '../catalogue/model-check.js';
import { abortedAnswer } from '../shared/request-fields.js';
import { readAudioForm, type AudioForm } from './audio-form.js';
import { probeAudio } from './audio-probe.js';
import { uploadDigest } from '../../shared/upload-digest.js';

/**
 * The longest audio the reference server transcribes: two hours. The vendor documents no limit; this
 * one is sambakit's, so that a header claiming days of audio (a 20 MB WAV at 1 Hz) is refused
 * instead of a transcript of millions of words being written.
 */
export const MAX_AUDIO_S = 7_200;

export type AudioTask = 'transcription' | 'translation';

/** One answer being written: the transcript in pieces (one word each) with their token counts. */
interface AudioRun {
  form: AudioForm;
  text: string;
  pieces: Array<{ text: string; tokens: number }>;
  /** Tokens of the form's `prompt`. */
  promptTokens: number;
  clock: RunClock;
  arrival: Arrival;
}

/** A 32-bit digest of the upload, so that the same file gets the same words and another file other words. */
async function bytesSeed(bytes: Uint8Array): Promise<number> {
  return (await uploadDigest(bytes)).readUInt32LE(0);
}

function usageOf(run: AudioRun) {
  const end = performance.now();
  const completionTokens = run.pieces.reduce((sum, piece) => sum + piece.tokens, 0);
  return cloudUsage({
    promptTokens: run.promptTokens,
    completionTokens,
    reasoningTokens: 0,
    timing: run.clock.timing(end),
    firstTen: run.clock.firstTenTiming(),
    startEpochMs: run.arrival.epochMs,
    endEpochMs: run.clock.epochMs(end),
    stopReason: 'stop',
  });
}

async function* audioChunks(run: AudioRun, signal: AbortSignal): AsyncGenerator<OutgoingStreamItem<unknown>> {
  const envelope = { id: bareUuid(), object: 'chat.completion.chunk', created: fractionalSeconds(run.arrival.epochMs), model: run.form.model, system_fingerprint: 'fastcoe', custom_id: 0 };
  const chunk = (content: string, first: boolean, finish: 'stop' | null) => ({
    ...envelope,
    choices: [{ index: 0, delta: first ? { role: 'assistant', content } : { content }, finish_reason: finish, logprobs: null }],
  });
  let step = 0;
  try {
    for (const [index, piece] of run.pieces.entries()) {
      step += piece.tokens;
      await run.clock.untilStep(step - 1, signal);
      run.clock.record(piece.tokens);
      yield { kind: 'item', value: chunk(piece.text, index === 0, null) };
    }
    if (run.pieces.length === 0) await run.clock.untilStep(0, signal);
    yield { kind: 'item', value: chunk('', run.pieces.length === 0, 'stop') };
    if (run.form.includeUsage) yield { kind: 'item', value: { ...envelope, choices: [], usage: usageOf(run) } };
  } catch (error) {
    // Aborted while waiting for a word: the client is gone, nobody is left to tell.
    if (!signal.aborted) throw error;
  }
}

/** Waits as long as streaming the transcript would take, recording the first word and the rest, like a whole chat answer. */
async function paceWhole(run: AudioRun, signal: AbortSignal): Promise<void> {
  const total = run.pieces.reduce((sum, piece) => sum + piece.tokens, 0);
  const first = run.pieces[0]?.tokens ?? 0;
  await run.clock.untilStep(Math.max(0, first - 1), signal);
  run.clock.record(first);
  if (total > first) {
    await run.clock.untilStep(total - 1, signal);
    run.clock.record(total - first);
  }
}

async function handleAudio(task: AudioTask, request: OperationRequest): Promise<OperationResult> {
  const { arrival } = request;
  const form = readAudioForm(request.body as Record<string, unknown>);
  const check = checkCloudModel({ model: form.model, use: 'audio' });
  if (!check.ok) return { kind: 'error', problem: check.problem };
  const file = request.files.find((upload) => upload.field === 'file');
  if (!file) return { kind: 'error', problem: { kind: 'invalid_request', param: 'file', message: 'Send the audio as a file part named `file` (a text field is not a file).' } };
  const probe = await probeAudio(file.bytes);
  if (!probe.ok) return { kind: 'error', problem: { kind: 'invalid_request', param: 'file', message: `The uploaded file${file.filename ? ` \`${file.filename}\`` : ''} cannot be ${task === 'translation' ? 'translated' : 'transcribed'}: ${probe.reason}.` } };

  if (probe.durationS > MAX_AUDIO_S) {
    const name = file.filename ? ` \`${file.filename}\`` : '';
    return { kind: 'error', problem: { kind: 'invalid_request', param: 'file', message: `The uploaded file${name} holds ${Math.round(probe.durationS)} s of audio; the reference server takes at most ${MAX_AUDIO_S} s (2 hours), a limit of its own.` } };
  }

  const seed = mixSeeds(request.options.seed, hashString(task), await bytesSeed(file.bytes), hashString(form.language ?? ''), hashString(form.prompt ?? ''));
  const { text } = transcribe(probe.durationS, seed);
  const words = text.length > 0 ? text.split(' ') : [];
  // Two hours of words are thousands of token counts: done in slices like any large body.
  const pieces: AudioRun['pieces'] = [];
  const budget = new TurnBudget();
  for (const [index, word] of words.entries()) {
    const piece = index === 0 ? word : ` ${word}`;
    pieces.push({ text: piece, tokens: Math.max(1, countTokens(piece)) });
    if (budget.spent()) await budget.nextTurn();
  }
  // A form field can be megabytes long: counted in slices of the same budget (see countTokensUpTo).
  const promptTokens = await countTokensUpTo(form.prompt ?? '', Infinity, budget);
  const run: AudioRun = { form, text, pieces, promptTokens, clock: new RunClock(request.pacing, arrival), arrival };
  if (form.stream) return { kind: 'stream', mediaType: 'text/event-stream', produce: (signal) => audioChunks(run, signal) };
  try {
    await paceWhole(run, request.signal);
  } catch (error) {
    return abortedAnswer(error, request);
  }
  if (form.responseFormat === 'text') return { kind: 'text', body: text, contentType: 'text/plain; charset=utf-8' };
  return { kind: 'json', body: { text } };
}

export function audioOperation(task: AudioTask): OperationDefinition {
  return {
    handle: (request) => handleAudio(task, request),
    streamError: (message, request) => cloudChatProfile.streamError(message, request),
  };
}
