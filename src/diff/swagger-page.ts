/**
 * Finding the spec a Swagger UI page shows: the `url` or `urls` of its `SwaggerUIBundle` call, in
 * the page itself, in a script of the page's own (swagger-ui-dist's `swagger-initializer.js`), or
 * in the JSON its `configUrl` names (springdoc). A page listing several specs needs a choice.
 * @module
 */
import { DiffInputError } from './errors.js';
import { fetchText, type FetchedText } from './http-source.js';

export interface ListedSpec {
  url: string;
  name: string;
}

/** True when `fetched` is an HTML page rather than a document. */
export function isHtmlPage(fetched: FetchedText): boolean {
  return /html/i.test(fetched.contentType) || /^\s*<(!doctype|html|head|body)/i.test(fetched.body);
}

const quoted = String.raw`(["'\x60])((?:(?!\1).)*)\1`;
const urlsArray = /(?<![\w$])["']?urls["']?\s*:\s*\[([\s\S]*?)\]/;
const singleUrl = new RegExp(String.raw`(?<![\w$.])["']?url["']?\s*:\s*${quoted}`);
const configUrl = new RegExp(String.raw`(?<![\w$.])["']?configUrl["']?\s*:\s*${quoted}`);
const field = (name: string) => new RegExp(String.raw`(?<![\w$])["']?${name}["']?\s*:\s*${quoted}`);

/** The specs named by one script or config text, in order; relative URLs resolved against `base`. */
function specsIn(text: string, base: string): ListedSpec[] {
  const list = urlsArray.exec(text);
  if (list) {
    const specs: ListedSpec[] = [];
    for (const entry of list[1]!.matchAll(/\{([^{}]*)\}/g)) {
      const url = field('url').exec(entry[1]!)?.[2];
      if (url) specs.push(named(new URL(url, base).href, field('name').exec(entry[1]!)?.[2]));
    }
    if (specs.length > 0) return specs;
  }
  const url = singleUrl.exec(text)?.[2];
  return url ? [named(new URL(url, base).href, undefined)] : [];
}

function named(url: string, name: string | undefined): ListedSpec {
  return { url, name: name ?? stem(url) };
}

/** `sambanova-cloud` for `.../api/docs/sambanova-cloud.json`. */
function stem(url: string): string {
  const last = new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? url;
  return decodeURIComponent(last).replace(/\.(json|ya?ml)$/i, '');
}

const bundledLibraries = /swagger-ui(-bundle|-standalone-preset|-es-bundle)?(\.min)?\.js$/;

/** Every spec `page` lists. */
async function specsOnPage(page: FetchedText): Promise<ListedSpec[]> {
  const inline = [...page.body.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1]!).filter((s) => s.trim() !== '');
  const texts = [...inline];
  for (const [, src] of page.body.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["'][^>]*>/gi)) {
    const scriptUrl = new URL(src!, page.url);
    if (scriptUrl.origin !== new URL(page.url).origin || bundledLibraries.test(scriptUrl.pathname)) continue;
    texts.push((await fetchText(scriptUrl.href)).body);
  }
  for (const text of texts) {
    const specs = specsIn(text, page.url);
    if (specs.length > 0) return specs;
    const config = configUrl.exec(text)?.[2];
    if (config) {
      const fetched = await fetchText(new URL(config, page.url).href);
      const fromConfig = specsIn(fetched.body, page.url);
      if (fromConfig.length > 0) return fromConfig;
    }
  }
  return [];
}

/** The spec to compare among those `page` lists: the only one, or the one `choice` names. */
export async function specOnPage(page: FetchedText, choice: string | undefined): Promise<ListedSpec> {
  const specs = await specsOnPage(page);
  if (specs.length === 0) throw new DiffInputError(`${page.url}: an HTML page that names no spec (no Swagger UI url or urls found)`);
  const choices = specs.map((s) => (s.name === stem(s.url) ? s.name : `${stem(s.url)} ("${s.name}")`)).join(', ');
  if (choice === undefined) {
    if (specs.length === 1) return specs[0]!;
    throw new DiffInputError(`${page.url}: the page lists ${specs.length} specs; pick one with --api: ${choices}`);
  }
  const wanted = choice.toLowerCase();
  const match = specs.find((s) => s.name.toLowerCase() === wanted || stem(s.url).toLowerCase() === wanted || s.url === choice);
  if (!match) throw new DiffInputError(`${page.url}: --api ${choice} is not among the specs the page lists: ${choices}`);
  return match;
}
