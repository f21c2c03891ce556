/**
 * `npm run bench:client-bundle`: what a browser downloads for a chat-only use of each client:
 * esbuild bundles (minified, ESM, browser) of a page that calls chat whole and streamed with
 * `sambakit` (the chat-only client and the full one) and with `openai`, gzip-compressed. Prints the table for bench/RESULTS.md.
 * @module
 */
import { bundleSize, chatOnlyPages } from './client-bundle-build.js';
import { benchProgress } from './progress.js';

const names: Record<keyof typeof chatOnlyPages, string> = {
  sambakit: 'sambakit (`SambaNovaCloudChat`)',
  sambakitFull: 'sambakit (`SambaNovaCloud`, every Cloud operation)',
  openai: 'openai (`OpenAI`)',
};

const progress = benchProgress('client-bundle');
const pages = Object.entries(chatOnlyPages) as Array<[keyof typeof chatOnlyPages, string]>;
console.log('| import | minified | minified + gzip | largest inputs (minified bytes) |');
console.log('|---|---:|---:|---|');
for (const [i, [key, page]] of pages.entries()) {
  progress.round(`bundling ${key}`, i + 1, pages.length);
  const size = await bundleSize(page);
  const largest = size.inputs
    .slice(0, 4)
    .map(([file, bytes]) => `${file.replace(/^node_modules\//, '')} ${bytes}`)
    .join(', ');
  console.log(`| ${names[key]} | ${(size.minifiedBytes / 1024).toFixed(1)} kB | ${(size.gzipBytes / 1024).toFixed(1)} kB | ${largest} |`);
}
