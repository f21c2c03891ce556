/**
 * `sambakit validate`: checks recorded payloads and stream transcripts against an operation of the
 * spec, for CI. Exit 0 when every file is valid, 1 when any is not (one line per violation), 2 for
 * a usage problem found before any checking (unknown API or operation, unreadable file).
 * @module
 */
import { createReadStream } from 'node:fs';
import { access, constants, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { apiNames, contracts, type ApiName } from '../../contract/index.js';
import { apiChoices, resolveApi } from '../api-name.js';
import {
  findOperation,
  getOperation,
  UnknownOperationError,
  validateRequest,
  validateResponse,
  validateStream,
  type OperationValidators,
  type Violation,
} from '../../validate/index.js';
import { violation } from '../../validate/violations.js';
import { UsageError } from '../run-command.js';

export const validateUsage =
  'usage: sambakit validate --api API --op OPERATION_ID [--response [--status N]] [--stream] [--media-type TYPE] [--format text|json] [FILE|DIR|-]...\n' +
  '       sambakit validate [--api API] --method METHOD --url URL ... (finds the operation the request is for)\n' +
  `  --api API          ${apiChoices}\n` +
  '  --op ID            the operationId (as the spec names it)\n' +
  '  --method, --url    find the operation from a request line instead (reference-server and real-host paths)\n' +
  '  --response         check response bodies (default: request bodies)\n' +
  '  --status N         the response status (default 200; implies --response)\n' +
  '  --stream           check SSE or JSON-lines transcripts item by item, framing included (any size, constant memory)\n' +
  '  --media-type TYPE  the body or stream media type when the operation has several\n' +
  '  --format text|json one line per violation (default), or one JSON document\n' +
  '  FILE|DIR|-         payload files, directories (their files), or - for stdin (the default)\n' +
  '  exit 0 all valid, 1 any invalid, 2 usage error';

export type Target = 'request' | 'response' | 'stream';

export interface ValidateArgv {
  validators: OperationValidators;
  target: Target;
  status: number;
  mediaType: string | undefined;
  format: 'text' | 'json';
  /** Files to check, in order; `-` is stdin. */
  files: string[];
}

export interface FileResult {
  file: string;
  valid: boolean;
  violations: Violation[];
  /** Streams only. */
  items?: number;
  terminated?: boolean;
  errorItems?: number;
  truncated?: boolean;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

function operationById(api: ApiName, operationId: string): OperationValidators {
  try {
    return getOperation(api, operationId);
  } catch (error) {
    if (!(error instanceof UnknownOperationError)) throw error;
    const known = Object.keys(contracts[api].validators);
    const nearest = known
      .map((id) => ({ id, d: distance(id.toLowerCase(), operationId.toLowerCase()) }))
      .sort((a, b) => a.d - b.d)[0];
    const hint = nearest && nearest.d <= Math.max(3, operationId.length / 3) ? `did you mean "${nearest.id}"? ` : '';
    throw new UsageError(`${api} has no operation "${operationId}"; ${hint}it has: ${known.join(', ')}`);
  }
}

export async function parseValidateArgs(args: string[]): Promise<ValidateArgv> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        api: { type: 'string' },
        op: { type: 'string' },
        method: { type: 'string' },
        url: { type: 'string' },
        response: { type: 'boolean' },
        status: { type: 'string' },
        stream: { type: 'boolean' },
        'media-type': { type: 'string' },
        format: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format expects text or json, got "${format}"`);
  const api = values.api === undefined ? undefined : resolveApi(values.api);

  let validators: OperationValidators;
  if (values.op !== undefined) {
    if (values.method !== undefined || values.url !== undefined) throw new UsageError('give either --op or --method with --url, not both');
    if (!api) throw new UsageError('--op needs --api');
    validators = operationById(api, values.op);
  } else if (values.method !== undefined && values.url !== undefined) {
    const match = findOperation(values.method, values.url, api ? { api } : {});
    if (!match) throw new UsageError(`no operation${api ? ` of ${api}` : ''} answers ${values.method.toUpperCase()} ${values.url}`);
    validators = match.validators;
  } else {
    throw new UsageError('name the operation: --api API --op OPERATION_ID, or --method METHOD --url URL');
  }

  let status = 200;
  if (values.status !== undefined) {
    if (!/^[1-5]\d\d$/.test(values.status.trim())) throw new UsageError(`--status expects an HTTP status (100-599), got "${values.status}"`);
    status = Number(values.status);
  }
  const target: Target = values.stream ? 'stream' : values.response || values.status !== undefined ? 'response' : 'request';
  const { operationId } = validators.operation;
  if (target === 'stream' && Object.keys(validators.operation.streams).length === 0) throw new UsageError(`${validators.api} ${operationId} does not stream`);
  const mediaType = values['media-type'];
  if (mediaType !== undefined) {
    const declared =
      target === 'stream' ? Object.keys(validators.operation.streams) : target === 'request' ? [...validators.operation.request.mediaTypes] : (validators.operation.responses[String(status)] ?? []);
    if (!declared.includes(mediaType)) throw new UsageError(`--media-type ${mediaType}: ${operationId} ${target === 'request' ? 'takes' : 'sends'} ${declared.join(', ') || 'no body'}${target === 'response' ? ` with status ${status}` : ''}`);
  } else if (target === 'stream' && Object.keys(validators.operation.streams).length > 1) {
    throw new UsageError(`${operationId} streams ${Object.keys(validators.operation.streams).join(' and ')}: name one with --media-type`);
  }
  if (target === 'response') {
    const declared = validators.operation.responses[String(status)] ?? [];
    const chosen = mediaType ?? (declared.length === 1 ? declared[0] : declared.find((m) => !validators.operation.streams[m]));
    if (chosen !== undefined && validators.operation.streams[chosen]) throw new UsageError(`${operationId} sends ${chosen} as a stream: check it with --stream`);
  }
  return { validators, target, status, mediaType: target === 'response' && mediaType === undefined ? defaultResponseMediaType(validators, status) : mediaType, format, files: await expandFiles(positionals) };
}

/** A status declaring JSON and a stream (chat: JSON or SSE) means the JSON one unless told. */
function defaultResponseMediaType(validators: OperationValidators, status: number): string | undefined {
  const declared = validators.operation.responses[String(status)] ?? [];
  const plain = declared.filter((m) => !validators.operation.streams[m]);
  return declared.length > 1 && plain.length === 1 ? plain[0] : undefined;
}

/** Files as given, a directory as its files (sorted), stdin when none; unreadable ones are a usage error. */
async function expandFiles(positionals: string[]): Promise<string[]> {
  if (positionals.length === 0) return ['-'];
  if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('stdin (-) can be read once');
  const files: string[] = [];
  for (const path of positionals) {
    if (path === '-') {
      files.push(path);
      continue;
    }
    let info;
    try {
      info = await stat(path);
      await access(path, constants.R_OK);
    } catch (error) {
      throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    }
    if (info.isDirectory()) {
      const entries = await readdir(path, { withFileTypes: true });
      files.push(...entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => join(path, e.name)).sort());
    } else {
      files.push(path);
    }
  }
  return files;
}

async function readWhole(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function checkFile(argv: ValidateArgv, file: string): Promise<FileResult> {
  const { validators, target } = argv;
  if (target === 'stream') {
    const source = file === '-' ? process.stdin : createReadStream(file);
    const result = await validateStream(validators, source, argv.mediaType === undefined ? {} : { mediaType: argv.mediaType });
    return { file, valid: result.valid, violations: result.violations, items: result.items, terminated: result.terminated, errorItems: result.errorItems.length, truncated: result.truncated };
  }
  const text = await readWhole(file);
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (error) {
    const found = violation('', 'json', 'a payload of JSON text', error instanceof Error ? error.message : String(error));
    return { file, valid: false, violations: [found] };
  }
  const media = argv.mediaType === undefined ? {} : { mediaType: argv.mediaType };
  // The CLI checks recorded bodies: path, query and header parameters are not in the file.
  const { parameters: _parameters, ...bodyOnly } = validators;
  const result = target === 'request' ? validateRequest(bodyOnly, { body, ...media }) : validateResponse(validators, { status: argv.status, body, ...media });
  return { file, valid: result.valid, violations: result.violations };
}

function displayName(file: string): string {
  return file === '-' ? 'stdin' : file;
}

function textLines(result: FileResult): string[] {
  const name = displayName(result.file);
  const counts = result.items === undefined ? '' : ` (${result.items} item${result.items === 1 ? '' : 's'}${result.terminated ? ', terminated' : ''}${result.errorItems ? `, ${result.errorItems} in-stream error${result.errorItems === 1 ? '' : 's'}` : ''})`;
  if (result.valid) return [`${name}: valid${counts}`];
  const lines = result.violations.map((v) => `${name}: ${v.message}`);
  lines.push(`${name}: invalid, ${result.violations.length} violation${result.violations.length === 1 ? '' : 's'}${result.truncated ? ' (more not shown)' : ''}${counts}`);
  return lines;
}

export async function handleValidate(args: string[]): Promise<number> {
  const argv = await parseValidateArgs(args);
  const results: FileResult[] = [];
  for (const file of argv.files) {
    let result: FileResult;
    try {
      result = await checkFile(argv, file);
    } catch (error) {
      // Readable when listed, gone or unreadable now (a permission, a directory entry that vanished).
      if ((error as NodeJS.ErrnoException).code) throw new UsageError(`cannot read ${displayName(file)}: ${(error as Error).message}`);
      throw error;
    }
    results.push(result);
    if (argv.format === 'text') process.stdout.write(`${textLines(result).join('\n')}\n`);
  }
  const invalid = results.filter((r) => !r.valid).length;
  const summary = { files: results.length, valid: results.length - invalid, invalid };
  if (argv.format === 'json') {
    const { api, operation } = argv.validators;
    const document = {
      api,
      operationId: operation.operationId,
      target: argv.target,
      ...(argv.target === 'response' ? { status: argv.status } : {}),
      ...(argv.mediaType === undefined ? {} : { mediaType: argv.mediaType }),
      valid: invalid === 0,
      summary,
      files: results.map((r) => ({ ...r, file: displayName(r.file) })),
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else if (results.length > 1) {
    process.stdout.write(`${summary.files} files, ${summary.valid} valid, ${summary.invalid} invalid\n`);
  }
  return invalid === 0 ? 0 : 1;
}
