/** The real reference server on a random loopback port, for one test file. */
import { startServer, type RunningServer, type ServeOptions } from '../../src/server/index.js';

export async function withServer(options: ServeOptions = {}): Promise<RunningServer & { lines: string[] }> {
  const lines: string[] = [];
  const server = await startServer({ host: '127.0.0.1', port: 0, log: (line) => lines.push(line), ...options });
  return Object.assign(server, { lines });
}
