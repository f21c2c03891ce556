/**
 * One API reference page: `redocly build-docs` (the pinned @redocly/cli) renders the document on
 * the server side into HTML that a Redoc bundle then makes interactive. build-docs links that bundle
 * from Redocly's CDN; the page is rewritten to load the copy shipped in the CLI package instead
 * (the same bytes `--inlineBundle` would paste into every page), so the site makes no request off
 * its host and three pages share one cached file.
 * @module
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const cliDir = dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json'));

/** The Redoc bundle that build-docs' pages hydrate with. */
export const redocBundlePath = join(cliDir, 'lib', 'chunks', 'redoc.standalone.js');

/**
 * The Redocly attribution logo the bundle loads from Redocly's CDN, and the local file the site's
 * copy of the bundle names instead (relative to the API pages).
 */
const cdnLogos: Record<string, string> = {
  'https://cdn.redoc.ly/redoc/logo-mini-full.svg': '../assets/redoc-logo.svg',
  'https://cdn.redoc.ly/redoc/logo-mini.svg': '../assets/redoc-logo.svg',
};

/** The bundle as the site ships it: its CDN logo links pointed at the site's own logo file. */
export function localRedocBundle(): string {
  let bundle = readFileSync(redocBundlePath, 'utf8');
  for (const [cdn, local] of Object.entries(cdnLogos)) {
    if (!bundle.includes(cdn)) throw new Error(`docs: the Redoc bundle of @redocly/cli no longer names ${cdn}; check what it loads from outside and update scripts/docs/redoc-page.ts`);
    bundle = bundle.replaceAll(cdn, local);
  }
  return bundle;
}

export interface RedocPageOptions {
  /** The OpenAPI document to render (JSON file). */
  specFile: string;
  /** Where to write the page. */
  outFile: string;
  title: string;
  description: string;
  /** URL of the bundle from the page (relative), and its bytes for the integrity hash. */
  bundleUrl: string;
  bundle: string;
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
  writeFileSync(options.outFile, pointAtLocalBundle(readFileSync(options.outFile, 'utf8'), options.bundleUrl, options.bundle));
}

/**
 * build-docs writes the CDN URL twice: a `modulepreload` link with a subresource-integrity hash
 * and the `import { hydrate } from "<url>"` of the inline module. Both must be found.
 */
function pointAtLocalBundle(html: string, bundleUrl: string, bundle: string): string {
  const cdn = /https:\/\/cdn\.redocly\.com\/redoc\/v[\w.-]+\/bundles\/redoc\.standalone\.js/g;
  const found = html.match(cdn) ?? [];
  if (found.length !== 2) throw new Error(`docs: expected build-docs to link the Redoc bundle from its CDN twice, found ${found.length}; update scripts/docs/redoc-page.ts`);
  const integrity = `sha384-${createHash('sha384').update(bundle).digest('base64')}`;
  const local = html.replace(cdn, bundleUrl).replace(/integrity="sha384-[^"]+"/, `integrity="${integrity}"`);
  // Links to vendor pages are fine; what the browser would load by itself is not.
  const outside = local.match(/<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)="https?:\/\/[^"]+"|\bfrom "https?:\/\/[^"]+"/g);
  if (outside?.length) throw new Error(`docs: the Redoc page still loads from outside: ${outside.join(', ')}`);
  return local;
}
