/**
 * `npm run docs [-- --out DIR]`: builds the docs site into `site/` (or DIR) from generated/ and
 * docs/: one folder to publish as it is, and what the reference server serves at `/docs`.
 * @module
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSite } from './docs/build-site.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'site' } } });
const repoRoot = resolve(new URL('..', import.meta.url).pathname);
const outDir = resolve(values.out!);
await buildSite({ repoRoot, outDir });
console.log(`docs site written to ${outDir}`);
