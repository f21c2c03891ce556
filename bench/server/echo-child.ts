/**
 * The baseline the server bench's goal names: `node:http` as a JSON echo, reading each request's
 * body, parsing it and answering 200 with it serialised again. The least a JSON API server does per
 * request, with no framework, no validation and no answer of its own. Forked by bench/server.bench.ts.
 * @module
 */
import { createServer } from 'node:http';
import { serveAsChild } from './messages.js';

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
serveAsChild(server);
