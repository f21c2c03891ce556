/**
 * Finds an operation by API and operationId, or by method and a concrete URL: the reference
 * server's mounts (`/cloud/v1/...`, `/lmi/...`) and the real hosts' paths
 * (`https://api.sambanova.ai/v1/...`, `/v1/{project}/{endpoint}/chat/completions`, `/invocations`)
 * all resolve. This loads every API's validators: code that checks one known operation imports its
 * validators from the contract layer instead and stays small.
 * @module
 */
import { apiNames, apis, contracts, isApiName, type ApiName } from '../contract/index.js';
import type { OperationValidators } from '../contract/operation.js';
import { matchTemplate, templateParamNames, templatePattern } from './path-template.js';

export interface OperationMatch {
  api: ApiName;
  operationId: string;
  validators: OperationValidators;
  /** Path parameters, decoded. */
  params: Record<string, string>;
  /** Other operations the same method and path would also fit (another API at the same path). */
  alternatives: Array<{ api: ApiName; operationId: string }>;
}

/** Unknown API or operation: the message names what exists. */
export class UnknownOperationError extends Error {
  override name = 'UnknownOperationError';
}

/** One operation's validators; throws `UnknownOperationError` naming the known APIs or operations. */
export function getOperation(api: string, operationId: string): OperationValidators {
  if (!isApiName(api)) throw new UnknownOperationError(`unknown API "${api}"; use one of: ${apiNames.join(', ')}`);
  const byId: Readonly<Record<string, OperationValidators>> = contracts[api].validators;
  const found = Object.hasOwn(byId, operationId) ? byId[operationId] : undefined;
  if (!found) throw new UnknownOperationError(`${api} has no operation "${operationId}"; it has: ${Object.keys(byId).join(', ')}`);
  return found;
}

interface Candidate {
  api: ApiName;
  operationId: string;
  method: string;
  pattern: RegExp;
  paramNames: string[];
  /** Host the prefix belongs to (a real service's), or undefined for any host. */
  host: string | undefined;
  /** How the prefix came: the reference server's mount, or a server URL of the document. */
  source: 'mount' | 'server';
}

let candidates: Candidate[] | undefined;

function allCandidates(): Candidate[] {
  if (candidates) return candidates;
  const out: Candidate[] = [];
  for (const api of apiNames) {
    const byId: Readonly<Record<string, OperationValidators>> = contracts[api].validators;
    const prefixes = new Map<string, { host: string | undefined; source: Candidate['source'] }>();
    for (const server of contracts[api].servers) prefixes.set(`${server.host ?? '*'} ${server.basePath}`, { host: server.host ?? undefined, source: 'server' });
    prefixes.set(`* ${apis[api].mount}`, { host: undefined, source: 'mount' });
    for (const validators of Object.values(byId)) {
      const { operationId, method, path } = validators.operation;
      for (const [key, { host, source }] of prefixes) {
        const prefix = key.slice(key.indexOf(' ') + 1);
        const template = `${prefix}${path}`;
        out.push({ api, operationId, method, pattern: templatePattern(template), paramNames: templateParamNames(template), host, source });
      }
    }
  }
  candidates = out;
  return out;
}

/**
 * The operation a request to `url` is for. `url` may be absolute or a path; `api` narrows the
 * search. When two APIs serve the same path (`POST /v1/chat/completions` is Cloud on
 * api.sambanova.ai and LMI anywhere), the one whose server host is the URL's wins, then a reference
 * server mount, then a server that names no host; the others are listed in `alternatives`.
 */
export function findOperation(method: string, url: string | URL, options: { api?: ApiName } = {}): OperationMatch | undefined {
  const parsed = typeof url === 'string' ? new URL(url, 'http://localhost') : url;
  const host = typeof url === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(url) ? undefined : parsed.hostname;
  const upper = method.toUpperCase();
  const matches: Array<{ candidate: Candidate; params: Record<string, string>; rank: number }> = [];
  for (const candidate of allCandidates()) {
    if (candidate.method !== upper || (options.api && candidate.api !== options.api)) continue;
    const params = matchTemplate(candidate.pattern, candidate.paramNames, parsed.pathname);
    if (!params) continue;
    const rank = candidate.host !== undefined ? (candidate.host === host ? 0 : 3) : candidate.source === 'mount' ? 1 : 2;
    matches.push({ candidate, params, rank });
  }
  if (matches.length === 0) return undefined;
  matches.sort((a, b) => a.rank - b.rank);
  const best = matches[0]!;
  const seen = new Set([`${best.candidate.api} ${best.candidate.operationId}`]);
  const alternatives: OperationMatch['alternatives'] = [];
  for (const { candidate } of matches.slice(1)) {
    const key = `${candidate.api} ${candidate.operationId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    alternatives.push({ api: candidate.api, operationId: candidate.operationId });
  }
  return { api: best.candidate.api, operationId: best.candidate.operationId, validators: getOperation(best.candidate.api, best.candidate.operationId), params: best.params, alternatives };
}
