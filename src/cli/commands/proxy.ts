/** `sambakit proxy`: the validating proxy, until SIGINT or SIGTERM. @module */
import { createWriteStream, type WriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { apiNames, type ApiName } from '../../contract/apis.js';
import { defaultProxyOptions, formatSummary, parseTarget, readTargetCa, startProxy, type ProxyRecord } from '../../proxy/index.js';
import { PortInUseError } from '../../server/port-in-use.js';
import { apiChoices, resolveApi } from '../api-name.js';
import { CommandFailure, UsageError } from '../run-command.js';

export const proxyUsage =
  `usage: sambakit proxy --api <${apiNames.join('|')}> --target URL [--target-ca FILE] [--host H] [--port P] [--strict] [--log FILE] [--upstream-timeout MS] [--body-timeout MS] [--check-limit BYTES]\n` +
  `  forwards to URL and checks every request, answer and stream item against the API's spec;\n` +
  `  violations and upstream faults go to FILE (or stderr) as JSON lines, a summary on exit (exit 1 if any violation was seen)\n` +
  `  --target-ca FILE: PEM certificates of CAs an https target may chain to, on top of Node's own (and NODE_EXTRA_CA_CERTS)\n` +
  `  --port defaults to ${defaultProxyOptions.port}, --upstream-timeout to ${defaultProxyOptions.upstreamTimeoutMs} ms, --body-timeout (a body --strict holds) to ${defaultProxyOptions.bodyTimeoutMs} ms, --check-limit to ${defaultProxyOptions.checkLimitBytes} bytes\n` +
  '  exit 0 no violation seen, 1 violations seen, 2 usage error or port in use';

export interface ProxyArgv {
  api: ApiName;
  target: URL;
  /** PEM certificates read from --target-ca. */
  targetCa: string[] | undefined;
  host: string;
  port: number;
  strict: boolean;
  log: string | undefined;
  upstreamTimeoutMs: number;
  bodyTimeoutMs: number;
  checkLimitBytes: number;
}

function whole(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag} expects a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

export function parseProxyArgs(args: string[]): ProxyArgv {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        api: { type: 'string' },
        target: { type: 'string' },
        'target-ca': { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        strict: { type: 'boolean' },
        log: { type: 'string' },
        'upstream-timeout': { type: 'string' },
        'body-timeout': { type: 'string' },
        'check-limit': { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.api === undefined) throw new UsageError(`--api is required (one of: ${apiChoices})`);
  const api = resolveApi(values.api);
  if (values.target === undefined) throw new UsageError('--target is required (the URL to forward to, e.g. http://127.0.0.1:8080/cloud/v1)');
  let target: URL;
  try {
    target = parseTarget(values.target);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const caFile = values['target-ca'];
  if (caFile !== undefined && target.protocol !== 'https:') throw new UsageError(`--target-ca applies to an https:// target; ${target.origin} is not one`);
  let targetCa: string[] | undefined;
  try {
    targetCa = caFile === undefined ? undefined : readTargetCa(caFile);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.log !== undefined && values.log.trim() === '') throw new UsageError('--log expects a file name');
  return {
    api,
    target,
    targetCa,
    host: values.host ?? defaultProxyOptions.host,
    port: values.port === undefined ? defaultProxyOptions.port : whole('--port', values.port, 0, 65535),
    strict: values.strict ?? false,
    log: values.log,
    upstreamTimeoutMs: values['upstream-timeout'] === undefined ? defaultProxyOptions.upstreamTimeoutMs : whole('--upstream-timeout', values['upstream-timeout'], 1, 2 ** 31 - 1),
    bodyTimeoutMs: values['body-timeout'] === undefined ? defaultProxyOptions.bodyTimeoutMs : whole('--body-timeout', values['body-timeout'], 1, 2 ** 31 - 1),
    checkLimitBytes: values['check-limit'] === undefined ? defaultProxyOptions.checkLimitBytes : whole('--check-limit', values['check-limit'], 0, Number.MAX_SAFE_INTEGER),
  };
}

function openLog(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(path, { flags: 'a' });
    stream.once('open', () => resolve(stream));
    stream.once('error', (error) => reject(new CommandFailure(`--log ${path}: ${error.message}`, 2)));
  });
}

export async function handleProxy(args: string[]): Promise<number> {
  const argv = parseProxyArgs(args);
  const file = argv.log === undefined ? undefined : await openLog(argv.log);
  const write = (line: string) => (file ? file.write(line) : process.stderr.write(line));
  let violations = 0;
  const record = (entry: ProxyRecord) => {
    if (entry.kind === 'violation') violations++;
    write(`${JSON.stringify(entry)}\n`);
  };
  let proxy;
  try {
    proxy = await startProxy({ api: argv.api, target: argv.target, ...(argv.targetCa ? { targetCa: argv.targetCa } : {}), host: argv.host, port: argv.port, strict: argv.strict, upstreamTimeoutMs: argv.upstreamTimeoutMs, bodyTimeoutMs: argv.bodyTimeoutMs, checkLimitBytes: argv.checkLimitBytes, record });
  } catch (error) {
    file?.end();
    if (error instanceof PortInUseError) throw new CommandFailure(error.message, 2);
    throw error;
  }
  process.stdout.write(`listening on ${proxy.url} -> ${proxy.target}\n  api: ${argv.api}${argv.strict ? ', --strict: invalid requests are answered by the proxy' : ''}; log: ${argv.log ?? 'stderr'}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const summary = await proxy.close();
  process.stderr.write(`${formatSummary(summary)}\n`);
  if (file) await new Promise<void>((resolve) => file.end(resolve));
  return violations > 0 ? 1 : 0;
}
