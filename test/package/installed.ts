/**
 * The package as a user gets it: `dist/` compiled from this tree, `npm pack` of the package, and
 * that tarball installed into an empty folder outside the source tree, its dependencies from the npm
 * registry (`--prefer-offline`: from the local cache `npm ci` filled where it can, so the run stays
 * quick; the registry for what `npm ci` did not need, such as package metadata), never from this
 * checkout.
 *
 * The build goes into a staging copy of the package (package.json, README and every `files` entry
 * but `dist`), not into this tree's `dist/`, so that other suites running at the same time never see
 * half-written files; `npm pack` there applies the same `files` list.
 * @module
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunResult } from '../helpers/run.js';
import { repoRoot } from '../helpers/spec.js';

export interface PackageJson {
  name: string;
  version: string;
  files: string[];
  bin: Record<string, string>;
  exports: Record<string, string | { types?: string; default?: string }>;
  devDependencies: Record<string, string>;
}

export const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;

/** Tools a user adds beside sambakit to type-check against it and to run the README's samples (the express adapter's types need express's). */
const companions = ['typescript', '@types/node', 'openai', 'express', '@types/express', 'fastify'];

export interface Installed {
  /** The folder with `node_modules/sambakit`, outside the source tree. */
  dir: string;
  /** Paths inside the tarball, `package/` stripped. */
  files: string[];
  remove(): void;
}

async function succeed(command: string, args: string[], cwd: string, timeoutMs = 300_000): Promise<RunResult> {
  const result = await run(command, args, { cwd, timeoutMs });
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed with ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

export async function packAndInstall(): Promise<Installed> {
  const work = mkdtempSync(join(tmpdir(), 'sambakit-package-'));
  try {
    const stage = join(work, 'stage');
    mkdirSync(stage);
    for (const entry of ['package.json', 'README.md', ...packageJson.files.filter((f) => f !== 'dist')]) {
      if (!existsSync(join(repoRoot, entry))) throw new Error(`package.json "files" names ${entry}, which this tree does not have (site/ comes from npm run docs)`);
      cpSync(join(repoRoot, entry), join(stage, entry), { recursive: true });
    }
    await succeed(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', join(stage, 'dist')], repoRoot);
    // The rest of `npm run build`: Swagger UI's files beside the built server.
    await succeed(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts', 'build', 'swagger-ui.ts'), join(stage, 'dist')], repoRoot);
    // The build just ran; prepack (which builds for a real `npm pack`) is not needed here.
    const packed = await succeed('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], stage);
    const [report] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];

    const dir = join(work, 'consumer');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sambakit-consumer', private: true, type: 'module' }));
    const versions = companions.map((name) => `${name}@${packageJson.devDependencies[name]}`);
    await succeed('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, report.filename), ...versions], dir);
    return { dir, files: report.files.map((f) => f.path), remove: () => rmSync(work, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}
