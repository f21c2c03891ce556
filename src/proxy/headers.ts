/**
 * Header lists as they cross the proxy: kept in their raw order and case, minus the hop-by-hop
 * headers (RFC 9110 §7.6.1), which describe one connection and not the message.
 * @module
 */

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * A request's Expect is met by the proxy's own listener (node:http answers `100 Continue` to the
 * client before the request is handed over), so it is not asked of the target again.
 */
const metByTheProxy = 'expect';

/**
 * `raw` (Node's `rawHeaders`: name, value, name, value...) without hop-by-hop headers and those the
 * Connection header names. `host`, when given, marks a request: it replaces the Host header (the
 * target's virtual host) and Expect is left out.
 */
export function forwardedHeaders(raw: readonly string[], host?: string): string[] {
  let named: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') {
      for (const token of raw[i + 1]!.split(',')) (named ??= new Set()).add(token.trim().toLowerCase());
    }
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (hopByHop.has(name) || named?.has(name)) continue;
    if (host !== undefined && (name === 'host' || name === metByTheProxy)) continue;
    out.push(raw[i]!, raw[i + 1]!);
  }
  if (host !== undefined) out.unshift('Host', host);
  return out;
}

/** One header's value from a raw list (the first, case-insensitive). */
export function rawHeader(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) return raw[i + 1];
  return undefined;
}
