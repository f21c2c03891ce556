import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specFiles } from '../../scripts/docs/build-site.js';
import { withStreamNotes } from '../../scripts/docs/stream-notes.js';
import { iterateStreamItems, StreamEndedEarlyError } from '../../src/streams/index.js';
import { siteDir } from '../helpers/site.js';
import { apiNames, bundled, deref, operations, repoRoot, validatorsOf } from '../helpers/spec.js';

function siteFiles(dir = siteDir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? siteFiles(path) : [path];
  });
}

const pages = () => siteFiles().filter((f) => f.endsWith('.html'));

describe('the docs site folder', () => {
  it('has the landing page, a Redoc page per API, a page per guide and the bundled documents', () => {
    const guides = readdirSync(join(repoRoot, 'docs')).filter((n) => n.endsWith('.md'));
    expect(guides.length).toBeGreaterThanOrEqual(5);
    const expected = ['index.html', ...apiNames.map((api) => `api/${api}.html`), ...guides.map((g) => `guides/${g.replace(/\.md$/, '.html')}`)];
    for (const file of expected) expect(existsSync(join(siteDir, file)), file).toBe(true);
    for (const api of apiNames) {
      for (const file of specFiles) expect(readFileSync(join(siteDir, 'specs', api, file), 'utf8'), `${api}/${file}`).toBe(readFileSync(join(repoRoot, 'generated', api, file), 'utf8'));
    }
    const landing = readFileSync(join(siteDir, 'index.html'), 'utf8');
    for (const api of apiNames) expect(landing).toContain(`href="api/${api}.html"`);
    for (const guide of guides) expect(landing).toContain(`href="guides/${guide.replace(/\.md$/, '.html')}"`);
    for (const mark of ['vendor', 'observed', 'sambakit']) expect(landing).toContain(`Source: ${mark}`);
  });

  it('loads nothing from another host: no script, style, image or module import names one', () => {
    const loads = /<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="([^"]+)"|\bimport\s*(?:\{[^}]*\}\s*from\s*)?["']([^"']+)["']|url\(\s*["']?([^"')]+)/g;
    for (const file of siteFiles().filter((f) => /\.(html|css)$/.test(f))) {
      for (const match of readFileSync(file, 'utf8').matchAll(loads)) {
        const url = match[1] ?? match[2] ?? match[3]!;
        expect(/^(?:[a-z]+:)?\/\//i.test(url) && !url.startsWith('data:'), `${relative(siteDir, file)} loads ${url}`).toBe(false);
      }
    }
    // The Redoc bundle's own outside loads (the attribution logo) point at the site's copy.
    expect(readFileSync(join(siteDir, 'assets', 'redoc.standalone.js'), 'utf8')).not.toMatch(/https:\/\/cdn\.redoc\.ly\/redoc\/logo/);
  });

  it('has no broken relative link or source on any page', () => {
    for (const file of pages()) {
      for (const [, url] of readFileSync(file, 'utf8').matchAll(/\b(?:href|src)="([^"#?]+)[^"]*"/g)) {
        // Absolute paths are Redoc's own routes before it switches to hash routing in the browser.
        if (/^(?:[a-z]+:|\/)/i.test(url!)) continue;
        expect(existsSync(resolve(dirname(file), url!)), `${relative(siteDir, file)} -> ${url}`).toBe(true);
      }
    }
  });

  it('gives every page a title, a language and a description', () => {
    for (const file of pages()) {
      const html = readFileSync(file, 'utf8');
      expect(html, relative(siteDir, file)).toMatch(/<html lang="en">/);
      expect(html, relative(siteDir, file)).toMatch(/<title>[^<]{5,}<\/title>/);
      expect(html, relative(siteDir, file)).toMatch(/<meta name="description" content="[^"]{10,}">/);
    }
  });

  it('renders the guides with working anchors and links between guides', () => {
    const html = readFileSync(join(siteDir, 'guides', 'getting-started.html'), 'utf8');
    expect(html).toMatch(/<h1 id="[^"]+">/);
    for (const [, target, anchor] of html.matchAll(/href="([\w-]+\.html)#([\w-]+)"/g)) {
      expect(readFileSync(join(siteDir, 'guides', target!), 'utf8'), `${target}#${anchor}`).toContain(`id="${anchor}"`);
    }
  });
});

describe('stream operations on the API pages', () => {
  const streamMedia = apiNames.flatMap((api) =>
    operations(api).flatMap(({ operationId, operation }) =>
      Object.entries<any>(deref(api, operation.responses['200'])?.content ?? {})
        .filter(([, media]) => media['x-sambakit-stream'])
        .map(([mediaType, media]) => ({ api, operationId, mediaType, stream: media['x-sambakit-stream'] })),
    ),
  );

  it('covers every stream of the three APIs', () => {
    expect(new Set(streamMedia.map((s) => s.api)).size).toBe(3);
    for (const api of apiNames) expect(readFileSync(join(siteDir, 'api', `${api}.html`), 'utf8')).toContain('Example transcript of the wire');
  });

  it.each(streamMedia.map((s) => [`${s.api} ${s.operationId} ${s.mediaType}`, s] as const))('%s: a transcript sambakit reads back into valid items', async (_name, { api, operationId, mediaType, stream }) => {
    const doc = withStreamNotes(bundled(api));
    const op = operations(api).find((o) => o.operationId === operationId)!;
    const description: string = doc.paths[op.path][op.method].description;
    const section = description.split('**Stream: ').find((s) => s.startsWith(`\`${mediaType}\`.**`))!;
    expect(section, 'a section for the media type').toBeDefined();
    expect(section).toContain(`one \``);
    const [transcript, afterError] = [...section.matchAll(/```\n([\s\S]*?)\n```/g)].map((m) => `${m[1]}\n${stream.framing === 'sse' ? '\n' : ''}`);
    const validate = (await validatorsOf(api))[operationId]!.responses['200']![mediaType]!;

    const items = [];
    for await (const item of iterateStreamItems(new Response(transcript).body!, stream)) items.push(item);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.kind).toBe('item');
      expect(validate(item.value), JSON.stringify(validate.errors)).toBe(true);
    }
    if (stream.terminator) expect(transcript!.trimEnd().endsWith(stream.framing === 'sse' ? `data: ${stream.terminator}` : stream.terminator)).toBe(true);
    if (stream.eventFromType) expect(transcript).toMatch(/^event: \S+\ndata: /);

    if (afterError !== undefined) {
      const received = [];
      try {
        for await (const item of iterateStreamItems(new Response(afterError).body!, stream)) received.push(item);
      } catch (error) {
        // Known by neither an error event name nor an errorProperty, an error ends an SSE stream as a cut one: the items come first.
        expect(error).toBeInstanceOf(StreamEndedEarlyError);
      }
      const last = received.at(-1)!;
      expect(last.kind).toBe((stream.framing === 'sse' && stream.errorEvents?.length) || stream.errorProperty !== undefined ? 'error' : 'item');
      expect(validate(last.value), JSON.stringify(validate.errors)).toBe(true);
    }
  });
});

describe('source marks on the API pages', () => {
  it('explains the marks in the introduction of every API page', () => {
    for (const api of apiNames) {
      const html = readFileSync(join(siteDir, 'api', `${api}.html`), 'utf8');
      for (const mark of ['vendor', 'observed', 'sambakit']) expect(html, `${api} ${mark}`).toContain(`**Source: ${mark}**`);
    }
  });

  it('carries every mark of the spec into the page, beside the legend', () => {
    for (const api of apiNames) {
      const page = readFileSync(join(siteDir, 'api', `${api}.html`), 'utf8');
      const spec = JSON.stringify(bundled(api));
      for (const mark of ['vendor', 'observed', 'sambakit']) {
        const count = (text: string) => text.split(`**Source: ${mark}**`).length - 1;
        expect(count(page), `${api} ${mark}`).toBe(count(spec) + 1);
      }
    }
  });
});
