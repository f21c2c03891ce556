/**
 * The baseline of the server bench: `node:http` answering every request with the same 200 JSON body
 * (given by the parent in BARE_BODY), without reading or parsing the request. Forked by
 * bench/server.bench.ts, as perf-baselines.md §2 measured "bare".
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloseMessage, ListeningMessage } from './messages.js';

const body = Buffer.from(process.env.BARE_BODY ?? '{}');
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const message: ListeningMessage = { type: 'listening', url: `http://127.0.0.1:${port}` };
  process.send!(message);
});
process.on('message', (message: CloseMessage) => {
  if (message.type !== 'close') return;
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
process.on('disconnect', () => process.exit(0));
