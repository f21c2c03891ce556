/**
 * The docs site, one folder to publish as it is: `index.html` (the three APIs, the guides, the
 * downloads, the source legend), `api/<api>.html` (Redoc), `guides/<slug>.html` (docs/*.md),
 * `specs/<api>/` (the bundled documents) and `assets/`. Nothing on any page loads from another host.
 * Built in a sibling folder and swapped in, so a server reading the old site never sees half of one.
 * @module
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { apiNames, apis, type ApiName } from '../../src/contract/apis.js';
import { readGuides, renderGuide, type Guide } from './guides.js';
import { escapeHtml, page, type SiteNav } from './layout.js';
import { buildRedocPage, classicRedocBundle } from './redoc-page.js';
import { sourceLegend, withSourceLegend } from './sources.js';
import { withStreamNotes } from './stream-notes.js';

export interface BuildSiteOptions {
  /** The repository (spec, generated/, docs/). */
  repoRoot: string;
  /** The folder to (re)write. */
  outDir: string;
}

/** The downloadable documents of one API, as `generated/<api>/` names them. */
export const specFiles = ['openapi.json', 'openapi.yaml', 'openapi-3.2.json'] as const;

const assetsDir = new URL('./assets/', import.meta.url).pathname;

export async function buildSite({ repoRoot, outDir }: BuildSiteOptions): Promise<void> {
  const target = resolve(outDir);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}.building-`);
  const work = mkdtempSync(join(tmpdir(), 'sambakit-docs-'));
  try {
    const guides = readGuides(join(repoRoot, 'docs'));
    const nav: SiteNav = { apis: apiNames.map((name) => ({ name, title: apis[name].title })), guides };

    mkdirSync(join(staging, 'assets'));
    cpSync(assetsDir, join(staging, 'assets'), { recursive: true });
    writeFileSync(join(staging, 'assets', 'redoc.standalone.js'), await classicRedocBundle());

    mkdirSync(join(staging, 'api'));
    await Promise.all(
      apiNames.map(async (api) => {
        mkdirSync(join(staging, 'specs', api), { recursive: true });
        for (const file of specFiles) cpSync(join(repoRoot, 'generated', api, file), join(staging, 'specs', api, file));
        const specFile = join(work, `${api}.json`);
        writeFileSync(specFile, JSON.stringify(pageDocument(api, JSON.parse(readFileSync(join(repoRoot, 'generated', api, 'openapi.json'), 'utf8')) as Record<string, unknown>)));
        await buildRedocPage({
          specFile,
          outFile: join(staging, 'api', `${api}.html`),
          title: `${apis[api].title} API reference · sambakit`,
          description: `Every operation of the ${apis[api].title} API: parameters, bodies, responses, streams and examples.`,
          bundleUrl: '../assets/redoc.standalone.js',
        });
      }),
    );

    mkdirSync(join(staging, 'guides'));
    const slugs = new Set(guides.map((g) => g.slug));
    for (const guide of guides) writeFileSync(join(staging, 'guides', `${guide.slug}.html`), guidePage(nav, guide, slugs));
    const images = join(repoRoot, 'docs', 'images');
    if (existsSync(images)) cpSync(images, join(staging, 'guides', 'images'), { recursive: true });

    writeFileSync(join(staging, 'index.html'), landingPage(nav));
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

/** The document a Redoc page renders: streams described, sources explained, a way back to the site. */
function pageDocument(api: ApiName, doc: Record<string, unknown>): Record<string, unknown> {
  const out = withSourceLegend(withStreamNotes(doc));
  const info = out.info as Record<string, unknown>;
  const downloads = specFiles.map((file) => `[${file}](../specs/${api}/${file})`).join(', ');
  info.description = [`[← sambakit docs](../index.html) · Download this API's document: ${downloads}.`, info.description].filter(Boolean).join('\n\n');
  return out;
}

function guidePage(nav: SiteNav, guide: Guide, slugs: ReadonlySet<string>): string {
  const { html, sections } = renderGuide(guide, slugs);
  const toc = sections.length > 2 ? `<nav class="toc" aria-label="On this page"><strong>On this page</strong><ul>${sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.text)}</a></li>`).join('')}</ul></nav>\n` : '';
  // The table of contents goes after the page's title, which is its first heading.
  const body = /^<h1[^>]*>.*?<\/h1>\n/s.test(html) ? html.replace(/^(<h1[^>]*>.*?<\/h1>\n)/s, `$1${toc}`) : `<h1>${escapeHtml(guide.title)}</h1>\n${toc}${html}`;
  return page(nav, { title: `${guide.title} · sambakit docs`, description: `sambakit guide: ${guide.title}.`, root: '../', path: `guides/${guide.slug}.html`, body });
}

function landingPage(nav: SiteNav): string {
  const cards = apiNames
    .map((api) => {
      const downloads = specFiles.map((file) => `<a href="specs/${api}/${file}" download>${file}</a>`).join(' · ');
      const mount = apis[api].mount || '/';
      return `<section class="card"><h3><a href="api/${api}.html">${escapeHtml(apis[api].title)}</a></h3>
<p>API reference: every operation, its parameters, bodies, responses, streams and examples.</p>
<p>On the reference server: <code>${escapeHtml(mount)}</code></p>
<p>Download: ${downloads}</p></section>`;
    })
    .join('\n');
  const guideList = nav.guides.map((g) => `<li><a href="guides/${g.slug}.html">${escapeHtml(g.title)}</a></li>`).join('');
  const legend = sourceLegend.map(({ mark, meaning }) => `<dt>Source: ${mark}</dt><dd>${escapeHtml(meaning).replace(/`([^`]+)`/g, '<code>$1</code>')}</dd>`).join('');
  const body = `<h1>sambakit API docs</h1>
<p>The SambaStudio, SambaNova Cloud and DJL LMI inference APIs as sambakit describes them: one OpenAPI 3.1 document per API, from which sambakit's types, validators and reference server are generated. A running reference server (<code>npm start</code>) serves this site at <code>/docs</code> and Swagger UI, with try-it, at <code>/api/docs</code>.</p>
<h2>APIs</h2>
<div class="cards">
${cards}
</div>
<h2>Guides</h2>
<ul>${guideList}</ul>
<h2 id="sources">Where each fact comes from</h2>
<p>On the API pages, a description that starts with a source mark (<strong>Source: observed</strong>, <strong>Source: sambakit</strong>) says where its fact comes from; unmarked facts are the vendor's.</p>
<dl class="legend">${legend}</dl>`;
  return page(nav, { title: 'sambakit API docs', description: 'API reference, guides and OpenAPI documents for the SambaStudio, SambaNova Cloud and DJL LMI APIs.', root: '', path: 'index.html', body });
}
