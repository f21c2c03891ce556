/**
 * `npm run generate [-- --check]`: bundles the three API documents in spec/ and writes, per API,
 * generated/<api>/{openapi.json, openapi.yaml, openapi-3.2.json, schema.d.ts, validators.js/.d.ts
 * (index) and validators/<operationId>.js/.d.ts, streams.js/.d.ts, operations.js/.d.ts}. Everything
 * is computed in memory first: a broken spec is reported (file:line:col) and leaves generated/ as it was. `--check` writes nothing and exits 1
 * naming every file that differs from what the spec gives.
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify as toYaml } from 'yaml';
import { apiNames, rootFileOf, type ApiName } from './generate/apis.js';
import { bundleRoot } from './generate/bundle.js';
import { listOperations, type OpenApiDocument, type OperationEntry } from './generate/catalog.js';
import { emitOpenApiDocs } from './generate/emit-openapi.js';
import { emitOperations } from './generate/emit-operations.js';
import { emitStreams } from './generate/emit-streams.js';
import { emitTypedParams } from './generate/emit-typed-params.js';
import { emitTypes } from './generate/emit-types.js';
import { emitValidators } from './generate/emit-validators.js';
import { formatProblem, SpecError, type SpecProblem } from './generate/spec-error.js';
import { renderSourceMarks } from './generate/source-marks.js';
import { SpecSources } from './generate/spec-sources.js';

export interface GenerateOptions {
  cwd?: string;
  specDir?: string;
  outDir?: string;
}

/** Every generated file, path relative to the output folder -> content. Throws SpecError. */
export async function generateAll(options: GenerateOptions = {}): Promise<Map<string, string>> {
  const cwd = options.cwd ?? process.cwd();
  const sources = new SpecSources(resolve(cwd, options.specDir ?? 'spec'), cwd);
  sources.load();
  const files = new Map<string, string>();
  const problems: SpecProblem[] = [];
  for (const api of apiNames) {
    const rootFile = resolve(cwd, options.specDir ?? 'spec', `${api}.yaml`);
    const { document: bundled, problems: bundleProblems } = await bundleRoot(rootFile, sources);
    problems.push(...bundleProblems);
    if (bundleProblems.length > 0) continue;
    const markProblems: SpecProblem[] = [];
    const document = renderSourceMarks(bundled, (pointer, message) => markProblems.push({ location: sources.locate(rootFile, pointer), message }));
    problems.push(...markProblems);
    if (markProblems.length > 0) continue;
    const operations = listOperations(document);
    const idProblems = checkOperationIds(operations, sources, rootFile);
    problems.push(...idProblems);
    if (idProblems.length > 0) continue;
    try {
      for (const [name, content] of await emitApi(api, document, operations, sources, rootFile)) files.set(`${api}/${name}`, content);
    } catch (error) {
      if (error instanceof SpecError) problems.push(...error.problems);
      else throw error;
    }
  }
  // Files shared by several roots would otherwise report the same problem once per root.
  const unique = [...new Map(problems.map((p) => [formatProblem(p), p])).values()];
  if (unique.length > 0) throw new SpecError(unique);
  return files;
}

async function emitApi(
  api: ApiName,
  document: OpenApiDocument,
  operations: OperationEntry[],
  sources: SpecSources,
  rootFile: string,
): Promise<Array<[string, string]>> {
  const validators = emitValidators(api, document, operations, sources, rootFile);
  const streams = emitStreams(operations);
  const table = emitOperations(document, operations, sources, rootFile);
  const typedParams = emitTypedParams(document, operations);
  return [
    ...emitOpenApiDocs(document, toYaml),
    ['schema.d.ts', await emitTypes(document)],
    ...validators,
    ['streams.js', streams.js],
    ['streams.d.ts', streams.dts],
    ['operations.js', table.js],
    ['operations.d.ts', table.dts],
    ['typed-params.js', typedParams.js],
    ['typed-params.d.ts', typedParams.dts],
  ];
}

function checkOperationIds(operations: OperationEntry[], sources: SpecSources, rootFile: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const seen = new Map<string, OperationEntry>();
  for (const op of operations) {
    const where = sources.locate(rootFile, [...op.pointer, 'operationId']);
    if (op.operationId === `${op.method} ${op.path}`) {
      problems.push({ location: where, message: `${op.method.toUpperCase()} ${op.path} has no operationId` });
      continue;
    }
    const first = seen.get(op.operationId);
    if (first) {
      const firstAt = sources.locate(rootFile, [...first.pointer, 'operationId']);
      problems.push({
        location: where,
        message: `duplicate operationId "${op.operationId}" (${op.method.toUpperCase()} ${op.path}); first used by ${first.method.toUpperCase()} ${first.path} at ${firstAt.file}:${firstAt.line}`,
      });
    } else {
      seen.set(op.operationId, op);
    }
  }
  return problems;
}

/** Relative paths of files under `dir` whose content differs from `files`, plus missing and extra ones. */
export function staleFiles(dir: string, files: Map<string, string>): string[] {
  const stale: string[] = [];
  for (const [name, content] of files) {
    const path = join(dir, name);
    if (!existsSync(path)) stale.push(`${name} (missing)`);
    else if (readFileSync(path, 'utf8') !== content) stale.push(`${name} (differs)`);
  }
  for (const name of listFiles(dir)) if (!files.has(name)) stale.push(`${name} (not generated by the spec)`);
  return stale;
}

/** Replaces each API folder whole, so a reader never sees a mix of old and new files. */
export function writeGenerated(dir: string, files: Map<string, string>): void {
  mkdirSync(dir, { recursive: true });
  const apis = new Set([...files.keys()].map((name) => name.split('/')[0]!));
  for (const api of apis) {
    const staging = join(dir, `.${api}.staging-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    for (const [name, content] of files) {
      if (!name.startsWith(`${api}/`)) continue;
      const path = join(staging, name.slice(api.length + 1));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    const target = join(dir, api);
    const old = join(dir, `.${api}.old-${process.pid}`);
    if (existsSync(target)) renameSync(target, old);
    renameSync(staging, target);
    rmSync(old, { recursive: true, force: true });
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`generate: unknown argument ${unknown.join(' ')}\nusage: npm run generate [-- --check]\n`);
    return 2;
  }
  const check = argv.includes('--check');
  const outDir = resolve('generated');
  let files: Map<string, string>;
  try {
    files = await generateAll();
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    process.stderr.write(`${error.problems.map(formatProblem).join('\n')}\n`);
    process.stderr.write(`generate: ${error.problems.length} problem(s) in spec/; generated/ left unchanged\n`);
    return 1;
  }
  if (check) {
    const stale = staleFiles(outDir, files);
    if (stale.length === 0) {
      process.stdout.write(`generated/ is up to date (${files.size} files)\n`);
      return 0;
    }
    process.stderr.write(`generated/ is stale; run \`npm run generate\`:\n${stale.map((s) => `  generated/${s}`).join('\n')}\n`);
    return 1;
  }
  writeGenerated(outDir, files);
  process.stdout.write(`generated ${files.size} files for ${apiNames.join(', ')} (${apiNames.map(rootFileOf).join(', ')})\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`generate: unexpected error (likely a bug in scripts/generate): ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
