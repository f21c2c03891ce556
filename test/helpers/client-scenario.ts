/**
 * The client as other runtimes load it: `src/client` bundled by esbuild into one ES module, and the
 * walk through it in test/fixtures/client-scenario.mjs that each runtime runs against the server.
 * @module
 */
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { repoRoot } from './spec.js';

/** The scenario's source: plain JavaScript, loaded as it is by Chromium, Deno and Bun. */
export const scenarioSource = readFileSync(`${repoRoot}test/fixtures/client-scenario.mjs`, 'utf8');

/** What `clientScenario` returns when every step works. */
export const scenarioPassed = { same: true, chatOnly: true, native: true, lines: true, transcript: 'object', aborted: 'stop', error: [true, 401, 'string'] };

/** The API key the scenario's clients send. */
export const scenarioKey = 'runtime-key';

/** `src/client` as one minified ES module for a runtime without Node's module resolution. */
export async function clientBundle(): Promise<string> {
  const bundle = await build({ entryPoints: [`${repoRoot}src/client/index.ts`], bundle: true, format: 'esm', platform: 'browser', write: false, minify: true });
  return bundle.outputFiles[0]!.text;
}
