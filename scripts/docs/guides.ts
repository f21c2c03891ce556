/**
 * The guides: every `docs/*.md`, rendered with marked. A new file is picked up by itself; the order
 * is "Getting started" first, then the user guides by title, then the pages about sambakit's own
 * inside. Links between guides become links between pages; links to files outside docs/ (the
 * repository is not published with the site) become their text.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Marked, type Tokens } from 'marked';

export interface Guide {
  /** File name without `.md`; the page is `guides/<slug>.html`. */
  slug: string;
  title: string;
  section: 'Guides' | 'Inside sambakit';
  markdown: string;
}

/** Pages about how sambakit itself is built, listed after the user guides. */
const insideSambakit = new Set(['architecture', 'security', 'spec-conventions']);
const first = 'getting-started';

export function readGuides(docsDir: string): Guide[] {
  const guides = readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .map((name): Guide => {
      const slug = basename(name, '.md');
      const markdown = readFileSync(join(docsDir, name), 'utf8');
      const title = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? slug;
      return { slug, title, section: insideSambakit.has(slug) ? 'Inside sambakit' : 'Guides', markdown };
    });
  const rank = (g: Guide) => (g.slug === first ? 0 : g.section === 'Guides' ? 1 : 2);
  return guides.sort((a, b) => rank(a) - rank(b) || a.title.localeCompare(b.title));
}

/** A heading's anchor as GitHub makes it, so links written for GitHub work on the site too. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]+>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

export interface RenderedGuide {
  html: string;
  /** `##` headings, for the page's table of contents. */
  sections: Array<{ id: string; text: string }>;
}

export function renderGuide(guide: Guide, slugs: ReadonlySet<string>): RenderedGuide {
  const sections: RenderedGuide['sections'] = [];
  const used = new Map<string, number>();
  const marked = new Marked({ gfm: true });
  marked.use({
    renderer: {
      heading({ tokens, depth, text }: Tokens.Heading) {
        const base = slugify(text);
        const count = used.get(base) ?? 0;
        used.set(base, count + 1);
        const id = count === 0 ? base : `${base}-${count}`;
        if (depth === 2) sections.push({ id, text: plain(text) });
        return `<h${depth} id="${id}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
      link({ href, title, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        const target = siteHref(href, slugs);
        if (target === undefined) return inner;
        return `<a href="${escapeAttribute(target)}"${title ? ` title="${escapeAttribute(title)}"` : ''}>${inner}</a>`;
      },
    },
  });
  return { html: marked.parse(guide.markdown, { async: false }), sections };
}

/** Where a link of a guide points on the site, or undefined when its target is not published. */
function siteHref(href: string, slugs: ReadonlySet<string>): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#')) return href;
  const [path = '', anchor] = href.split('#', 2);
  const md = /^(?:\.\/)?([\w-]+)\.md$/.exec(path);
  if (md && slugs.has(md[1]!)) return `${md[1]}.html${anchor ? `#${anchor}` : ''}`;
  if (/^(?:\.\/)?images\//.test(path)) return href;
  return undefined;
}

function plain(text: string): string {
  return text.replace(/[`*_]/g, '');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
