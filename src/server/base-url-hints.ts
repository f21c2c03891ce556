/**
 * @module What to tell a client whose base URL is wrong. SDKs add a fixed path to their base URL
 * (OpenAI's `/chat/completions`, Anthropic's `/v1/messages`), so a 404 whose path ends with what
 * some SDK adds, after the wrong prefix, says which base URL that SDK needs here: `/cloud` for
 * Anthropic SDKs (given `/cloud/v1` they ask for `/cloud/v1/v1/messages`), `/cloud/v1` for OpenAI
 * and SambaNova SDKs, `/lmi/v1` for LMI, `/v1/<project>/<endpoint>` for SambaStudio.
 */
import { apis } from '../contract/apis.js';
import type { Route } from './routes.js';

/** What one client family adds to its base URL for a route, and that base URL on this server. */
export interface ClientBase {
  family: string;
  /** The base URL's path here, `{param}` segments written as `<param>`. */
  base: string;
  /** The path the client adds. */
  added: string;
}

/** The paths OpenAI-style SDKs add to their base URL. */
const openAiResources = ['/chat/completions', '/completions', '/embeddings', '/audio/transcriptions', '/audio/translations', '/models', '/models/{model_id}', '/responses'];

const readable = (path: string) => path.replace(/\{(\w+?)(_id)?\}/g, '<$1>');

/** How an SDK reaches `route`, or undefined when no SDK does (native APIs, `/invocations`). */
export function clientBase(route: Route): ClientBase | undefined {
  const mount = apis[route.api].mount;
  if (route.api === 'sambanova-cloud' && route.specPath.startsWith('/messages')) {
    return { family: 'Anthropic SDKs', base: mount.replace(/\/v1$/, ''), added: `/v1${route.specPath}` };
  }
  const resource = openAiResources.find((path) => route.specPath.endsWith(path) && (path !== '/completions' || !route.specPath.endsWith('/chat/completions')));
  if (!resource) return undefined;
  const family = route.api === 'sambanova-cloud' ? 'OpenAI and SambaNova SDKs' : 'OpenAI SDKs';
  return { family, base: readable(mount + route.specPath.slice(0, -resource.length)), added: resource };
}

/** Whether `pathname` ends with what the client adds for `base` (parameters match one segment). */
function endsWithAdded(pathname: string, added: string): string | undefined {
  const pattern = new RegExp(`${added.replace(/\{[^}]+\}/g, '[^/]+')}$`);
  const match = pattern.exec(pathname);
  return match ? pathname.slice(0, match.index) : undefined;
}

export interface BaseUrlHint {
  route: Route;
  client: ClientBase;
}

/**
 * The routes a 404 path was probably meant for through an SDK with a wrong base URL: the path ends
 * with what the SDK adds, after another prefix than the right base. When the caller's path starts
 * with an API's mount segment only that API is named (`/lmi/v1/v1/chat/completions` is LMI, not
 * Cloud); otherwise one hint per API that has such a route.
 */
export function baseUrlHints(routes: readonly Route[], pathname: string): BaseUrlHint[] {
  const found: BaseUrlHint[] = [];
  for (const route of routes) {
    const client = clientBase(route);
    if (!client) continue;
    const prefix = endsWithAdded(pathname, client.added);
    if (prefix === undefined || prefix === client.base) continue;
    found.push({ route, client });
  }
  const first = pathname.split('/')[1];
  const own = found.filter((hint) => apis[hint.route.api].mount.split('/')[1] === first);
  const chosen = own.length > 0 ? own : found;
  const perApi = new Map<string, BaseUrlHint>();
  for (const hint of chosen) if (!perApi.has(hint.route.api)) perApi.set(hint.route.api, hint);
  return [...perApi.values()];
}

/** The hints as one sentence for an error message; `origin` is `http://host:port` as the client reached us. */
export function describeHints(hints: readonly BaseUrlHint[], origin: string): string {
  const parts = hints.map(({ route, client }) => `${apis[route.api].title} with ${client.family}: ${origin}${client.base} (the client adds ${readable(client.added)})`);
  return `The client's base URL looks wrong; set it to ${parts.join('; or for ')}.`;
}
