/** Fetching a spec or a docs page over HTTP, with a time limit and errors that name the URL. @module */
import { DiffInputError } from './errors.js';

export interface FetchedText {
  url: string;
  body: string;
  contentType: string;
}

const fetchTimeoutMs = 30_000;

/** Errors of a kept-alive connection the server closed as the request left: a GET is safe to send again. */
const staleConnection = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

function get(url: string): Promise<Response> {
  return fetch(url, {
    headers: { accept: 'application/json, application/yaml, text/yaml, text/html;q=0.9, */*;q=0.8' },
    redirect: 'follow',
    signal: AbortSignal.timeout(fetchTimeoutMs),
  });
}

export async function fetchText(url: string): Promise<FetchedText> {
  let response: Response;
  try {
    response = await get(url).catch((error: unknown) => {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code && staleConnection.has(code)) return get(url);
      throw error;
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? `no answer in ${fetchTimeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new DiffInputError(`${url}: could not fetch (${why})`);
  }
  const body = await response.text().catch((error: unknown) => {
    throw new DiffInputError(`${url}: the answer was cut off (${(error as Error).message})`);
  });
  if (!response.ok) throw new DiffInputError(`${url}: HTTP ${response.status} ${response.statusText}`.trimEnd());
  return { url: response.url || url, body, contentType: response.headers.get('content-type') ?? '' };
}
