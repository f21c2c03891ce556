/** Shared helpers of the SambaNova Cloud suites: the three official clients pointed at the reference server, raw requests. @module */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import SambaNova from 'sambanova';
import type { TestServer } from '../../helpers/server.js';

export const key = 'sk-cloud-test-77';
export const chatModel = 'Meta-Llama-3.1-8B-Instruct';
export const reasoningModel = 'gpt-oss-120b';
export const embeddingModel = 'E5-Mistral-7B-Instruct';
export const speechModel = 'Whisper-Large-v3';

/** Retries off: a test that provokes a 429 or 503 wants to see it, not wait out the SDK's backoff. */
export function sambanova(server: TestServer, defaultHeaders: Record<string, string> = {}): SambaNova {
  return new SambaNova({ apiKey: key, baseURL: `${server.url}/cloud/v1`, maxRetries: 0, defaultHeaders });
}

export function openai(server: TestServer, defaultHeaders: Record<string, string> = {}): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${server.url}/cloud/v1`, maxRetries: 0, defaultHeaders });
}

/** The Anthropic SDK appends `/v1/messages` to its base URL. */
export function anthropic(server: TestServer, defaultHeaders: Record<string, string> = {}): Anthropic {
  return new Anthropic({ apiKey: key, baseURL: `${server.url}/cloud`, maxRetries: 0, defaultHeaders });
}

export function post(server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/cloud/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Euclidean length of a vector. */
export function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, v, i) => sum + v * b[i]!, 0) / (norm(a) * norm(b));
}
