import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServeArgs } from '../../src/cli/commands/serve.js';
import { repoRoot } from '../helpers/spec.js';
import { runTs, withTsx } from '../helpers/run.js';

const cli = `${repoRoot}src/cli/index.ts`;

function startCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; listening: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, [...withTsx, cli, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${output}`)));
  });
  return { child, listening, output: () => output };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));
}

describe('sambakit serve', () => {
  const children: ChildProcess[] = [];
  afterEach(() => children.splice(0).forEach((c) => c.kill('SIGKILL')));

  it('prints "listening on http://H:P", serves /api/docs, and exits 0 on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const { child, listening } = startCli(['serve', '--port', '0']);
      children.push(child);
      const url = await listening;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/api/docs`)).status).toBe(200);
      child.kill(signal);
      expect(await exitCode(child)).toBe(0);
    }
  });

  it('SIGTERM with a stream open: the stream ends with an in-stream error and the process exits 0', async () => {
    const { child, listening } = startCli(['serve', '--port', '0', '--ttft-ms', '0', '--tokens-per-second', '2']);
    children.push(child);
    const url = await listening;
    const response = await fetch(`${url}/lmi/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json', accept: 'application/jsonlines' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Tell me a long story' }], stream: true, max_tokens: 200 }),
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    child.kill('SIGTERM');
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    const lines = text.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ code: 424, error: expect.stringMatching(/shutting down/) });
    expect(await exitCode(child)).toBe(0);
  });

  it('--api-key (or SAMBAKIT_API_KEY) lets only that key through, and the banner says which mode is on', async () => {
    const open = startCli(['serve', '--port', '0']);
    children.push(open.child);
    await open.listening;
    expect(open.output()).toContain('any non-empty key passes');
    expect(open.output()).toContain('except on LMI, which checks no key');
    expect(open.output()).toMatch(/docs site: http:\/\/127\.0\.0\.1:\d+\/docs/);

    const keyed = startCli(['serve', '--port', '0'], { SAMBAKIT_API_KEY: 'right-key' });
    children.push(keyed.child);
    const url = await keyed.listening;
    expect(keyed.output()).toContain('only the configured API key passes');
    const call = (key: string) =>
      fetch(`${url}/api/predict/generic/p/e`, { method: 'POST', headers: { key, 'content-type': 'application/json', 'x-sambakit-fault': 'server-error' }, body: JSON.stringify({ instances: ['hi'] }) });
    expect((await call('wrong-key')).status).toBe(401);
    expect((await call('right-key')).status).toBe(500);
    expect(keyed.output()).not.toContain('right-key');
    expect(keyed.output()).not.toContain('wrong-key');
  });

  it('takes its default port from PORT', async () => {
    const probe = createServer();
    const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)));
    await new Promise((resolve) => probe.close(resolve));
    const { child, listening } = startCli(['serve'], { PORT: String(port) });
    children.push(child);
    expect(await listening).toBe(`http://127.0.0.1:${port}`);
  });

  it('a port in use is a clear error and exit 2', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const result = await runTs(cli, ['serve', '--port', String(port)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('--headers-timeout-ms reaches the server: a silent connection gets 408 and is closed', async () => {
    const { child, listening } = startCli(['serve', '--port', '0', '--headers-timeout-ms', '300', '--request-timeout-ms', '1000', '--body-idle-timeout-ms', '200']);
    children.push(child);
    const url = new URL(await listening);
    const silent = connect({ host: url.hostname, port: Number(url.port) });
    let received = '';
    silent.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    await new Promise((resolve) => silent.once('close', resolve));
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('rejects a timeout of 0 and a request timeout shorter than the headers timeout, exit 2', async () => {
    const zero = await runTs(cli, ['serve', '--headers-timeout-ms', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--headers-timeout-ms expects a whole number from 1 to');
    const shorter = await runTs(cli, ['serve', '--headers-timeout-ms', '5000', '--request-timeout-ms', '1000']);
    expect(shorter.code).toBe(2);
    expect(shorter.stderr).toContain('--request-timeout-ms must be at least --headers-timeout-ms');
  });

  it('rejects a --cors entry that is not an origin, naming it and the form expected, exit 2', async () => {
    const empty = await runTs(cli, ['serve', '--cors', ';;']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--cors expects *, off, or a comma-separated list of origins like https://app.example.com:8443, got ";;"');
    const path = await runTs(cli, ['serve', '--cors', 'http://a.example, https://b.example/app']);
    expect(path.code).toBe(2);
    expect(path.stderr).toContain('got "https://b.example/app" (did you mean "https://b.example"?)');
    expect(parseServeArgs(['--cors', 'http://a.example, https://b.example:8443'], {}).cors).toEqual(['http://a.example', 'https://b.example:8443']);
    expect(() => parseServeArgs(['--cors', 'http://a.example,'], {})).toThrow('got ""');
  });

  it('rejects bad flags with the usage line and exit 2', async () => {
    const bad = await runTs(cli, ['serve', '--port', 'eighty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port expects a whole number from 0 to 65535, got "eighty"');
    const unknown = await runTs(cli, ['serve', '--prot', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/usage: sambakit serve/);
    const command = await runTs(cli, ['serv']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('unknown command "serv"');
  });
});
