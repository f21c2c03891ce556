/**
 * The native parameter readers as pure functions (no server involved): typed `{type, value}`
 * strings and plain v2 values to one `NativeParams`, and the three wire encodings of
 * `stop_sequences`, including Python's escapes.
 */
import { describe, expect, it } from 'vitest';
import { NativeRequestError } from '../../../src/server/operations/sambastudio-native/native-error.js';
import { readPlainParams } from '../../../src/server/operations/sambastudio-native/plain-params.js';
import { parsePythonStringList, readTypedStopSequences } from '../../../src/server/operations/sambastudio-native/stop-sequences.js';
import { readTypedParams } from '../../../src/server/operations/sambastudio-native/typed-params.js';
import { typed } from './helpers.js';

describe('typed parameters', () => {
  it('reads numbers and both boolean spellings, with the documented defaults', () => {
    expect(readTypedParams(undefined)).toEqual({ doSample: false, temperature: 1, topLogprobs: 0, processPrompt: false, stop: [], extra: {} });
    const params = readTypedParams({
      max_tokens_to_generate: typed.int(100),
      do_sample: typed.bool('True'),
      temperature: typed.float('1e-05'),
      top_k: typed.float('50.0'),
      top_p: typed.float('0.9'),
      repetition_penalty: typed.float('1.2'),
      top_logprobs: typed.int(3),
      select_expert: typed.str('Meta-Llama-3-70B-Instruct'),
      process_prompt: typed.bool('False'),
    } as any);
    expect(params).toEqual({
      maxTokens: 100, doSample: true, temperature: 0.00001, topK: 50, topP: 0.9, repetitionPenalty: 1.2, topLogprobs: 3,
      selectExpert: 'Meta-Llama-3-70B-Instruct', processPrompt: false, stop: [], extra: {},
    });
  });

  it('keeps parameters it does not know, read as their declared type', () => {
    const params = readTypedParams({ seed_offset: typed.int(7), greedy_hint: typed.bool('True'), note: typed.str('x'), odd: typed.int('abc') } as any);
    expect(params.extra).toEqual({ seed_offset: 7, greedy_hint: true, note: 'x', odd: 'abc' });
  });
});

describe('plain (v2) parameters', () => {
  it('reads JSON values and stop_sequences as a string, a list or null', () => {
    expect(readPlainParams({ do_sample: true, top_k: 5, stop_sequences: ['<|eot_id|>', ''], custom: [1] } as any)).toMatchObject({ doSample: true, topK: 5, stop: ['<|eot_id|>'], extra: { custom: [1] } });
    expect(readPlainParams({ stop_sequences: '###' }).stop).toEqual(['###']);
    expect(readPlainParams({ stop_sequences: null }).stop).toEqual([]);
  });
});

describe('stop_sequences encodings', () => {
  it('str: one stop text, empty for none, or quoted items joined by commas', () => {
    expect(readTypedStopSequences('str', '###')).toEqual(['###']);
    expect(readTypedStopSequences('str', '')).toEqual([]);
    expect(readTypedStopSequences('str', '"a", "b\\n"')).toEqual(['a', 'b\n']);
    expect(readTypedStopSequences('str', 'say "hi", then stop')).toEqual(['say "hi", then stop']);
  });

  it('list: Python\'s rendering of a list, with its escapes and both quote styles', () => {
    expect(parsePythonStringList("['\\n', 'Q:']")).toEqual(['\n', 'Q:']);
    expect(parsePythonStringList(`["it's", 'say "x"', '\\'', '\\\\', '\\x41\\u00e9\\U0001F600', '\\t\\r']`)).toEqual(["it's", 'say "x"', "'", '\\', 'Aé😀', '\t\r']);
    expect(parsePythonStringList('[]')).toEqual([]);
    expect(parsePythonStringList(" [ 'a' , 'b' , ] ")).toEqual(['a', 'b']);
    for (const bad of ["['a'", "['a' 'b']", '[a]', "['\\x4']", "['a'] extra", '']) expect(parsePythonStringList(bad), bad).toBeUndefined();
  });

  it('a list that does not parse is a 422 about the value', () => {
    try {
      readTypedStopSequences('list', '[nope]');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(NativeRequestError);
      expect((error as NativeRequestError).status).toBe(422);
      expect((error as NativeRequestError).path).toBe('/body/params/stop_sequences/value');
    }
  });
});
