/**
 * The framework-neutral functions over Web Request/Response, against the real reference server's
 * answers, and a browser bundle of a Cloud-chat-only import holding that operation alone.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createChatCompletion, createMessage, retrieveModel } from '../../src/contract/sambanova-cloud.js';
import { genericPredict } from '../../src/contract/sambastudio.js';
import { validateWebRequest, validateWebResponse } from '../../src/validate/index.js';
import { repoRoot } from '../helpers/spec.js';
import { useServer } from '../helpers/server.js';

const server = useServer();
const json = { 'content-type': 'application/json' };

describe('validateWebRequest', () => {
  it('checks body, path parameters read from the URL, and headers', async () => {
    const ok = new Request('https://studio.example.com/api/predict/generic/p1/e1', { method: 'POST', headers: json, body: JSON.stringify({ instances: ['hi'], params: {} }) });
    expect((await validateWebRequest(genericPredict, ok)).violations).toEqual([]);
    const missingHeader = new Request('http://localhost/cloud/v1/messages', { method: 'POST', headers: json, body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }) });
    const withHeader = new Request(missingHeader.url, { method: 'POST', headers: { ...json, 'anthropic-version': '2023-06-01' }, body: await missingHeader.clone().text() });
    const declared = createMessage.operation.parameters.find((p) => p.in === 'header')!;
    const missing = await validateWebRequest(createMessage, missingHeader);
    expect(missing.valid).toBe(!declared.required);
    expect((await validateWebRequest(createMessage, withHeader)).valid).toBe(true);
  });

  it('an unparsable JSON body is one json violation; a missing required body is said; the request stays readable', async () => {
    const broken = new Request('http://localhost/cloud/v1/chat/completions', { method: 'POST', headers: json, body: '{"model": ' });
    const result = await validateWebRequest(createChatCompletion, broken);
    expect(result.violations.map((v) => [v.path, v.rule])).toEqual([['/body', 'json']]);
    expect(await broken.text()).toBe('{"model": ');
    const empty = await validateWebRequest(createChatCompletion, new Request('http://localhost/cloud/v1/chat/completions', { method: 'POST', headers: json }));
    expect(empty.violations.map((v) => [v.path, v.rule])).toEqual([['/body', 'required']]);
  });

  it('a media type the operation does not take is named', async () => {
    const text = new Request('http://localhost/cloud/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    const [v] = (await validateWebRequest(createChatCompletion, text)).violations;
    expect([v!.path, v!.rule, v!.expected, v!.received]).toEqual(['/body', 'mediaType', 'a body of application/json', 'text/plain']);
  });
});

describe('validateWebResponse', () => {
  it('passes the reference server answers and error bodies; names a status the operation does not declare', async () => {
    const card = await fetch(`${server.url}/cloud/v1/models/Meta-Llama-3.3-70B-Instruct`, { headers: { authorization: 'Bearer k' } });
    expect((await validateWebResponse(retrieveModel, card)).violations).toEqual([]);
    const unauthorized = await fetch(`${server.url}/cloud/v1/models/Meta-Llama-3.3-70B-Instruct`);
    expect(unauthorized.status).toBe(401);
    expect((await validateWebResponse(retrieveModel, unauthorized)).violations).toEqual([]);
    const teapot = new Response('{}', { status: 418, headers: json });
    expect((await validateWebResponse(retrieveModel, teapot)).violations.map((v) => [v.path, v.rule])).toEqual([['/status', 'responses']]);
  });
});

describe('tree-shaking', () => {
  it('a browser bundle that validates Cloud chat requests holds that operation and no other API or operation', async () => {
    const result = await build({
      stdin: {
        contents: `import { createChatCompletion } from './src/contract/sambanova-cloud.js';\nimport { validateRequest } from './src/validate/index.js';\nexport const check = (body) => validateRequest(createChatCompletion, { body });`,
        resolveDir: repoRoot,
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    // What ended up in the bundle (the metafile's inputs also list modules read and then dropped).
    const output = Object.values(result.metafile.outputs)[0]!;
    const inputs = Object.entries(output.inputs).filter(([path, { bytesInOutput }]) => path.startsWith('generated/') && bytesInOutput > 0).map(([path]) => path);
    expect(inputs.sort()).toEqual([
      'generated/sambanova-cloud/operations.js',
      'generated/sambanova-cloud/validators/createChatCompletion.js',
      'generated/sambanova-cloud/validators/runtime.js',
    ]);
  });
});
