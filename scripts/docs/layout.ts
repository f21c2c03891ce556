/**
 * The frame of the site's own pages (landing page and guides): one stylesheet, a navigation that
 * lists the API references and every guide, and plain HTML that works without JavaScript, from a
 * folder, a static host or the reference server's `/docs`.
 * @module
 */
import type { Guide } from './guides.js';

export interface SiteNav {
  apis: ReadonlyArray<{ name: string; title: string }>;
  guides: readonly Guide[];
}

export interface PageInit {
  title: string;
  description: string;
  /** Path from the site's root to the folder holding this page: '' or '../'. */
  root: string;
  /** The page's own path from the root, to mark it in the navigation. */
  path: string;
  body: string;
}

export function page(nav: SiteNav, init: PageInit): string {
  const { root } = init;
  const link = (path: string, text: string) =>
    `<li><a href="${root}${path}"${path === init.path ? ' aria-current="page"' : ''}>${escapeHtml(text)}</a></li>`;
  const sections = [...new Set(nav.guides.map((g) => g.section))];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(init.title)}</title>
<meta name="description" content="${escapeHtml(init.description)}">
<link rel="icon" href="${root}assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${root}assets/site.css">
</head>
<body>
<header class="site-header"><a class="brand" href="${root}index.html">sambakit docs</a></header>
<div class="layout">
<nav class="site-nav" aria-label="Site">
<h2>API reference</h2>
<ul>${nav.apis.map((api) => link(`api/${api.name}.html`, api.title)).join('')}</ul>
${sections.map((section) => `<h2>${section}</h2>\n<ul>${nav.guides.filter((g) => g.section === section).map((g) => link(`guides/${g.slug}.html`, g.title)).join('')}</ul>`).join('\n')}
</nav>
<main>
${init.body}
</main>
</div>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
