/**
 * File predict for a speech recognition (ASR) endpoint: a multipart form whose `predict_file` is
 * the audio, answered `{"status_code": 200, "data": ["<transcript>"]}` (vendor example). The
 * transcript comes from the fake model's `transcribe`, from the audio's duration and a seed mixed
 * from the server's and the file's bytes: the same file always gives the same text, another file
 * of the same length another text. The answer comes after the request's time to first token.
 * @module
 */
import type { components } from '../../../contract/sambastudio.js';
import { transcribe } from '../../fake-model/index.js';
import type { OperationDefinition, OperationRequest, OperationResult } from '../types.js';
import { readAudioUpload } from './audio-file.js';
import { uploadDigest } from '../shared/upload-digest.js';
import { answeringProblems } from './native-error.js';
import { reached } from '../../pacing/wait-until.js';
import { variantTable } from './variants.js';

type FileResponse = components['schemas']['SambaStudioFileResponse'];

async function predictFile(request: OperationRequest): Promise<OperationResult> {
  const upload = request.files.find((file) => file.field === 'predict_file');
  const audio = await readAudioUpload(upload, (request.body as Record<string, unknown> | undefined)?.predict_file);
  const fileHash = (await uploadDigest(upload!.bytes)).readUInt32BE(0);
  const { text } = transcribe(audio.durationS, (request.options.seed ^ fileHash) >>> 0);
  await reached(request.arrival.monotonicMs + request.pacing.ttftMs, request.signal);
  const response: FileResponse = request.variant === 'file-data-string' ? { status_code: 200, data: text } : { status_code: 200, data: [text] };
  if (request.variant === 'no-status-code') delete response.status_code;
  return { kind: 'json', body: response };
}

export const predictFileOperations: Record<string, OperationDefinition> = {
  predictFile: {
    handle: answeringProblems(predictFile),
    variants: variantTable('file-data-string', 'no-status-code'),
  },
};
