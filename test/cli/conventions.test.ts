/**
 * The conventions every `sambakit` command keeps, checked command by command: `--help` on stdout
 * with the exit codes, exit 0 / 1 / 2 as documented, a bad flag as one `sambakit: ...` line on stderr
 * (then the usage) and nothing on stdout, never a stack trace, `--format json` where the output is
 * data, and colour only on a terminal without NO_COLOR.
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, withTsx, type RunResult } from '../helpers/run.js';
import { repoRoot } from '../helpers/spec.js';

const cli = `${repoRoot}src/cli/index.ts`;
const sambakit = (args: string[], env: NodeJS.ProcessEnv = {}) => run(process.execPath, [...withTsx, cli, ...args], { env });
const breaking = ['test/diff/corpus/response-status/breaking/old.yaml', 'test/diff/corpus/response-status/breaking/new.yaml'];
const scratch = mkdtempSync(join(tmpdir(), 'sambakit-cli-conventions-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A usage error: one `sambakit:` line first, the usage after it, nothing on stdout, exit 2, no stack. */
function expectUsageError(result: RunResult, command: string) {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n')[0]).toMatch(/^sambakit: \S/);
  expect(result.stderr).toContain(`usage: sambakit ${command}`);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

const commands = ['serve', 'validate', 'diff', 'proxy'] as const;

describe('sambakit CLI conventions', { timeout: 240_000 }, () => {
  it.each(commands)('%s --help: usage and exit codes on stdout, exit 0', async (command) => {
    for (const flag of ['--help', '-h']) {
      const result = await sambakit([command, flag]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(new RegExp(`^usage: sambakit ${command} `));
      expect(result.stdout).toMatch(/exit 0 .*2 usage error/);
    }
  });

  it.each(commands)('%s with an unknown flag: a usage error, exit 2', async (command) => {
    expectUsageError(await sambakit([command, '--no-such-flag']), command);
  });

  it('sambakit alone, --help and --version: usage on stderr (exit 2) without a command, on stdout with --help; the version', async () => {
    const [bare, help, version, unknown] = await Promise.all([sambakit([]), sambakit(['--help']), sambakit(['--version']), sambakit(['serv'])]);
    expect({ code: bare.code, stdout: bare.stdout }).toEqual({ code: 2, stdout: '' });
    expect(bare.stderr).toContain('usage: sambakit <command>');
    expect(help.code).toBe(0);
    for (const command of commands) expect(help.stdout).toContain(`  sambakit ${command} `);
    for (const word of ['exit codes', 'NO_COLOR', '--format json', '--version']) expect(help.stdout).toContain(word);
    // Every flag of every command's usage, the lines that continue its first included.
    for (const flag of ['--lmi-context-tokens', '--body-idle-timeout-ms', '--check-limit', '--media-type']) expect(help.stdout).toContain(flag);
    expect(version).toMatchObject({ code: 0, stdout: `${(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version}\n`, stderr: '' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe('sambakit: unknown command "serv"');
  });

  it('validate: exit 0 valid, 1 invalid, 2 unreadable input; --format json is one document on stdout', async () => {
    const good = join(scratch, 'good.json');
    const bad = join(scratch, 'bad.json');
    writeFileSync(good, JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
    writeFileSync(bad, JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 5 }));
    const op = ['validate', '--api', 'sambanova-cloud', '--op', 'createChatCompletion'];
    const [valid, invalid, json, missing] = await Promise.all([sambakit([...op, good]), sambakit([...op, bad]), sambakit([...op, '--format', 'json', good, bad]), sambakit([...op, join(scratch, 'missing.json')])]);
    expect(valid.code, valid.stderr).toBe(0);
    expect(invalid.code, invalid.stderr).toBe(1);
    expect(invalid.stdout).toContain('/body/temperature');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ files: expect.any(Array) });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim().split('\n')[0]).toMatch(/^sambakit: .*missing\.json/);
    expect(missing.stderr).not.toMatch(/^\s+at /m);
  });

  it('diff: exit 1 on a breaking change, 2 on a missing file (one line on stderr); --format json parses', async () => {
    const [json, missing] = await Promise.all([sambakit(['diff', ...breaking, '--format', 'json']), sambakit(['diff', breaking[0]!, join(scratch, 'nowhere.yaml')])]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ breaking: 1 });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^sambakit: .*nowhere\.yaml/);
  });

  it('serve and proxy: a port in use or a bad target is one line on stderr, exit 2', async () => {
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = String((taken.address() as { port: number }).port);
    try {
      const [serve, proxy] = await Promise.all([sambakit(['serve', '--port', port]), sambakit(['proxy', '--api', 'lmi', '--target', 'ftp://example', '--port', '0'])]);
      expect(serve.code).toBe(2);
      expect(serve.stdout).toBe('');
      expect(serve.stderr.trim().split('\n')).toHaveLength(1);
      expect(serve.stderr).toMatch(new RegExp(`^sambakit: .*${port}`));
      expectUsageError(proxy, 'proxy');
    } finally {
      taken.close();
    }
  });

  // `script` gives the command a terminal, which is when colour may appear at all.
  it.runIf(process.platform === 'linux')('diff colours its text only on a terminal, and never with NO_COLOR set', async () => {
    const onTerminal = (env: NodeJS.ProcessEnv) =>
      run('script', ['-qec', [process.execPath, ...withTsx, cli, 'diff', ...breaking].map((a) => `'${a}'`).join(' '), '/dev/null'], { env });
    const [coloured, noColor, piped] = await Promise.all([onTerminal({ NO_COLOR: undefined }), onTerminal({ NO_COLOR: '1' }), sambakit(['diff', ...breaking], { NO_COLOR: undefined })]);
    const ansi = /\x1b\[/;
    expect(coloured.stdout).toMatch(ansi);
    expect(coloured.stdout).toContain('BREAKING');
    expect(noColor.stdout).toContain('BREAKING');
    expect(noColor.stdout).not.toMatch(ansi);
    expect(piped.stdout).toContain('BREAKING');
    expect(piped.stdout).not.toMatch(ansi);
  });
});
