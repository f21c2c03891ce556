/**
 * The reference server's routes, from the operations tables of generated/: one per operation, at
 * the API's mount point, with its security, request media types, validators and stream framings.
 * Nothing here names an operation: a new operation in the spec appears here by itself.
 * @module
 */
import { matchTemplate, templateParamNames, templatePattern } from '../validate/path-template.js';
import { apiNames, apis, contracts, type ApiName, type OperationInfo, type OperationValidators, type SecurityScheme, type StreamFraming } from '../contract/index.js';

export type { SecurityScheme };

export interface Route {
  api: ApiName;
  operationId: string;
  /** Upper case. */
  method: string;
  /** Path as the spec writes it (`/v1/{project_id}/{endpoint_id}/chat/completions`). */
  specPath: string;
  /** Path on this server (mount + spec path). */
  template: string;
  pattern: RegExp;
  paramNames: string[];
  /** Alternatives (any one passes), each a list of schemes that must all pass. */
  security: OperationInfo['security'];
  requestMediaTypes: readonly string[];
  bodyRequired: boolean;
  validators: OperationValidators;
  streams: Readonly<Record<string, StreamFraming>>;
  /** Component name of the JSON schema the operation's 400 response declares: which error shape it speaks. */
  errorSchema: string | null;
  /** A deprecated alias (the vendor examples' repeated suffix): served, never suggested by a 404. */
  deprecated: boolean;
}

export function buildRoutes(names: readonly ApiName[] = apiNames): Route[] {
  const routes: Route[] = [];
  for (const api of names) {
    const table: Readonly<Record<string, OperationInfo>> = contracts[api].operationTable;
    const validatorsById: Readonly<Record<string, OperationValidators>> = contracts[api].validators;
    for (const operation of Object.values(table)) {
      const validators = validatorsById[operation.operationId];
      if (!validators) throw new Error(`${api} ${operation.operationId}: no generated validators; run \`npm run generate\``);
      const template = `${apis[api].mount}${operation.path}`;
      routes.push({
        api,
        operationId: operation.operationId,
        method: operation.method,
        specPath: operation.path,
        template,
        pattern: templatePattern(template),
        paramNames: templateParamNames(operation.path),
        security: operation.security,
        requestMediaTypes: operation.request.mediaTypes,
        bodyRequired: operation.request.required,
        validators,
        streams: operation.streams,
        errorSchema: operation.errorSchema,
        deprecated: operation.deprecated === true,
      });
    }
  }
  return routes;
}

/** The parameters of every path without any: one object, not one per request (an open stream holds its request's). */
const noParams: Readonly<Record<string, string>> = Object.freeze({});

/** The routes by method, for lookups: paths without parameters in a map, the rest tried in spec order. */
export class RouteTable {
  private readonly fixed = new Map<string, Route>();
  private readonly templated = new Map<string, Route[]>();

  constructor(readonly routes: readonly Route[]) {
    for (const route of routes) {
      if (route.paramNames.length === 0) this.fixed.set(`${route.method} ${route.template}`, route);
      else this.templated.set(route.method, [...(this.templated.get(route.method) ?? []), route]);
    }
  }

  find(method: string, pathname: string): { route: Route; params: Readonly<Record<string, string>> } | undefined {
    const route = this.fixed.get(`${method} ${pathname}`);
    if (route) return { route, params: noParams };
    for (const candidate of this.templated.get(method) ?? []) {
      const params = matchPath(candidate, pathname);
      if (params) return { route: candidate, params };
    }
    return undefined;
  }
}

/** Path parameters of `pathname` if it fits the route's template. */
export function matchPath(route: Route, pathname: string): Record<string, string> | undefined {
  return matchTemplate(route.pattern, route.paramNames, pathname);
}

/**
 * The route a mistaken path was most likely meant for: fewest segment edits, where a `{param}`
 * segment matches anything. Used to say what to fix in a 404.
 */
export function nearestRoute(routes: readonly Route[], pathname: string): { route: Route; suggestion: string } | undefined {
  const segments = pathname.split('/').filter(Boolean);
  let best: { route: Route; distance: number; suggestion: string } | undefined;
  for (const route of routes) {
    if (route.deprecated) continue;
    const template = route.template.split('/').filter(Boolean);
    const { distance, aligned } = segmentDistance(segments, template);
    if (!best || distance < best.distance) best = { route, distance, suggestion: `/${aligned.join('/')}` };
  }
  return best && best.distance <= Math.max(3, Math.ceil(segments.length / 2)) ? { route: best.route, suggestion: best.suggestion } : undefined;
}

/** Edit distance over path segments; also returns the template filled with the request's own values. */
function segmentDistance(have: string[], want: string[]): { distance: number; aligned: string[] } {
  const rows = have.length + 1;
  const cols = want.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const same = (a: string, b: string) => b.startsWith('{') || a === b;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (same(have[i - 1]!, want[j - 1]!) ? 0 : 1));
    }
  }
  // Walk back to fill template parameters with the segments the caller sent.
  const aligned = [...want];
  let i = have.length;
  let j = want.length;
  // On ties, drop a segment of the caller's path before pairing: a doubled suffix
  // (`.../chat/completions/chat/completions`) is then the extra part, not the parameters.
  while (i > 0 && j > 0) {
    const diagonal = d[i - 1]![j - 1]! + (same(have[i - 1]!, want[j - 1]!) ? 0 : 1);
    if (d[i]![j] === d[i - 1]![j]! + 1) i--;
    else if (d[i]![j] === diagonal) {
      if (want[j - 1]!.startsWith('{') && same(have[i - 1]!, want[j - 1]!)) aligned[j - 1] = have[i - 1]!;
      i--;
      j--;
    } else j--;
  }
  return { distance: d[have.length]![want.length]!, aligned };
}
