/** `sambakit serve`: the reference server, until SIGINT or SIGTERM. @module */
import { parseArgs } from 'node:util';
import { PortInUseError, startServer } from '../../server/serve.js';
import { CommandFailure, UsageError } from '../run-command.js';

export const serveUsage = 'usage: sambakit serve [--host H] [--port P]   (PORT in the environment sets the default port)';

export interface ServeArgv {
  host: string;
  port: number;
}

export function parseServeArgs(args: string[], env: NodeJS.ProcessEnv = process.env): ServeArgv {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { host: { type: 'string' }, port: { type: 'string' } },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const rawPort = values.port ?? env.PORT ?? '8080';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) {
    throw new UsageError(`--port expects a whole number from 0 to 65535, got "${rawPort}"`);
  }
  return { host: values.host ?? '127.0.0.1', port };
}

export async function handleServe(args: string[]): Promise<number> {
  const argv = parseServeArgs(args);
  let server;
  try {
    server = await startServer({ host: argv.host, port: argv.port, log: (line) => process.stdout.write(`${line}\n`) });
  } catch (error) {
    if (error instanceof PortInUseError) throw new CommandFailure(error.message, 2);
    throw error;
  }
  process.stdout.write(`listening on ${server.url}\n`);
  process.stdout.write(`  API docs (Swagger UI): ${server.url}/api/docs\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
