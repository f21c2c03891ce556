#!/usr/bin/env node
/** The `sambakit` command. @module */
import { diffUsage, handleDiff } from './commands/diff.js';
import { handleProxy, proxyUsage } from './commands/proxy.js';
import { handleServe, serveUsage } from './commands/serve.js';
import { handleValidate, validateUsage } from './commands/validate.js';
import { runCommand, type CommandHandler } from './run-command.js';

const commands: Record<string, { handler: CommandHandler; usage: string }> = {
  serve: { handler: handleServe, usage: serveUsage },
  diff: { handler: handleDiff, usage: diffUsage },
  validate: { handler: handleValidate, usage: validateUsage },
  proxy: { handler: handleProxy, usage: proxyUsage },
};

const usage = `usage: sambakit <command> [options]\ncommands:\n${Object.values(commands)
  .map((c) => `  ${c.usage.replace(/^usage: /, '')}`)
  .join('\n')}`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(`${usage}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`sambakit: unknown command "${name}"\n${usage}\n`);
    return 2;
  }
  return runCommand(command.handler, rest, command.usage);
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
