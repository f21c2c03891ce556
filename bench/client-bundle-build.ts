/**
 * What a browser downloads for a chat-only use of a client: esbuild bundles (minified, ESM,
 * browser) of a page that calls chat (whole and streamed), and their gzip size. Shared by
 * `npm run bench:client-bundle` (sambakit beside openai) and the budget test (test/client/bundle-size.test.ts).
 * @module
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** A page that chats, whole and streamed, through one of sambakit's Cloud clients. */
const sambakitChatPage = (client: 'SambaNovaCloudChat' | 'SambaNovaCloud') => `import { ${client}, RateLimitError } from './src/client/index.ts';
const cloud = new ${client}({ apiKey: 'k' });
export async function run() {
  try {
    console.log(await cloud.chat({ model: 'm', messages: [] }));
    for await (const c of await cloud.chat({ model: 'm', messages: [], stream: true })) console.log(c);
  } catch (e) { console.log(e instanceof RateLimitError ? 'slow down' : e); }
}`;

/**
 * The chat-only pages: what a user of each client writes to call chat in a browser, whole and
 * streamed, telling a rate limit from other failures by its typed error. `sambakitFull` is the
 * same page on the client of every Cloud operation.
 */
export const chatOnlyPages = {
  sambakit: sambakitChatPage('SambaNovaCloudChat'),
  sambakitFull: sambakitChatPage('SambaNovaCloud'),
  openai: `import OpenAI, { RateLimitError } from 'openai';
const client = new OpenAI({ apiKey: 'k', dangerouslyAllowBrowser: true });
export async function run() {
  try {
    console.log(await client.chat.completions.create({ model: 'm', messages: [] }));
    for await (const c of await client.chat.completions.create({ model: 'm', messages: [], stream: true })) console.log(c);
  } catch (e) { console.log(e instanceof RateLimitError ? 'slow down' : e); }
}`,
} as const;

export interface BundleSize {
  /** The minified bundle. */
  code: string;
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
  return { code: result.outputFiles[0]!.text, minifiedBytes: bytes.length, gzipBytes: gzipSync(bytes).length, inputs };
}
