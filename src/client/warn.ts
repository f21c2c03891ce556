/** Where `validate: 'warn'` reports: the client's hook, else the console. @module */
import type { ClientHooks, ValidationWarning } from './options.js';

export function warnInvalid(hooks: ClientHooks | undefined, warning: ValidationWarning): void {
  if (hooks?.onValidationWarning) return hooks.onValidationWarning(warning);
  const what = warning.what === 'item' ? `stream item ${warning.index}` : 'answer';
  console.warn(`sambakit: ${warning.operationId} ${what} breaks the spec: ${warning.problems.join('; ')}`);
}
