/** Fetching a spec or a docs page over HTTP, with a time limit and errors that name the URL (never its credentials). @module */
import { DiffInputError } from './errors.js';

export interface FetchedText {
  url: string;
  body: string;
  contentType: string;
}

const fetchTimeoutMs = 30_000;

/** Errors of a kept-alive connection the server closed as the request left: a GET is safe to send again. */
const staleConnection = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** `scheme://user:password@` in any text: what a message or label may show of a URL's credentials. */
const userinfo = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

/** `text` with the credentials of every URL in it hidden (`https://***@host/...`). */
export function hideCredentials(text: string): string {
  return text.replace(userinfo, '$1***@');
}

/**
 * The request for `url`. Credentials in it (`https://user:password@host/api/docs`, a host behind
 * basic auth) go in an `Authorization: Basic` header, since fetch refuses URLs that carry them.
 */
function get(url: URL): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/yaml, text/yaml, text/html;q=0.9, */*;q=0.8' };
  const bare = new URL(url);
  if (url.username !== '' || url.password !== '') {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    bare.username = '';
    bare.password = '';
  }
  return fetch(bare, { headers, redirect: 'follow', signal: AbortSignal.timeout(fetchTimeoutMs) });
}

/** Where the answer came from, with the request's credentials kept while on the same origin, so that the page's relative URLs carry them too. */
function answeredUrl(requested: URL, response: Response): string {
  if (!response.url) return requested.href;
  const answered = new URL(response.url);
  if (answered.origin === requested.origin) {
    answered.username = requested.username;
    answered.password = requested.password;
  }
  return answered.href;
}

export async function fetchText(url: string): Promise<FetchedText> {
  const requested = new URL(url);
  const shown = hideCredentials(url);
  let response: Response;
  try {
    response = await get(requested).catch((error: unknown) => {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code && staleConnection.has(code)) return get(requested);
      throw error;
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? `no answer in ${fetchTimeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new DiffInputError(`${shown}: could not fetch (${hideCredentials(why)})`);
  }
  const body = await response.text().catch((error: unknown) => {
    throw new DiffInputError(`${shown}: the answer was cut off (${(error as Error).message})`);
  });
  if (!response.ok) throw new DiffInputError(`${shown}: HTTP ${response.status} ${response.statusText}`.trimEnd());
  return { url: answeredUrl(requested, response), body, contentType: response.headers.get('content-type') ?? '' };
}
