#!/usr/bin/env node
/** The `sambakit` command. @module */
import { readFileSync } from 'node:fs';
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

const usage = [
  'usage: sambakit <command> [options]     sambakit <command> --help     sambakit --version',
  'commands:',
  // A usage's first line and the lines of flags that continue it.
  ...Object.values(commands).flatMap((c) => c.usage.split('\n').filter((line, i) => i === 0 || /^\s+\[/.test(line)).map((line) => `  ${line.slice('usage: '.length)}`)),
  'exit codes: 0 ok, 1 the command found a problem (invalid payload, breaking change, violations seen),',
  '  2 usage error or a problem before work started (bad flag, unreadable input, port in use)',
  'output: data on stdout (--format json where it is data), messages and errors on stderr;',
  '  colour only on a terminal, never with NO_COLOR set',
].join('\n');

/** The installed package's version: package.json sits two folders up from dist/cli and src/cli alike. */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? process.stderr : process.stdout).write(`${usage}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`sambakit: unknown command "${name}"\n${usage}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  return runCommand(command.handler, rest, command.usage);
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
