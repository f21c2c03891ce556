/** Clients of the three APIs pointed at a reference server, checking every item and answer against the spec. */
import { LMI, SambaNovaCloud, SambaNovaCloudChat, SambaStudio, type ClientOptions } from '../../src/client/index.js';
import { specValidator } from '../../src/client/validation.js';
import type { TestServer } from '../helpers/server.js';

export const key = 'sk-test-4f2b9c1e7d';

export function clientsFor(server: TestServer, options: ClientOptions = {}) {
  const url = server.url;
  const common = { apiKey: key, maxRetries: 0, ...options };
  return {
    cloud: new SambaNovaCloud({ baseURL: `${url}/cloud/v1`, validate: 'throw', validator: specValidator('sambanova-cloud'), ...common }),
    cloudChat: new SambaNovaCloudChat({ baseURL: `${url}/cloud/v1`, validate: 'throw', validator: specValidator('sambanova-cloud'), ...common }),
    studio: new SambaStudio({ baseURL: url, project: 'p1', endpoint: 'e1', validate: 'throw', validator: specValidator('sambastudio'), ...common }),
    lmi: new LMI({ baseURL: `${url}/lmi`, validate: 'throw', validator: specValidator('lmi'), ...common }),
  };
}

export const model = 'Meta-Llama-3.3-70B-Instruct';
export const hi = [{ role: 'user' as const, content: 'Say hi' }];

/** Everything an async iterable yields. */
export async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
