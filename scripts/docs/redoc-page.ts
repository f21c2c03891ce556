/**
 * One API reference page: `redocly build-docs` (the pinned @redocly/cli) renders the document on
 * the server side into HTML that a Redoc bundle then makes interactive. build-docs links that bundle
 * from Redocly's CDN, as an ES module; browsers refuse module scripts on pages opened from disk
 * (`file://`), which would leave only the server-rendered overview. So the site ships the bundle of
 * the CLI package rebuilt as one classic script (esbuild, at docs-build time), shared by the three
 * pages, and each page loads it with a plain `<script src>`: the pages work from disk, from any
 * static host and from the reference server's `/docs`, and make no request off their host.
 * @module
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'esbuild';

const run = promisify(execFile);
const cliDir = dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json'));

/** The Redoc bundle (an ES module) that build-docs' pages hydrate with. */
export const redocModulePath = join(cliDir, 'lib', 'chunks', 'redoc.standalone.js');

/** The global the classic bundle defines: `Redoc.hydrate`, `Redoc.init`, `Redoc.RedocStandalone`. */
export const redocGlobal = 'Redoc';

/**
 * The Redocly attribution logo the bundle loads from Redocly's CDN, and the local file the site's
 * copy of the bundle names instead (relative to the API pages).
 */
const cdnLogos: Record<string, string> = {
  'https://cdn.redoc.ly/redoc/logo-mini-full.svg': '../assets/redoc-logo.svg',
  'https://cdn.redoc.ly/redoc/logo-mini.svg': '../assets/redoc-logo.svg',
};

/**
 * The bundle as the site ships it: a classic script defining {@link redocGlobal}, its CDN logo
 * links pointed at the site's own logo file. The module's only `import.meta` uses pick a search
 * worker's file when running under Node or from a module URL; in the browser Redoc builds that
 * worker from a Blob, so esbuild emptying `import.meta` (its one warning) changes nothing here.
 */
export async function classicRedocBundle(): Promise<string> {
  let bundle = readFileSync(redocModulePath, 'utf8');
  for (const [cdn, local] of Object.entries(cdnLogos)) {
    if (!bundle.includes(cdn)) throw new Error(`docs: the Redoc bundle of @redocly/cli no longer names ${cdn}; check what it loads from outside and update scripts/docs/redoc-page.ts`);
    bundle = bundle.replaceAll(cdn, local);
  }
  const { code, warnings } = await transform(bundle, { format: 'iife', globalName: redocGlobal, minify: true, legalComments: 'inline', logLevel: 'silent' });
  const unexpected = warnings.filter((w) => !w.text.startsWith('"import.meta" is not available'));
  if (unexpected.length) throw new Error(`docs: esbuild warns about the Redoc bundle: ${unexpected.map((w) => w.text).join('; ')}; check scripts/docs/redoc-page.ts`);
  return code;
}

export interface RedocPageOptions {
  /** The OpenAPI document to render (JSON file). */
  specFile: string;
  /** Where to write the page. */
  outFile: string;
  title: string;
  description: string;
  /** URL of the classic Redoc bundle from the page (relative). */
  bundleUrl: string;
}

/** Renders one page and points it at the local bundle. Throws with the CLI's output on failure. */
export async function buildRedocPage(options: RedocPageOptions): Promise<void> {
  const args = [
    join(cliDir, 'bin', 'cli.js'),
    'build-docs',
    options.specFile,
    '--output',
    options.outFile,
    '--title',
    options.title,
    '--template',
    new URL('./redoc-page.hbs', import.meta.url).pathname,
    `--templateOptions.description=${options.description}`,
    '--lint-config',
    'off',
  ];
  try {
    // Telemetry off: the build, like the page, talks to nobody.
    await run(process.execPath, args, { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`docs: redocly build-docs failed for ${options.specFile}:\n${stderr || stdout}`);
  }
  writeFileSync(options.outFile, loadClassicBundle(readFileSync(options.outFile, 'utf8'), options.bundleUrl));
}

/**
 * build-docs writes the CDN URL twice: a `modulepreload` link in the head, and the
 * `import { hydrate } from "<url>"` opening the inline module that hydrates the page. The link
 * goes; the module becomes a `<script src>` of the local classic bundle followed by a classic
 * inline script calling `Redoc.hydrate`. Each piece must be found exactly once.
 */
function loadClassicBundle(html: string, bundleUrl: string): string {
  const cdn = String.raw`https://cdn\.redocly\.com/redoc/v[\w.-]+/bundles/redoc\.standalone\.js`;
  const rewrites: [RegExp, string][] = [
    [new RegExp(String.raw`\s*<link rel="modulepreload" href="${cdn}"[^>]*>`, 'g'), ''],
    [new RegExp(String.raw`<script type="module">\s*import \{ hydrate \} from "${cdn}";`, 'g'), `<script src="${bundleUrl}"></script>\n      <script>`],
    [/\bhydrate\(__redoc_definition,/g, `${redocGlobal}.hydrate(__redoc_definition,`],
  ];
  let local = html;
  for (const [pattern, replacement] of rewrites) {
    const found = local.match(pattern)?.length ?? 0;
    if (found !== 1) throw new Error(`docs: expected build-docs' page to contain ${pattern} once, found it ${found} times; update scripts/docs/redoc-page.ts`);
    local = local.replace(pattern, replacement);
  }
  if (local.includes('<script type="module"')) throw new Error('docs: the Redoc page still has a module script; update scripts/docs/redoc-page.ts');
  // Links to vendor pages are fine; what the browser would load by itself is not.
  const outside = local.match(/<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)="https?:\/\/[^"]+"|\bfrom "https?:\/\/[^"]+"/g);
  if (outside?.length) throw new Error(`docs: the Redoc page still loads from outside: ${outside.join(', ')}`);
  return local;
}
