/**
 * Header lists as they cross the proxy: kept in their raw order and case, minus the hop-by-hop
 * headers (RFC 9110 §7.6.1), which describe one connection and not the message.
 * @module
 */

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * Headers of a request that the proxy writes itself on its connection to the target: Expect is met
 * by the proxy (it answers the client's `100 Continue`), and the body's length is the proxy's framing.
 */
const writtenByTheHop = new Set(['host', 'expect', 'content-length']);

/**
 * `raw` (a raw list: name, value, name, value...) without hop-by-hop headers and those the
 * Connection header names. `host`, when given, marks a request: it replaces the Host header (the
 * target's virtual host) and Expect is left out.
 */
export function forwardedHeaders(raw: readonly string[], host?: string): string[] {
  const named = namedByConnection(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (ofTheConnection(name, named)) continue;
    if (host !== undefined && (name === 'host' || name === 'expect')) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  if (host !== undefined) out.unshift('Host', host);
  return out;
}

/** Whether header `name` (lower case) describes the connection: hop-by-hop, or named by the Connection header (`named`). */
function ofTheConnection(name: string, named: ReadonlySet<string> | undefined): boolean {
  return hopByHop.has(name) || named?.has(name) === true;
}

/** The headers a Connection header names (lower case): hop-by-hop too. */
function namedByConnection(raw: readonly string[]): Set<string> | undefined {
  let named: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') {
      for (const token of raw[i + 1]!.split(',')) (named ??= new Set()).add(token.trim().toLowerCase());
    }
  }
  return named;
}

/** How a request's body is framed on the proxy's connection to the target. */
export type Framing = { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'none' };

/**
 * A request's head as the proxy writes it to the target: the request line with the target's path
 * (and the client's HTTP version, so that the target frames its answer for the client),
 * the end-to-end headers in their order and case, then the three the hop writes, in lower case:
 * `host` (the target's), the body's framing and `connection` (the client's choice, mirrored: one
 * target connection serves one client connection).
 */
export function requestHead(method: string, path: string, version: string, raw: readonly string[], host: string, framing: Framing, keepAlive: boolean): string {
  let head = `${method} ${path} HTTP/${version}\r\nhost: ${host}\r\n`;
  // One pass over the list, building the head as it goes: this is on every request's way to the target.
  const named = namedByConnection(raw);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!ofTheConnection(name, named) && !writtenByTheHop.has(name)) head += `${raw[i]}: ${raw[i + 1]}\r\n`;
  }
  if (framing.kind === 'length') head += `content-length: ${framing.length}\r\n`;
  else if (framing.kind === 'chunked') head += 'transfer-encoding: chunked\r\n';
  return `${head}connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`;
}

/** One header's value from a raw list (the first, case-insensitive). */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/** Headers of which a repeat is dropped (the first counts), as node:http reads them. */
const single = new Set(['age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent']);

/** A raw list as one object by lower-case name, repeats joined as node:http joins them (what the request checks read). */
export function headersObject(raw: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const before = out[name];
    if (before === undefined) out[name] = name === 'set-cookie' ? [value] : value;
    else if (Array.isArray(before)) before.push(value);
    else if (!single.has(name)) out[name] = `${before}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
  return out;
}
