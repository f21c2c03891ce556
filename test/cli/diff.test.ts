import { describe, expect, it } from 'vitest';
import { toText } from '../../src/diff/report.js';
import { repoRoot } from '../helpers/spec.js';
import { run, withTsx } from '../helpers/run.js';
import { useServer } from '../helpers/server.js';

const cli = `${repoRoot}src/cli/index.ts`;
const corpus = 'test/diff/corpus';
const diff = (...args: string[]) => run(process.execPath, [...withTsx, cli, 'diff', ...args]);

// Each case spawns the CLI (a TypeScript entry point): slow on a loaded machine, hence the time limit.
describe('sambakit diff', { timeout: 240_000 }, () => {
  const server = useServer();

  it('a breaking change: exit 1, breaking findings first, each under its operation with the rule and both pointers', async () => {
    const { code, stdout, stderr } = await diff(`${corpus}/response-status/breaking/old.yaml`, `${corpus}/response-status/breaking/new.yaml`);
    expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
    expect(stdout).toBe(
      [
        `${corpus}/response-status/breaking/old.yaml -> ${corpus}/response-status/breaking/new.yaml`,
        '1 breaking, 1 non-breaking change',
        '',
        'BREAKING',
        '  GET /models (listModels)',
        '    response 200: status 200 was removed  [response-status-removed]',
        '      old #/paths/~1models/get/responses/200',
        '      new #/paths/~1models/get/responses',
        '',
        'NON-BREAKING',
        '  GET /models (listModels)',
        '    response 201: status 201 was added  [response-status-added]',
        '      old #/paths/~1models/get/responses',
        '      new #/paths/~1models/get/responses/201',
        '',
      ].join('\n'),
    );
  });

  it('--format json: a stable document with the counts and every finding; exit 0 when nothing breaks', async () => {
    const { code, stdout } = await diff(`${corpus}/security/non-breaking/old.yaml`, `${corpus}/security/non-breaking/new.yaml`, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ version: 1, old: `${corpus}/security/non-breaking/old.yaml`, new: `${corpus}/security/non-breaking/new.yaml`, breaking: 0, nonBreaking: 2 });
    expect(report.findings[0]).toEqual({
      rule: 'security-relaxed',
      breaking: false,
      operation: { method: 'POST', path: '/chat', operationId: 'chat' },
      location: 'security',
      message: 'bearer (http bearer) -> bearer (http bearer) or apiKey (apiKey in header x-api-key): every credential that worked still works',
      old: '/security',
      new: '/paths/~1chat/post/security',
    });
  });

  it('bad input: exit 2 with one line on stderr naming the culprit, nothing on stdout', async () => {
    const cases = [
      [['git:no-such-ref:spec/lmi.yaml', 'spec/lmi.yaml'], 'sambakit: git:no-such-ref: unknown git revision "no-such-ref"'],
      [['spec/lmi.yaml', 'README.md'], 'sambakit: README.md: not valid YAML or JSON'],
      [['package.json', 'spec/lmi.yaml'], 'sambakit: package.json: not an OpenAPI document'],
    ] as const;
    const results = await Promise.all(cases.map(([args]) => diff(...args)));
    for (const [i, [, line]] of cases.entries()) {
      const { code, stdout, stderr } = results[i]!;
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr.split('\n')).toHaveLength(2);
      expect(stderr).toContain(line);
    }
  });

  it('--help lists every flag; wrong flags are usage errors (exit 2)', async () => {
    const [help, wrong, noPage] = await Promise.all([diff('--help'), diff('a.yaml', 'b.yaml', '--format', 'xml'), diff('spec/lmi.yaml', 'spec/lmi.yaml', '--api', 'lmi')]);
    expect(help.code).toBe(0);
    for (const flag of ['--format text|json', '--api NAME', '-h, --help', 'git:REF:path', 'NO_COLOR', 'exit 0']) expect(help.stdout).toContain(flag);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('sambakit: --format expects text or json, got "xml"');
    expect(noPage.code).toBe(2);
    expect(noPage.stderr).toContain('sambakit: --api picks a spec of a Swagger UI page, but neither OLD nor NEW is one');
  });

  it('compares this spec with a live host: the Swagger UI page of the reference server, picking the API with --api', async () => {
    const [same, unpicked] = await Promise.all([diff('spec/sambanova-cloud.yaml', `${server.url}/api/docs`, '--api', 'sambanova-cloud'), diff('spec/sambanova-cloud.yaml', `${server.url}/api/docs`)]);
    expect(same.code).toBe(0);
    expect(same.stdout).toBe(`spec/sambanova-cloud.yaml -> ${server.url}/api/docs -> ${server.url}/api/docs/sambanova-cloud.json\nno changes to the API's operations\n`);
    expect(unpicked.code).toBe(2);
    expect(unpicked.stderr).toBe(`sambakit: ${server.url}/api/docs: the page lists 3 specs; pick one with --api: sambastudio ("SambaStudio"), sambanova-cloud ("SambaNova Cloud"), lmi ("DJL LMI")\n`);
  });

  it('colours only when asked (the CLI asks when stdout is a terminal and NO_COLOR is unset)', () => {
    const input = { old: 'a', new: 'b', breaking: 1, nonBreaking: 0, findings: [{ rule: 'path-removed' as const, breaking: true, operation: { method: 'GET', path: '/x' }, location: 'path', message: '/x was removed', old: '/paths/~1x/get', new: '/paths' }] };
    expect(toText(input, { color: false })).not.toMatch(/\x1b\[/);
    expect(toText(input, { color: true })).toContain('\x1b[31m');
  });
});
