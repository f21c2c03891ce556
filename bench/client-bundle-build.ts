/**
 * What a browser downloads for a chat-only use of a client: esbuild bundles (minified, ESM,
 * browser) of a page that streams one chat completion, and their gzip size. Shared by
 * `npm run bench:client-bundle` (sambakit beside openai) and the budget test (test/client/bundle-size.test.ts).
 * @module
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The chat-only pages: what a user of each client writes to stream one chat completion. */
export const chatOnlyPages = {
  sambakit: `import { SambaNovaCloud } from './src/client/index.ts';
const cloud = new SambaNovaCloud({ apiKey: 'k' });
export async function run() { for await (const c of await cloud.chat({ model: 'm', messages: [], stream: true })) console.log(c); }`,
  openai: `import OpenAI from 'openai';
const client = new OpenAI({ apiKey: 'k', dangerouslyAllowBrowser: true });
export async function run() { for await (const c of await client.chat.completions.create({ model: 'm', messages: [], stream: true })) console.log(c); }`,
} as const;

export interface BundleSize {
  minifiedBytes: number;
  gzipBytes: number;
  /** Each input module that reached the bundle, with its minified bytes in it, largest first. */
  inputs: Array<[path: string, bytes: number]>;
}

export async function bundleSize(page: string): Promise<BundleSize> {
  const result = await build({ stdin: { contents: page, resolveDir: root, loader: 'ts' }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, metafile: true, logLevel: 'silent' });
  const bytes = result.outputFiles[0]!.contents;
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0]!.inputs)
    .map(([path, { bytesInOutput }]): [string, number] => [path, bytesInOutput])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return { minifiedBytes: bytes.length, gzipBytes: gzipSync(bytes).length, inputs };
}
