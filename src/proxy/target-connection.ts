/**
 * The proxy's connections to the target: plain TCP for http, TLS for https with the host name sent
 * for SNI and the certificate verified (Node's own checks: chain, dates, host name). A private CA
 * (an intranet host) is trusted on top of Node's built-in list, with `--target-ca` or Node's own
 * NODE_EXTRA_CA_CERTS; a certificate that fails is a 502 naming why, never a connection in clear.
 * @module
 */
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls, rootCertificates } from 'node:tls';

/** How to reach the target: its URL and, for https, the CAs its certificate may chain to (undefined: Node's defaults). */
export interface TargetEndpoint {
  url: URL;
  ca: readonly string[] | undefined;
}

const pemCertificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The certificates of a PEM file given as `--target-ca`; throws a TypeError naming the file and
 * what is wrong with it (unreadable, no certificate, one that does not parse).
 */
export function readTargetCa(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TypeError(`--target-ca ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const certificates = text.match(pemCertificate) ?? [];
  if (certificates.length === 0) throw new TypeError(`--target-ca ${path}: no PEM certificate in it (expected "-----BEGIN CERTIFICATE-----" blocks)`);
  certificates.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (error) {
      throw new TypeError(`--target-ca ${path}: certificate ${i + 1} does not parse (${error instanceof Error ? error.message : String(error)})`);
    }
  });
  return certificates;
}

/**
 * The CAs a target's certificate may chain to when the user adds some: Node's built-in list, the
 * file NODE_EXTRA_CA_CERTS names (a `ca` option replaces both, so they are put back), then `extra`.
 */
export function trustedCas(extra: readonly string[]): string[] {
  const fromEnv = process.env.NODE_EXTRA_CA_CERTS;
  let envCas: string[] = [];
  if (fromEnv) {
    try {
      envCas = readFileSync(fromEnv, 'utf8').match(pemCertificate) ?? [];
    } catch {
      // Node has already warned at start-up that it cannot read this file; it adds nothing there either.
    }
  }
  return [...rootCertificates, ...envCas, ...extra];
}

/** A new connection to the target (TLS for https, with its host name for SNI). */
export function connectTarget({ url, ca }: TargetEndpoint): Socket {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const tls = url.protocol === 'https:';
  const port = Number(url.port || (tls ? 443 : 80));
  const socket = tls ? connectTls({ host, port, ALPNProtocols: ['http/1.1'], ...(isIP(host) ? {} : { servername: host }), ...(ca ? { ca: [...ca] } : {}) }) : connectTcp({ host, port });
  socket.setNoDelay(true);
  return socket;
}

/** Certificate checks that failed: the chain, the dates or the name (OpenSSL's codes and Node's own). */
const certificateCodes = /^(ERR_TLS_CERT_ALTNAME_INVALID|.*CERT.*|UNABLE_TO_.*|.*SIGNATURE.*)$/;

/** OpenSSL's message: `...:error:<hex>:<library>:<function>:<reason>:<file>:<line>:`. */
const opensslReason = /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):/;

/** Why a connection to the target failed, as the 502 and its record say it. */
export function targetFailure(error: Error & { code?: string }): string {
  const code = error.code ?? '';
  if (certificateCodes.test(code)) return `TLS: the target's certificate was refused (${code}: ${error.message}); to trust a private CA, pass --target-ca FILE or set NODE_EXTRA_CA_CERTS`;
  // OpenSSL's own failures (EPROTO: a port that does not speak TLS, say) are told by their short reason, not the source line.
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return `TLS: the handshake with the target failed (${code}: ${opensslReason.exec(error.message)?.[1] ?? error.message.trim()})`;
  return code || error.message;
}
