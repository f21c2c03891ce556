/**
 * What `npm pack` ships works as users will use it, installed in an empty folder with no access to
 * this tree: the `sambakit` command, every export (ESM at run time; types under `moduleResolution`
 * `node16` and `bundler`), the generated specs and validators, the docs site at `/docs`, and the
 * README's samples run against `sambakit serve` of the installed package.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/run.js';
import { repoRoot } from '../helpers/spec.js';
import { packAndInstall, packageJson, type Installed } from './installed.js';

/** The exports design.md promises; package.json may add more, never fewer. */
const promisedExports = ['.', './validate', './server', './streams', ...['sambastudio', 'sambanova-cloud', 'lmi'].flatMap((api) => [`./types/${api}`, `./spec/${api}.json`])];

const exportsByKind = Object.entries(packageJson.exports)
  .filter(([key]) => key !== './package.json')
  .map(([key, target]) => ({ specifier: `${packageJson.name}${key.slice(1)}`, key, json: key.endsWith('.json'), typesOnly: typeof target === 'object' && target.default === undefined }));

/** The README's code blocks of one language, unindented (some sit in list items). */
function readmeBlocks(lang: string): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  return [...readme.matchAll(new RegExp(`^( *)\`\`\`${lang}\\n([\\s\\S]*?)^\\1\`\`\``, 'gm'))].map(([, indent, code]) =>
    code!
      .split('\n')
      .map((line) => (line.startsWith(indent!) ? line.slice(indent!.length) : line))
      .join('\n'),
  );
}
const readmeTs = readmeBlocks('ts');
const readmeCurl = readmeBlocks('sh').filter((block) => block.includes('curl '));

/**
 * Loaded before each README sample: the samples name the real host or port 8080 as the README
 * shows them; their requests go to the installed server under test instead.
 */
const routeToServer = `const server = process.env.SAMBAKIT_SERVER;
const routes = [['https://api.sambanova.ai/', server + '/cloud/'], ['http://127.0.0.1:8080/', server + '/']];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const request = new Request(input, init);
  const route = routes.find(([from]) => request.url.startsWith(from));
  if (!route) throw new Error('a README sample called an unexpected host: ' + request.url);
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer();
  return realFetch(route[1] + request.url.slice(route[0].length), { method: request.method, headers: request.headers, body, signal: request.signal });
};
`;

function tsconfig(module: 'node16' | 'esnext', moduleResolution: 'node16' | 'bundler', outDir: string) {
  // skipLibCheck off: a declaration of the package that names a file it does not ship is an error.
  return JSON.stringify({ compilerOptions: { target: 'ES2022', module, moduleResolution, strict: true, skipLibCheck: false, types: ['node'], outDir, lib: ['ES2023', 'DOM'] }, include: ['check.ts', 'readme'] });
}

describe('the package as installed from npm pack', () => {
  let installed: Installed;

  /** tsc in the installed folder over check.ts (when written) and the README's samples, into out-<resolution>/. */
  async function compileSamples(module: 'node16' | 'esnext', moduleResolution: 'node16' | 'bundler') {
    mkdirSync(join(installed.dir, 'readme'), { recursive: true });
    readmeTs.forEach((code, i) => writeFileSync(join(installed.dir, 'readme', `sample-${i}.ts`), code));
    const config = `tsconfig.${moduleResolution}.json`;
    writeFileSync(join(installed.dir, config), tsconfig(module, moduleResolution, `out-${moduleResolution}`));
    return run(process.execPath, [join(installed.dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { cwd: installed.dir, timeoutMs: 240_000 });
  }

  beforeAll(async () => {
    installed = await packAndInstall();
  }, 900_000);
  afterAll(() => installed?.remove(), 120_000);

  it('ships the compiled code, the spec, the generated specs, types and validators, and the docs site, and no tests', () => {
    for (const api of ['sambastudio', 'sambanova-cloud', 'lmi']) {
      for (const file of ['openapi.json', 'openapi.yaml', 'schema.d.ts', 'validators.js', 'validators.d.ts', 'streams.js']) expect(installed.files, `${api}/${file}`).toContain(`generated/${api}/${file}`);
      expect(installed.files).toContain(`${api === 'sambanova-cloud' ? 'spec/sambanova-cloud.yaml' : `spec/${api}.yaml`}`);
      expect(installed.files).toContain(`site/api/${api}.html`);
    }
    for (const file of ['dist/cli/index.js', 'dist/client/index.d.ts', 'site/index.html', 'site/assets/redoc.standalone.js', 'README.md', 'package.json']) expect(installed.files).toContain(file);
    expect(installed.files.filter((f) => /^(test|bench|scripts|src|node_modules)\//.test(f))).toEqual([]);
  });

  it('ships every file the README and the guides link to, so no relative link is broken in the installed package', () => {
    const shipped = new Set(installed.files);
    const pages = installed.files.filter((f) => f === 'README.md' || /^docs\/[^/]+\.md$/.test(f));
    expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/client.md', 'docs/reference-server.md']));
    const broken = pages.flatMap((page) => {
      const text = readFileSync(join(installed.dir, 'node_modules', packageJson.name, page), 'utf8');
      const base = posix.dirname(page);
      return [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map(([, target]) => target!)
        .filter((target) => !/^[a-z]+:/i.test(target))
        .filter((target) => !shipped.has(posix.normalize(posix.join(base, target))))
        .map((target) => `${page} -> ${target}`);
    });
    expect(broken).toEqual([]);
  });

  it("ships Swagger UI's files itself, so installing it brings no swagger-ui-dist and no @scarf/scarf install script", () => {
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-ui.css', 'favicon-32x32.png', 'LICENSE', 'NOTICE']) expect(installed.files).toContain(`dist/swagger-ui/${file}`);
    expect(existsSync(join(installed.dir, 'node_modules', 'swagger-ui-dist'))).toBe(false);
    expect(existsSync(join(installed.dir, 'node_modules', '@scarf'))).toBe(false);
  });

  it('runs npx sambakit --help and --version', async () => {
    const [help, version] = await Promise.all([run('npx', ['sambakit', '--help'], { cwd: installed.dir }), run('npx', ['sambakit', '--version'], { cwd: installed.dir })]);
    expect(help.code, help.stderr).toBe(0);
    for (const command of ['serve', 'validate', 'diff', 'proxy']) expect(help.stdout).toContain(`sambakit ${command}`);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toBe(`${packageJson.version}\n`);
  }, 120_000);

  it('exports everything design.md promises', () => {
    expect(Object.keys(packageJson.exports)).toEqual(expect.arrayContaining(promisedExports));
  });

  it('imports every export with code in plain Node ESM, and the specs as JSON', async () => {
    const lines = exportsByKind
      .filter((e) => !e.typesOnly)
      .map((e, i) =>
        e.json
          ? `import m${i} from '${e.specifier}' with { type: 'json' }; loaded['${e.key}'] = m${i}.openapi;`
          : `import * as m${i} from '${e.specifier}'; loaded['${e.key}'] = Object.keys(m${i}).length;`,
      );
    writeFileSync(join(installed.dir, 'imports.mjs'), `const loaded = {};\n${lines.join('\n')}\nconsole.log(JSON.stringify(loaded));\n`);
    const result = await run(process.execPath, ['imports.mjs'], { cwd: installed.dir });
    expect(result.code, result.stderr).toBe(0);
    const loaded = JSON.parse(result.stdout) as Record<string, number | string>;
    for (const e of exportsByKind.filter((e) => !e.typesOnly)) {
      if (e.json) expect(loaded[e.key], e.key).toMatch(/^3\.1\./);
      else expect(loaded[e.key], `${e.key} exports nothing`).toBeGreaterThan(0);
    }
  }, 120_000);

  it.each([
    ['node16', 'node16'],
    ['esnext', 'bundler'],
  ] as const)('type-checks every export and the README samples with module %s, moduleResolution %s', async (module, moduleResolution) => {
    const imports = exportsByKind
      .filter((e) => !e.json)
      .map((e, i) => (e.typesOnly ? `import type * as t${i} from '${e.specifier}';\nexport type T${i} = keyof t${i}.paths;` : `export * as m${i} from '${e.specifier}';`));
    // Types that are really there, not `any`: a wrong option must be an error.
    const wrong = `import { SambaNovaCloud } from 'sambakit';\n// @ts-expect-error apiKey is a string\nnew SambaNovaCloud({ apiKey: 42 });`;
    writeFileSync(join(installed.dir, 'check.ts'), `${imports.join('\n')}\n${wrong}\n`);
    const result = await compileSamples(module, moduleResolution);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  }, 300_000);

  it('validates with the generated validators inside the package', async () => {
    const script = `import { getOperation, validateRequest } from 'sambakit/validate';
const op = getOperation('sambanova-cloud', 'createChatCompletion');
const good = validateRequest(op, { body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } });
const bad = validateRequest(op, { body: { model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 5 } });
console.log(JSON.stringify({ good: good.valid, bad: bad.violations.map((v) => v.path) }));`;
    writeFileSync(join(installed.dir, 'validate.mjs'), script);
    const result = await run(process.execPath, ['validate.mjs'], { cwd: installed.dir });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ good: true, bad: ['/body/temperature'] });
  }, 60_000);

  it("runs docs/proxy.md's CI step as printed: the app's tests through the proxy, and the job fails on the violation they caused", async () => {
    const proxyGuide = readFileSync(join(repoRoot, 'docs', 'proxy.md'), 'utf8');
    const step = /- name: app tests through the proxy[^\n]*\n\s*run: \|\n((?: {10}.*\n)+)/.exec(proxyGuide);
    expect(step, 'the CI step of docs/proxy.md').not.toBeNull();
    // The step as printed, on free ports instead of 8080 and 8090 (others may hold those here).
    const [servePort, proxyPort] = await Promise.all([freePort(), freePort()]);
    const script = step![1]!.replace(/^ {10}/gm, '').replaceAll('8080', String(servePort)).replaceAll('8090', String(proxyPort));
    // The application's `npm test`: one request that keeps to the spec and one that breaks it.
    writeFileSync(join(installed.dir, 'app-test.mjs'), `const send = (temperature) => fetch(process.env.SAMBANOVA_BASE_URL + '/chat/completions', { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4, temperature }) });
console.log('app statuses', (await send(0.5)).status, (await send(9)).status);`);
    const manifest = JSON.parse(readFileSync(join(installed.dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(installed.dir, 'package.json'), JSON.stringify({ ...manifest, scripts: { test: 'node app-test.mjs' } }));
    // GitHub's shell for a run step; in a group of its own, so that the server the step leaves running is stopped after it.
    const job = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: installed.dir, detached: true, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    job.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    job.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    // A proxy that never gets the step's SIGINT leaves `wait` waiting: this limit turns the hang into a failure.
    const code = await new Promise<number | string | null>((resolve) => {
      const hung = setTimeout(() => resolve('the step did not end'), 150_000);
      job.once('exit', (exitCode) => (clearTimeout(hung), resolve(exitCode)));
    });
    try {
      process.kill(-job.pid!, 'SIGKILL');
    } catch {
      // the group is gone already
    }
    expect(output).toContain('app statuses 200 400');
    expect(code, output).toBe(1);
    const records = readFileSync(join(installed.dir, 'violations.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { kind: string; pointer?: string });
    expect(records.filter((r) => r.kind === 'violation').map((r) => r.pointer)).toEqual(['/body/temperature']);
    expect(records.at(-1)?.kind).toBe('summary');
  }, 240_000);

  describe('sambakit serve from the installed package', () => {
    let server: ChildProcess;
    let url: string;
    const log: string[] = [];

    beforeAll(async () => {
      server = spawn(join(installed.dir, 'node_modules', '.bin', 'sambakit'), ['serve', '--port', '0', '--ttft-ms', '0', '--tokens-per-second', '100000'], { cwd: installed.dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const listening = /listening on (http:\/\/\S+)/.exec(out);
          if (listening) resolve(listening[1]!);
          log.push(...chunk.toString().split('\n').filter(Boolean));
        });
        server.once('exit', (code) => reject(new Error(`sambakit serve exited with ${code} before listening: ${out}`)));
      });
      // Compiled here too, so that these tests stand without the type-check ones.
      writeFileSync(join(installed.dir, 'route-to-server.mjs'), routeToServer);
      const compiled = await compileSamples('node16', 'node16');
      if (compiled.code !== 0) throw new Error(`the README samples do not compile against the installed package:\n${compiled.stdout}`);
    }, 300_000);
    afterAll(async () => {
      if (!server || server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }, 120_000);

    /** Statuses of the requests the server logged since `from` (its log line: method path status ms id). */
    const statusesSince = (from: number) => log.slice(from).map((line) => /^\S+ \S+ (\d{3}) /.exec(line)?.[1]).filter(Boolean).map(Number);

    it('serves the docs site at /docs and Swagger UI at /api/docs', async () => {
      for (const [path, text] of [
        ['/docs/', 'sambakit API docs'],
        ['/docs/api/lmi.html', 'redoc.standalone.js'],
        ['/api/docs', 'swagger'],
      ] as const) {
        const response = await fetch(`${url}${path}`);
        expect(response.status, path).toBe(200);
        expect((await response.text()).toLowerCase(), path).toContain(text.toLowerCase());
      }
      expect((await fetch(`${url}/docs/assets/redoc.standalone.js`)).status).toBe(200);
      const swaggerUi = await fetch(`${url}/api/docs/assets/swagger-ui-bundle.js`);
      expect(swaggerUi.status).toBe(200);
      expect(await swaggerUi.text()).toContain('SwaggerUIBundle');
    });

    it('has TypeScript and curl samples in the README to run', () => {
      expect(readmeTs.length).toBeGreaterThanOrEqual(2);
      expect(readmeCurl.length).toBeGreaterThanOrEqual(2);
    });

    it.each(readmeTs.map((code, i) => [i, code] as const))('runs README TypeScript sample %i', async (i) => {
      const from = log.length;
      const result = await run(process.execPath, ['--import', './route-to-server.mjs', `out-node16/readme/sample-${i}.js`], { cwd: installed.dir, env: { SAMBAKIT_SERVER: url, SAMBANOVA_API_KEY: 'readme-sample-key' } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.length).toBeGreaterThan(0);
      expect(statusesSince(from).length).toBeGreaterThan(0);
      expect(statusesSince(from).every((status) => status === 200)).toBe(true);
    }, 180_000);

    it.each(readmeCurl.map((code, i) => [i, code] as const))('runs README curl sample %i', async (_i, code) => {
      const from = log.length;
      const result = await run('bash', ['-euo', 'pipefail', '-c', code.replaceAll('http://127.0.0.1:8080', url)], { cwd: installed.dir });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.length).toBeGreaterThan(0);
      const statuses = statusesSince(from);
      expect(statuses.length).toBeGreaterThan(0);
      // The fault samples ask for a 429; nothing else may fail.
      expect(statuses.filter((status) => status !== 200 && status !== 429), result.stdout).toEqual([]);
    }, 60_000);
  });
});

/** A port nothing listens on now, from the system. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });
}
