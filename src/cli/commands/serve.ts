/** `sambakit serve`: the reference server, until SIGINT or SIGTERM. @module */
import { parseArgs } from 'node:util';
import { defaultServerOptions, type ServerOptions } from '../../server/options.js';
import { PortInUseError, startServer } from '../../server/serve.js';
import { LineBatch } from '../line-batch.js';
import { CommandFailure, UsageError } from '../run-command.js';

export const serveUsage =
  'usage: sambakit serve [--host H] [--port P] [--api-key K] [--ttft-ms N] [--tokens-per-second N] [--seed N] [--cors ORIGINS|*|off] [--body-limit BYTES]\n' +
  '                     [--sambastudio-context-tokens N] [--lmi-context-tokens N]\n' +
  '                     [--headers-timeout-ms N] [--request-timeout-ms N] [--body-idle-timeout-ms N]\n' +
  '  PORT sets the default port, SAMBAKIT_API_KEY the default key, SAMBAKIT_SAMBASTUDIO_CONTEXT_TOKENS and\n' +
  '  SAMBAKIT_LMI_CONTEXT_TOKENS the default context lengths\n' +
  '  exit 0 after SIGINT or SIGTERM, 2 usage error or port in use';

export interface ServeArgv extends ServerOptions {
  host: string;
  port: number;
}

function number(flag: string, raw: string, { integer = false, min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag} expects ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function parseServeArgs(args: string[], env: NodeJS.ProcessEnv = process.env): ServeArgv {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'api-key': { type: 'string' },
        'ttft-ms': { type: 'string' },
        'tokens-per-second': { type: 'string' },
        seed: { type: 'string' },
        cors: { type: 'string' },
        'body-limit': { type: 'string' },
        'sambastudio-context-tokens': { type: 'string' },
        'lmi-context-tokens': { type: 'string' },
        'headers-timeout-ms': { type: 'string' },
        'request-timeout-ms': { type: 'string' },
        'body-idle-timeout-ms': { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const apiKey = values['api-key'] ?? env.SAMBAKIT_API_KEY;
  if (apiKey !== undefined && apiKey.trim() === '') throw new UsageError('--api-key (or SAMBAKIT_API_KEY) must not be empty');
  const headersTimeoutMs = milliseconds('--headers-timeout-ms', values['headers-timeout-ms']);
  const requestTimeoutMs = milliseconds('--request-timeout-ms', values['request-timeout-ms']);
  if ((requestTimeoutMs ?? defaultServerOptions.requestTimeoutMs) < (headersTimeoutMs ?? defaultServerOptions.headersTimeoutMs)) {
    throw new UsageError('--request-timeout-ms must be at least --headers-timeout-ms (the headers are part of the request)');
  }
  const cors = values.cors === undefined ? undefined : values.cors === 'off' ? false : values.cors === '*' ? '*' : corsOrigins(values.cors);
  return {
    host: values.host ?? '127.0.0.1',
    port: number('--port', values.port ?? env.PORT ?? '8080', { integer: true, max: 65535 }),
    apiKey,
    ttftMs: values['ttft-ms'] === undefined ? undefined : number('--ttft-ms', values['ttft-ms']),
    tokensPerSecond: values['tokens-per-second'] === undefined ? undefined : number('--tokens-per-second', values['tokens-per-second'], { min: 0.001 }),
    seed: values.seed === undefined ? undefined : number('--seed', values.seed, { integer: true, min: -(2 ** 31), max: 2 ** 31 - 1 }),
    cors,
    bodyLimitBytes: values['body-limit'] === undefined ? undefined : number('--body-limit', values['body-limit'], { integer: true, min: 1 }),
    sambastudioContextTokens: contextTokens('--sambastudio-context-tokens', values['sambastudio-context-tokens'] ?? env.SAMBAKIT_SAMBASTUDIO_CONTEXT_TOKENS),
    lmiContextTokens: contextTokens('--lmi-context-tokens', values['lmi-context-tokens'] ?? env.SAMBAKIT_LMI_CONTEXT_TOKENS),
    headersTimeoutMs,
    requestTimeoutMs,
    bodyIdleTimeoutMs: milliseconds('--body-idle-timeout-ms', values['body-idle-timeout-ms']),
  };
}

/** A browser sends `Origin` as scheme, host and port alone, so any other entry could never match. */
function corsOrigins(raw: string): string[] {
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: string | undefined;
    try {
      parsed = new URL(origin).origin;
    } catch {
      // Reported below with what was expected.
    }
    if (parsed === undefined || parsed === 'null' || parsed !== origin) {
      const hint = parsed !== undefined && parsed !== 'null' ? ` (did you mean "${parsed}"?)` : '';
      throw new UsageError(`--cors expects *, off, or a comma-separated list of origins like https://app.example.com:8443, got "${origin}"${hint}`);
    }
    return origin;
  });
}

function milliseconds(flag: string, raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : number(flag, raw, { integer: true, min: 1 });
}

function contextTokens(flag: string, raw: string | undefined): number | undefined {
  return raw === undefined ? undefined : number(flag, raw, { integer: true, min: 2 });
}

export async function handleServe(args: string[]): Promise<number> {
  const argv = parseServeArgs(args);
  let server;
  const log = new LineBatch(process.stdout);
  try {
    server = await startServer({ ...argv, log: log.add });
  } catch (error) {
    if (error instanceof PortInUseError) throw new CommandFailure(error.message, 2);
    throw error;
  }
  // One write, so that whoever waits for the `listening on` line also has the rest of the banner.
  process.stdout.write(
    [
      `listening on ${server.url}`,
      `  API docs (Swagger UI): ${server.url}/api/docs; docs site: ${server.url}/docs`,
      `  SambaStudio: ${server.url}/v1/<project>/<endpoint>, ${server.url}/api/predict/...; SambaNova Cloud: ${server.url}/cloud/v1 (Anthropic SDKs: ${server.url}/cloud); LMI: ${server.url}/lmi/v1`,
      argv.apiKey
        ? '  auth: only the configured API key passes (LMI too)'
        : '  auth: no --api-key set, so any non-empty key passes (a missing key is still 401, except on LMI, which checks no key)',
      `  pacing: first token after ${argv.ttftMs ?? defaultServerOptions.ttftMs} ms, then ${argv.tokensPerSecond ?? defaultServerOptions.tokensPerSecond} tokens/s; seed ${argv.seed ?? defaultServerOptions.seed}`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  log.flush();
  return 0;
}
