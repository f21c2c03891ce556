/**
 * `sambakit validate`: every example and negative case of the spec through the command (in process,
 * grouped one run per operation and target), and the real process for exit codes, stdin, several
 * files, stream framing, usage errors and constant memory over a 200 MB transcript.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { handleValidate, validateUsage } from '../../src/cli/commands/validate.js';
import { runCommand } from '../../src/cli/run-command.js';
import { getOperation } from '../../src/validate/index.js';
import { runTs, withTsx } from '../helpers/run.js';
import { apiNames, deref, examplesOf, negativeCases, negativePayload, operations, repoRoot } from '../helpers/spec.js';

const cli = `${repoRoot}src/cli/index.ts`;
/** Five CLI processes at once on a shared, loaded two-core machine. */
const usageTimeoutMs = 300_000;
const dir = mkdtempSync(join(tmpdir(), 'sambakit-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  valid: boolean;
  summary: { files: number; valid: number; invalid: number };
  files: Array<{ file: string; valid: boolean; violations: Array<{ path: string; rule: string; message: string }>; items?: number; terminated?: boolean }>;
}

/** The command's handler as the CLI runs it, with its output captured. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await runCommand(handleValidate, args, validateUsage);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

let fileCount = 0;
function payloadFile(value: unknown, ext = 'json'): string {
  const file = join(dir, `payload-${fileCount++}.${ext}`);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

interface Group {
  args: string[];
  files: Array<{ file: string; label: string }>;
}

/** One CLI run per operation, target, media type and status, holding every payload of that kind. */
function addTo(groups: Map<string, Group>, args: string[], file: string, label: string) {
  const key = args.join(' ');
  let group = groups.get(key);
  if (!group) groups.set(key, (group = { args, files: [] }));
  group.files.push({ file, label });
}

function targetArgs(target: 'request' | 'response' | 'stream', mediaType: string, status?: number): string[] {
  if (target === 'stream') return ['--stream', '--media-type', mediaType];
  if (target === 'response') return ['--status', String(status), '--media-type', mediaType];
  return ['--media-type', mediaType];
}

/** A single item as a transcript of its stream framing (an SSE event, named by its type where the API does so, or one JSON line). */
function transcriptOf(item: unknown, mediaType: string, eventFromType = false): string {
  if (mediaType !== 'text/event-stream') return `${JSON.stringify(item)}\n`;
  const type = (item as { type?: unknown } | null)?.type;
  return `${eventFromType && typeof type === 'string' ? `event: ${type}\n` : ''}data: ${JSON.stringify(item)}\n\n`;
}

describe.each(apiNames)('%s: every spec example passes through sambakit validate', (api) => {
  it('exits 0 with every example valid', async () => {
    const groups = new Map<string, Group>();
    for (const op of operations(api)) {
      const base = ['--api', api, '--op', op.operationId, '--format', 'json'];
      const streams: Readonly<Record<string, { terminator?: string; eventFromType?: boolean }>> = getOperation(api, op.operationId).operation.streams;
      for (const [mediaType, media] of Object.entries<any>(deref(api, op.operation.requestBody)?.content ?? {})) {
        // Multipart bodies are fields, not a JSON payload file: the library tests cover them.
        if (mediaType !== 'application/json') continue;
        for (const [name, value] of examplesOf(api, media)) addTo(groups, [...base, ...targetArgs('request', mediaType)], payloadFile(value), `${op.operationId} request "${name}"`);
      }
      for (const [status, raw] of Object.entries<any>(op.operation.responses)) {
        for (const [mediaType, media] of Object.entries<any>(deref(api, raw).content ?? {})) {
          if (!/json|event-stream/.test(mediaType)) continue;
          for (const [name, value] of examplesOf(api, media)) {
            if (streams[mediaType]) {
              // An example item alone, framed (and terminated where the stream has a terminator).
              const terminator = streams[mediaType]!.terminator;
              const text = transcriptOf(value, mediaType, streams[mediaType]!.eventFromType) + (terminator ? (mediaType === 'text/event-stream' ? `data: ${terminator}\n\n` : `${terminator}\n`) : '');
              addTo(groups, [...base, ...targetArgs('stream', mediaType)], payloadFile(text, 'txt'), `${op.operationId} ${status} stream item "${name}"`);
            } else {
              addTo(groups, [...base, ...targetArgs('response', mediaType, Number(status))], payloadFile(value), `${op.operationId} ${status} ${mediaType} "${name}"`);
            }
          }
        }
      }
    }
    expect(groups.size).toBeGreaterThan(0);
    for (const group of groups.values()) {
      const { code, stdout, stderr } = await inProcess([...group.args, ...group.files.map((f) => f.file)]);
      expect(stderr, group.args.join(' ')).toBe('');
      const report = JSON.parse(stdout) as Report;
      for (const [i, file] of report.files.entries()) expect(file.violations.map((v) => v.message), group.files[i]!.label).toEqual([]);
      expect(code).toBe(0);
      expect(report.summary).toEqual({ files: group.files.length, valid: group.files.length, invalid: 0 });
    }
  });
});

describe.each(apiNames)('%s: every negative case fails through sambakit validate at the field it breaks', (api) => {
  it('exits 1, each file invalid with its first violation at the broken field', async () => {
    const groups = new Map<string, Group>();
    const expectations = new Map<string, string>();
    for (const c of negativeCases(api)) {
      const { payload, mediaType } = negativePayload(api, c);
      if (mediaType.startsWith('multipart/')) continue;
      const target = c.target ?? 'request';
      const framing: { eventFromType?: boolean } | undefined = getOperation(api, c.operationId).operation.streams[mediaType];
      const file = target === 'stream' ? payloadFile(transcriptOf(payload, mediaType, framing?.eventFromType), 'txt') : payloadFile(payload);
      const prefix = target === 'stream' ? '/items/0' : '/body';
      expectations.set(file, `${prefix}${c.expectPath}`);
      addTo(groups, ['--api', api, '--op', c.operationId, '--format', 'json', ...targetArgs(target, mediaType, c.status)], file, `${c.operationId}: ${c.name}`);
    }
    expect(groups.size).toBeGreaterThan(0);
    for (const group of groups.values()) {
      const { code, stdout } = await inProcess([...group.args, ...group.files.map((f) => f.file)]);
      const report = JSON.parse(stdout) as Report;
      expect(code).toBe(1);
      for (const [i, file] of report.files.entries()) {
        const label = group.files[i]!.label;
        const expected = expectations.get(group.files[i]!.file)!;
        expect(file.valid, label).toBe(false);
        // The terminator missing from a one-item transcript is not what this case is about.
        const first = file.violations.find((v) => v.rule !== 'terminator')!;
        expect(first.path === expected || first.path.startsWith(`${expected}/`), `${label}: first violation should be at ${expected}; got ${first.message}`).toBe(true);
      }
    }
  });
});

describe('sambakit validate (the process)', () => {
  const seed = (path: string) => `${repoRoot}test/fixtures/seeds/${path}`;

  it('--help lists every flag', async () => {
    const { code, stdout } = await runTs(cli, ['validate', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--api', '--op', '--method', '--url', '--response', '--status', '--stream', '--media-type', '--format', 'FILE|DIR|-']) expect(stdout).toContain(flag);
  });

  it('several files: a line per file (violations one per line: location, expected, what came) and one summary line; exit 1', async () => {
    const bad = payloadFile({ model: 'gpt-oss-120b', messages: [{ role: 'user', content: 'hi' }], temperature: 7 });
    const { code, stdout, stderr } = await runTs(cli, ['validate', '--api', 'cloud', '--op', 'createChatCompletion', seed('sambanova-cloud/chat-request-messages.json'), bad]);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout.trim().split('\n')).toEqual([
      `${seed('sambanova-cloud/chat-request-messages.json')}: valid`,
      `${bad}: /body/temperature: expected a number <= 2, received 7 (maximum)`,
      `${bad}: invalid, 1 violation`,
      '2 files, 1 valid, 1 invalid',
    ]);
  });

  it('reads stdin (- or no file), finds the operation by --method and --url, and bad JSON is a json violation with exit 1', async () => {
    const ok = await pipe(['validate', '--method', 'POST', '--url', 'https://api.sambanova.ai/v1/chat/completions', '-'], readFileSync(seed('sambanova-cloud/chat-request-messages.json')));
    expect(ok.stdout).toBe('stdin: valid\n');
    expect(ok.code).toBe(0);
    const broken = await pipe(['validate', '--api', 'lmi', '--op', 'createChatCompletion'], Buffer.from('{"messages": ['));
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^stdin: \/: expected a payload of JSON text, received ".*" \(json\)\nstdin: invalid, 1 violation\n$/);
  });

  it('checks a response by status, and --format json is one document', async () => {
    const { code, stdout } = await runTs(cli, ['validate', '--api', 'lmi', '--op', 'createChatCompletion', '--response', '--status', '200', '--format', 'json', seed('lmi/chat-response.json')]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report & { target: string; status: number };
    expect(report).toMatchObject({ api: 'lmi', operationId: 'createChatCompletion', target: 'response', status: 200, valid: true, summary: { files: 1, valid: 1, invalid: 0 } });
  });

  it('stream framing: a whole transcript passes; cut before [DONE], data after it, a malformed item and an item breaking its schema each fail where they happen', async () => {
    const good = readFileSync(seed('sambanova-cloud/chat-stream-usage.sse'), 'utf8');
    const item = JSON.parse(/^data: (.*)$/m.exec(good)![1]!) as Record<string, unknown>;
    const event = (value: unknown) => `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;
    const files = {
      good: payloadFile(good, 'sse'),
      truncated: payloadFile(event(item), 'sse'),
      afterTerminator: payloadFile(event(item) + event('[DONE]') + event(item), 'sse'),
      malformed: payloadFile(event(item) + event('{"id": "x", ') + event('[DONE]'), 'sse'),
      schema: payloadFile(event(item) + event({ ...item, object: 'chat.completion' }) + event('[DONE]'), 'sse'),
    };
    const { code, stdout } = await runTs(cli, ['validate', '--api', 'sambanova-cloud', '--op', 'createChatCompletion', '--stream', '--format', 'json', ...Object.values(files)]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as Report;
    const rules = report.files.map((f) => f.violations.map((v) => [v.path, v.rule]));
    expect(report.files[0]).toMatchObject({ valid: true, items: 1, terminated: true });
    expect(rules[1]).toEqual([['/items/1', 'terminator']]);
    expect(rules[2]).toEqual([['/items/1', 'afterTerminator']]);
    expect(rules[3]![0]).toEqual(['/items/1', 'json']);
    expect(rules[4]).toEqual([['/items/1/object', 'enum']]);
    expect(report.summary).toEqual({ files: 5, valid: 1, invalid: 4 });
  });

  // Five real processes: started together (each mostly waits on the machine), with a timeout for a
  // loaded machine; what each one must say is unchanged.
  it('usage errors exit 2 on stderr naming the culprit', async () => {
    const locked = payloadFile({});
    chmodSync(locked, 0o000);
    const canLock = process.getuid?.() !== 0;
    const [unknownApi, unknownOp, missing, unreadable, noRoute] = await Promise.all([
      runTs(cli, ['validate', '--api', 'openai', '--op', 'x'], { timeoutMs: usageTimeoutMs }),
      runTs(cli, ['validate', '--api', 'cloud', '--op', 'createChatCompletions'], { timeoutMs: usageTimeoutMs }),
      runTs(cli, ['validate', '--api', 'cloud', '--op', 'createChatCompletion', join(dir, 'nope.json')], { timeoutMs: usageTimeoutMs }),
      canLock ? runTs(cli, ['validate', '--api', 'cloud', '--op', 'createChatCompletion', locked], { timeoutMs: usageTimeoutMs }) : undefined,
      runTs(cli, ['validate', '--method', 'GET', '--url', '/nowhere'], { timeoutMs: usageTimeoutMs }),
    ]);
    expect(unknownApi.code).toBe(2);
    expect(unknownApi.stderr).toContain('unknown API "openai"; use one of: sambastudio, sambanova-cloud, lmi');
    expect(unknownOp.code).toBe(2);
    expect(unknownOp.stderr).toContain('sambanova-cloud has no operation "createChatCompletions"; did you mean "createChatCompletion"?');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read ${join(dir, 'nope.json')}: no such file`);
    expect(missing.stdout).toBe('');
    if (unreadable) {
      expect(unreadable.code).toBe(2);
      expect(unreadable.stderr).toContain(`cannot read ${locked}`);
    }
    expect(noRoute.code).toBe(2);
    expect(noRoute.stderr).toContain('no operation answers GET /nowhere');
  }, usageTimeoutMs);

  it('a directory is its files', async () => {
    const recorded = join(dir, 'recorded');
    mkdirSync(recorded);
    writeFileSync(join(recorded, 'a.json'), readFileSync(seed('lmi/chat-request.json')));
    writeFileSync(join(recorded, 'b.json'), readFileSync(seed('lmi/chat-request-message.json')));
    const { code, stdout } = await runTs(cli, ['validate', '--api', 'lmi', '--op', 'createChatCompletion', recorded]);
    expect(stdout.trim().split('\n')).toEqual([`${join(recorded, 'a.json')}: valid`, `${join(recorded, 'b.json')}: valid`, '2 files, 2 valid, 0 invalid']);
    expect(code).toBe(0);
  });

  it('reads a 200 MB JSON-lines transcript from stdin in constant memory (peak RSS against a 1 MB run, not time)', async () => {
    const line = Buffer.from(`${readFileSync(seed('sambastudio/generic-stream.jsonl'), 'utf8').split('\n')[0]!}\n`);
    const small = await peakOfStream(line, 1024 * 1024);
    const large = await peakOfStream(line, 200 * 1024 * 1024);
    expect(large.items).toBeGreaterThan(small.items * 150);
    // Node, tsx and every API's validators weigh the same in both runs; 200 MB of input adds next to nothing.
    expect((large.peakKb - small.peakKb) / 1024).toBeLessThan(48);
  }, 600_000);
});

/** Pipes `total` bytes of `line` repeated into `sambakit validate --stream -` and samples the process's peak RSS (VmHWM). */
async function peakOfStream(line: Buffer, total: number): Promise<{ peakKb: number; items: number }> {
  const batch = Buffer.concat(Array.from({ length: Math.ceil(65536 / line.length) }, () => line));
  // A heap capped near what the command needs makes the collector run as it goes: with room to spare,
  // V8 sometimes let garbage reach 130-150 MB before collecting. A command that kept its input would
  // now die of it instead.
  const child = spawn(process.execPath, ['--max-old-space-size=64', ...withTsx, cli, 'validate', '--api', 'sambastudio', '--op', 'genericPredictStream', '--stream', '--format', 'json', '-'], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let peakKb = 0;
  const readPeak = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // The process has exited: its last reading stands.
    }
  };
  const poll = setInterval(readPeak, 50);
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  let sent = 0;
  const write = async () => {
    while (sent < total) {
      sent += batch.length;
      if (!child.stdin.write(batch)) await new Promise((resolve) => child.stdin.once('drain', resolve));
    }
    // The last reading before the input ends (the process may exit before the next sample).
    readPeak();
    child.stdin.end();
  };
  const [code] = await Promise.all([new Promise<number | null>((resolve) => child.on('close', resolve)), write()]);
  clearInterval(poll);
  const report = JSON.parse(stdout) as Report;
  expect(code).toBe(0);
  expect(report.files[0]!.items).toBe(Math.floor(sent / line.length));
  expect(peakKb).toBeGreaterThan(0);
  return { peakKb, items: report.files[0]!.items! };
}

function pipe(args: string[], input: Buffer): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...withTsx, cli, ...args], { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
