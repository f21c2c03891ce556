import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseProxyArgs } from '../../src/cli/commands/proxy.js';
import { UsageError } from '../../src/cli/run-command.js';
import { repoRoot } from '../helpers/spec.js';
import { runTs, withTsx } from '../helpers/run.js';
import { useServer } from '../helpers/server.js';
import { tlsFixtures, tlsTerminator } from '../proxy/helpers.js';

const cli = `${repoRoot}src/cli/index.ts`;
const caFile = fileURLToPath(new URL('ca.pem', tlsFixtures));
const server = useServer();
const key = 'sk-cli-proxy-RECOGNISABLE-91c2';

function startProxyCli(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; listening: Promise<{ url: string; target: string }>; stderr: () => string } {
  const child = spawn(process.execPath, [...withTsx, cli, 'proxy', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listening = new Promise<{ url: string; target: string }>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const match = /listening on (http:\/\/\S+) -> (\S+)/.exec(stdout);
      if (match) resolve({ url: match[1]!, target: match[2]! });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${stdout}${stderr}`)));
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, listening, stderr: () => stderr };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));
}

const chat = (base: string, body: Record<string, unknown>) =>
  fetch(`${base}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4, ...body }),
  });

describe('sambakit proxy', () => {
  const children: ChildProcess[] = [];
  afterEach(() => children.splice(0).forEach((c) => c.kill('SIGKILL')));

  it('--help lists every flag and exits 0', async () => {
    const { code, stdout } = await runTs(cli, ['proxy', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--api', '--target', '--target-ca', '--host', '--port', '--strict', '--log', '--upstream-timeout', '--body-timeout', '--check-limit']) expect(stdout).toContain(flag);
    expect((await runTs(cli, ['--help'])).stdout).toContain('proxy --api');
  });

  // Parsed in-process (a process per case costs seconds each on a loaded machine); one goes through the CLI for the exit code.
  it.each([
    [['--target', 'http://127.0.0.1:1'], /--api is required/],
    [['--api', 'openai', '--target', 'http://127.0.0.1:1'], /unknown API "openai"; use one of: sambastudio, sambanova-cloud, lmi \(aliases: cloud, studio, djl\)/],
    [['--api', 'lmi'], /--target is required/],
    [['--api', 'lmi', '--target', 'not a url'], /--target "not a url" is not a URL/],
    [['--api', 'lmi', '--target', 'ftp://host'], /--target must be http:\/\/ or https:\/\//],
    [['--api', 'lmi', '--target', 'http://h/?q=1'], /--target takes no query/],
    [['--api', 'lmi', '--target', 'http://h', '--port', '70000'], /--port expects a whole number from 0 to 65535, got "70000"/],
    [['--api', 'lmi', '--target', 'http://h', '--upstream-timeout', '0'], /--upstream-timeout expects a whole number from 1/],
    [['--api', 'lmi', '--target', 'http://h', '--body-timeout', '1.5'], /--body-timeout expects a whole number from 1 to 2147483647, got "1.5"/],
    [['--api', 'lmi', '--target', 'http://h', '--log', ' '], /--log expects a file name/],
    [['--api', 'lmi', '--target', 'http://h', '--bogus'], /Unknown option '--bogus'/],
    [['--api', 'lmi', '--target', 'http://h', '--target-ca', caFile], /--target-ca applies to an https:\/\/ target; http:\/\/h is not one/],
    [['--api', 'lmi', '--target', 'https://h', '--target-ca', '/nonexistent/ca.pem'], /--target-ca \/nonexistent\/ca\.pem: ENOENT/],
    [['--api', 'lmi', '--target', 'https://h', '--target-ca', cli], /--target-ca .*: no PEM certificate in it/],
  ])('usage error %j names the culprit', (args, message) => {
    expect(() => parseProxyArgs(args)).toThrow(UsageError);
    expect(() => parseProxyArgs(args)).toThrow(message);
  });

  it('takes the short API names validate takes', () => {
    expect(parseProxyArgs(['--api', 'cloud', '--target', 'http://h']).api).toBe('sambanova-cloud');
    expect(parseProxyArgs(['--api', 'Studio', '--target', 'http://h']).api).toBe('sambastudio');
  });

  it('a usage error exits 2 with the message and the usage; a log file that cannot be opened too', async () => {
    const { code, stderr } = await runTs(cli, ['proxy', '--api', 'openai', '--target', 'http://127.0.0.1:1']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown API "openai"/);
    expect(stderr).toContain('usage: sambakit proxy');
    const unwritable = await runTs(cli, ['proxy', '--api', 'lmi', '--target', 'http://127.0.0.1:1', '--log', '/nonexistent-dir/x.jsonl']);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/--log \/nonexistent-dir\/x\.jsonl: ENOENT/);
  });

  it('forwards, logs violations as JSON lines to --log without the key, and on SIGINT writes the summary and exits 1 (violations seen)', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'sambakit-proxy-')), 'violations.jsonl');
    const { child, listening, stderr } = startProxyCli(['--api', 'sambanova-cloud', '--target', `${server.url}/cloud/v1`, '--port', '0', '--log', log]);
    children.push(child);
    const { url, target } = await listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(target).toBe(`${server.url}/cloud/v1`);
    expect((await chat(url, {})).status).toBe(200);
    const invalid = await chat(url, { temperature: key });
    expect(invalid.status).toBe(400);
    await invalid.text();
    child.kill('SIGINT');
    expect(await exitCode(child)).toBe(1);
    const text = readFileSync(log, 'utf8');
    expect(text).not.toContain(key);
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ kind: 'violation', operation: 'createChatCompletion', direction: 'request', pointer: '/body/temperature', rule: 'type', received: '[redacted]' });
    expect(lines.at(-1)).toMatchObject({ kind: 'summary', requests: 2, violations: 1, violationsByOperation: { createChatCompletion: { type: 1 } } });
    expect(stderr()).toMatch(/sambakit proxy summary .*: 2 request\(s\), 1 violation\(s\)/);
    expect(stderr()).not.toContain(key);
  });

  it('without --log, records go to stderr; SIGTERM with no violation exits 0 with the summary', async () => {
    const { child, listening, stderr } = startProxyCli(['--api', 'sambanova-cloud', '--target', `${server.url}/cloud/v1`, '--port', '0', '--strict']);
    children.push(child);
    const { url } = await listening;
    const refused = await chat(url, { temperature: 9 });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('value_above_max_value');
    child.kill('SIGTERM');
    // Refused under --strict: still a violation, so exit 1.
    expect(await exitCode(child)).toBe(1);
    expect(stderr()).toContain('"kind":"violation"');
    expect(stderr()).toMatch(/1 rejected \(--strict\)/);

    const quiet = startProxyCli(['--api', 'sambanova-cloud', '--target', `${server.url}/cloud/v1`, '--port', '0']);
    children.push(quiet.child);
    const { url: quietUrl } = await quiet.listening;
    expect((await chat(quietUrl, {})).status).toBe(200);
    quiet.child.kill('SIGTERM');
    expect(await exitCode(quiet.child)).toBe(0);
    expect(quiet.stderr()).toMatch(/1 request\(s\), 0 violation\(s\)/);
  });

  it('an https target with a private CA: trusted with --target-ca, or with NODE_EXTRA_CA_CERTS', async () => {
    const tls = await tlsTerminator(server.url);
    try {
      const target = `https://localhost:${tls.port}/cloud/v1`;
      const withFlag = startProxyCli(['--api', 'sambanova-cloud', '--target', target, '--target-ca', caFile, '--port', '0']);
      const withEnv = startProxyCli(['--api', 'sambanova-cloud', '--target', target, '--port', '0'], { ...process.env, NODE_EXTRA_CA_CERTS: caFile });
      children.push(withFlag.child, withEnv.child);
      for (const proxy of [withFlag, withEnv]) {
        const { url } = await proxy.listening;
        const answer = await chat(url, {});
        expect(answer.status).toBe(200);
        await answer.text();
        proxy.child.kill('SIGTERM');
        expect(await exitCode(proxy.child)).toBe(0);
        expect(proxy.stderr()).toMatch(/1 request\(s\), 0 violation\(s\)/);
      }
    } finally {
      await tls.close();
    }
  });
});
