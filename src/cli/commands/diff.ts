/** `sambakit diff OLD NEW`: breaking and non-breaking changes between two specs; exit 1 when any breaks. @module */
import { parseArgs } from 'node:util';
import type { LoadedSpec } from '../../diff/load.js';
import { CommandFailure, UsageError } from '../run-command.js';

export const diffUsage = [
  'usage: sambakit diff OLD NEW [--format text|json] [--api NAME]',
  '  OLD, NEW: a spec file (YAML or JSON; $refs to other files are resolved), a URL of a spec,',
  '            a Swagger UI page such as https://host/api/docs, or git:REF:path ($refs resolved at REF)',
  '  --format text|json  text for people (default), json for machines',
  '  --api NAME          which spec of a Swagger UI page that lists several (name or file stem)',
  '  -h, --help          this text',
  '  exit 0 no breaking change, 1 breaking changes, 2 usage error or unreadable spec; NO_COLOR turns colour off',
].join('\n');

async function loadBoth(oldSource: string, newSource: string, api: string | undefined): Promise<[LoadedSpec, LoadedSpec]> {
  // Loaded here, not at the top: the bundler is heavy, and every other command starts without it.
  const [{ loadSpec }, { DiffInputError }] = await Promise.all([import('../../diff/load.js'), import('../../diff/errors.js')]);
  const [before, after] = await Promise.allSettled([loadSpec(oldSource, { api }), loadSpec(newSource, { api })]);
  for (const side of [before, after]) {
    if (side.status === 'rejected') {
      if (side.reason instanceof DiffInputError) throw new CommandFailure(side.reason.message, 2);
      throw side.reason;
    }
  }
  return [(before as PromiseFulfilledResult<LoadedSpec>).value, (after as PromiseFulfilledResult<LoadedSpec>).value];
}

export async function handleDiff(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { format: { type: 'string' }, api: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format expects text or json, got "${format}"`);
  if (positionals.length !== 2) throw new UsageError(`expected two specs, OLD and NEW, got ${positionals.length}`);
  const [before, after] = await loadBoth(positionals[0]!, positionals[1]!, values.api);
  if (values.api !== undefined && !before.fromPage && !after.fromPage) throw new UsageError('--api picks a spec of a Swagger UI page, but neither OLD nor NEW is one');
  const [{ diffDocuments }, { toJson, toText }] = await Promise.all([import('../../diff/diff.js'), import('../../diff/report.js')]);
  const result = { ...diffDocuments(before.document, after.document), old: before.label, new: after.label };
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  process.stdout.write(format === 'json' ? toJson(result) : toText(result, { color: process.stdout.isTTY === true && !noColor }));
  return result.breaking > 0 ? 1 : 0;
}
