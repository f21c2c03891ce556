/**
 * The design's first promise, for the client: an operation added to the spec is callable, typed,
 * after `npm run generate`, with no hand edits. A copy of the project gets a new Cloud operation
 * (`POST /things`, streaming too), is regenerated, a caller written against the new types is
 * type-checked (a wrong field must be rejected), then run against a node:http server that answers
 * that one operation, whole and as a stream.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/spec.js';
import { run, withTsx } from '../helpers/run.js';

const newPath = `
  /things:
    post:
      operationId: createThing
      summary: Make a thing
      description: A new operation, added by the test.
      tags: [Models]
      security:
        - bearerAuth: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: { type: string, description: The name. }
                stream: { type: boolean, description: Stream the answer. }
      responses:
        '200':
          description: The thing.
          content:
            application/json:
              schema:
                type: object
                required: [id, name]
                properties:
                  id: { type: string, description: Its id. }
                  name: { type: string, description: Its name. }
            text/event-stream:
              x-sambakit-stream: { framing: sse, terminator: '[DONE]' }
              schema:
                type: object
                required: [piece]
                properties:
                  piece: { type: integer, description: One piece. }
`;

const caller = `
import { createServer } from 'node:http';
import { SambaNovaCloud } from './src/client/index.js';

const server = createServer((request, response) => {
  let body = '';
  request.on('data', (d) => (body += d));
  request.on('end', () => {
    const input = JSON.parse(body) as { name: string; stream?: boolean };
    if (request.url !== '/v1/things' || request.headers.authorization !== 'Bearer k') return response.writeHead(404).end();
    if (!input.stream) return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 't1', name: input.name }));
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end('data: {"piece":1}\\n\\ndata: {"piece":2}\\n\\ndata: [DONE]\\n\\n');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
const cloud = new SambaNovaCloud({ baseURL: 'http://127.0.0.1:' + port + '/v1', apiKey: 'k' });

const thing = await cloud.request('createThing', { body: { name: 'lamp' } });
const id: string = thing.id;
const pieces: number[] = [];
for await (const item of await cloud.stream('createThing', { body: { name: 'lamp', stream: true } })) pieces.push(item.piece);
// @ts-expect-error name is a string
export const wrong = () => cloud.request('createThing', { body: { name: 3 } });
console.log(JSON.stringify({ id, name: thing.name, pieces }));
server.close();
`;

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sambakit-new-op-'));
  for (const part of ['spec', 'generated', 'src', 'scripts', 'package.json', 'tsconfig.json']) cpSync(join(repoRoot, part), join(dir, part), { recursive: true });
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a new operation in the spec', () => {
  it('is callable and typed after npm run generate, with no hand edits', { timeout: 480_000 }, async () => {
    const root = join(dir, 'spec', 'sambanova-cloud.yaml');
    writeFileSync(root, readFileSync(root, 'utf8').replace(/^paths:\n/m, `paths:${newPath}`));
    const generate = await run(process.execPath, [...withTsx, 'scripts/generate.ts'], { cwd: dir, timeoutMs: 240_000 });
    expect(generate.stderr).toBe('');
    expect(generate.code).toBe(0);

    writeFileSync(join(dir, 'caller.ts'), caller);
    writeFileSync(join(dir, 'tsconfig.caller.json'), JSON.stringify({ extends: './tsconfig.json', include: ['caller.ts', 'generated/**/*.d.ts'] }));
    const typecheck = await run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.caller.json'], { cwd: dir, timeoutMs: 240_000 });
    expect(typecheck.stdout + typecheck.stderr).toBe('');

    const result = await run(process.execPath, [...withTsx, 'caller.ts'], { cwd: dir, timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ id: 't1', name: 'lamp', pieces: [1, 2] });
  });
});
