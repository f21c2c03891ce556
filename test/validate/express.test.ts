/** `sambakit/validate/express` in a real Express app on a random port, over real HTTP. */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe } from 'vitest';
import { validation } from '../../src/validate/express.js';
import { answerFor, type TestApp } from '../helpers/middleware-apps.js';
import { middlewareSuite } from '../helpers/middleware-suite.js';

describe('sambakit/validate/express', () => {
  middlewareSuite(async (options) => {
    const handled: string[] = [];
    const app = express();
    app.use(validation(options));
    app.use((req, res) => {
      handled.push(`${req.method} ${req.originalUrl}`);
      const answer = answerFor(req.get('x-answer'));
      if (answer.kind === 'json') return void res.json(answer.body);
      res.status(200).type('text/event-stream');
      for (const part of answer.parts) res.write(part);
      res.end();
    });
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, handled, close: () => new Promise<void>((resolve) => server.close(() => resolve())) } satisfies TestApp;
  });
});
