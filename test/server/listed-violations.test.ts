/**
 * A refusal lists the violations of the first items of each array and a bounded number in all, and
 * says in its message how many problems there were and how many are listed, in each API's error
 * shape (Cloud fuzz case 905/9815: 1,000 wrong content blocks made a 180 KB answer).
 */
import { describe, expect, it } from 'vitest';
import { invalidRequestProblem, listedInAll, listedItemsPerArray, listedViolations } from '../../src/server/error-styles.js';
import { violation } from '../../src/validate/violations.js';
import { useServer } from '../helpers/server.js';

const wrong = (path: string) => violation(path, 'type', 'type object', 'x');

describe('listedViolations', () => {
  it('keeps every violation of a request with few', () => {
    const few = ['/body/model', '/body/messages/0/role', '/body/messages/0/content/3', '/body/temperature'].map(wrong);
    expect(listedViolations(few)).toEqual(few);
    expect(invalidRequestProblem(few).message).toBe('Invalid request: 4 problems, first: /body/model expected type object, got "x".');
  });

  it('lists the first items of each array, at every depth, then the fields after the array', () => {
    const paths = [
      ...Array.from({ length: 30 }, (_, i) => `/body/messages/2/content/${i}`),
      ...Array.from({ length: 30 }, (_, i) => `/body/messages/${i}/role`),
      '/body/temperature',
    ];
    const listed = listedViolations(paths.map(wrong)).map((v) => v.path);
    expect(listed).toEqual([
      ...Array.from({ length: listedItemsPerArray }, (_, i) => `/body/messages/2/content/${i}`),
      // Message 2 is listed already (its content); with nine more, messages 0 to 9 are.
      ...Array.from({ length: listedItemsPerArray }, (_, i) => `/body/messages/${i}/role`),
      '/body/temperature',
    ]);
  });

  it('lists at most a bounded number in all', () => {
    const fields = Array.from({ length: 500 }, (_, i) => wrong(`/body/metadata/key${i}`));
    expect(listedViolations(fields)).toEqual(fields.slice(0, listedInAll));
  });
});

describe('a refusal of a thousand wrong items', () => {
  const server = useServer();
  const blocks = Array.from({ length: 1000 }, () => 'x');
  const requests = [
    { name: 'Cloud chat', path: '/cloud/v1/chat/completions', body: { model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: blocks }] }, error: (b: any) => b.error },
    { name: 'Cloud Messages', path: '/cloud/v1/messages', body: { model: 'Meta-Llama-3.3-70B-Instruct', max_tokens: 10, messages: [{ role: 'user', content: blocks }] }, error: (b: any) => b.error },
    { name: 'SambaStudio chat', path: '/v1/p/e/chat/completions', body: { model: 'Meta-Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: blocks }] }, error: (b: any) => b.error },
    { name: 'LMI chat', path: '/lmi/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: blocks }] }, error: (b: any) => b },
  ];

  for (const { name, path, body, error } of requests) {
    it(`${name}: lists the first ${listedItemsPerArray} and says how many there were, in its own shape`, async () => {
      const answer = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      const found = error(await answer.json());
      const paths = found.violations.map((v: { path: string }) => v.path);
      expect(paths).toEqual(Array.from({ length: listedItemsPerArray }, (_, i) => `/body/messages/0/content/${i}`));
      expect(found.message ?? found.error).toMatch(new RegExp(`^Invalid request: 1000 problems \\(${listedItemsPerArray} listed in violations: .*\\), first: /body/messages/0/content/0 `));
    });
  }
});
