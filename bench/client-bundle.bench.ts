/**
 * `npm run bench:client-bundle`: what a browser downloads for a chat-only use of each client:
 * esbuild bundles (minified, ESM, browser) of a page that streams one chat completion with
 * `sambakit` and with `openai`, gzip-compressed. Prints the table for bench/RESULTS.md.
 * @module
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entries = {
  'sambakit (`SambaNovaCloud`, chat stream)': `import { SambaNovaCloud } from './src/client/index.ts';
const cloud = new SambaNovaCloud({ apiKey: 'k' });
export async function run() { for await (const c of await cloud.chat({ model: 'm', messages: [], stream: true })) console.log(c); }`,
  'openai (`OpenAI`, chat stream)': `import OpenAI from 'openai';
const client = new OpenAI({ apiKey: 'k', dangerouslyAllowBrowser: true });
export async function run() { for await (const c of await client.chat.completions.create({ model: 'm', messages: [], stream: true })) console.log(c); }`,
};

console.log('| import | minified | minified + gzip | largest inputs (minified bytes) |');
console.log('|---|---:|---:|---|');
for (const [name, contents] of Object.entries(entries)) {
  const result = await build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, metafile: true });
  const bytes = result.outputFiles[0]!.contents;
  const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
  const largest = Object.entries(inputs)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .slice(0, 4)
    .map(([file, v]) => `${file.replace(/^node_modules\//, '')} ${v.bytesInOutput}`)
    .join(', ');
  console.log(`| ${name} | ${(bytes.length / 1024).toFixed(1)} kB | ${(gzipSync(bytes).length / 1024).toFixed(1)} kB | ${largest} |`);
}
