/** The `--api` flag of the commands that take one: the canonical names and the short ones users type. @module */
import { apiNames, isApiName, type ApiName } from '../contract/index.js';
import { UsageError } from './run-command.js';

/** Names users type for an API, besides the canonical ones. */
const apiAliases: Readonly<Record<string, ApiName>> = { cloud: 'sambanova-cloud', studio: 'sambastudio', djl: 'lmi' };

/** The flag's help: every name it takes. */
export const apiChoices = `${apiNames.join(', ')} (aliases: ${Object.keys(apiAliases).join(', ')})`;

/** The API `raw` names, in any case; a usage error listing the names otherwise. */
export function resolveApi(raw: string): ApiName {
  const name = raw.trim().toLowerCase();
  if (isApiName(name)) return name;
  const alias = apiAliases[name];
  if (alias) return alias;
  throw new UsageError(`unknown API "${raw}"; use one of: ${apiChoices}`);
}
