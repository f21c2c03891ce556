/** `sambakit/validate/fastify` in a real Fastify app on a random port, over real HTTP. */
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { describe } from 'vitest';
import { validation } from '../../src/validate/fastify.js';
import { answerFor, type TestApp } from '../helpers/middleware-apps.js';
import { middlewareSuite } from '../helpers/middleware-suite.js';

describe('sambakit/validate/fastify', () => {
  middlewareSuite(async (options) => {
    const handled: string[] = [];
    const app = Fastify();
    await app.register(validation, options);
    app.all('/*', async (request, reply) => {
      handled.push(`${request.method} ${request.url}`);
      const answer = answerFor(request.headers['x-answer'] as string | undefined);
      if (answer.kind === 'json') return answer.body;
      return reply.type('text/event-stream').send(Readable.from(answer.parts));
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, handled, close: () => app.close() } satisfies TestApp;
  });
});
