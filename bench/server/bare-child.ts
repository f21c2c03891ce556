/**
 * The baseline of the server bench: `node:http` answering every request with the same 200 JSON body
 * (given by the parent in BARE_BODY), without reading or parsing the request. Forked by
 * bench/server.bench.ts, as perf-baselines.md §2 measured "bare".
 * @module
 */
import { createServer } from 'node:http';
import { serveAsChild } from './messages.js';

const body = Buffer.from(process.env.BARE_BODY ?? '{}');
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  response.end(body);
});
serveAsChild(server);
