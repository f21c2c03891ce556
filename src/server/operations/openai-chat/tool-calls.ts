/**
 * @module Tool calls on the wire: in a whole answer's message, and as stream deltas, either whole
 * (id, name and every argument in one delta, as SambaNova sends them) or in pieces (a header, then
 * the argument text token by token, as vLLM sends them). Arguments are the documented JSON text or,
 * in the observed variant, the parsed object.
 */
import type { ToolCall } from '../../fake-model/index.js';
import type { WireStyle } from '../shared/wire-style.js';

type ToolCallStyle = WireStyle['toolCalls'];

export interface WireToolCall {
  index?: number;
  id: string;
  type: 'function';
  function: { name: string; arguments: string | Record<string, unknown> };
}

export interface WireToolCallDelta {
  index?: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string | Record<string, unknown> };
}

function argumentsOf(call: ToolCall, style: ToolCallStyle): string | Record<string, unknown> {
  return style.arguments === 'object' ? (JSON.parse(call.arguments) as Record<string, unknown>) : call.arguments;
}

/** `message.tool_calls` of a whole answer. */
export function messageToolCalls(calls: readonly ToolCall[], style: ToolCallStyle): WireToolCall[] {
  return calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: argumentsOf(call, style) } }));
}

function withIndex<T extends object>(delta: T, index: number, style: ToolCallStyle): T & { index?: number } {
  return style.streamIndex ? { index, ...delta } : delta;
}

/** The whole call in one delta. */
export function wholeCallDelta(call: ToolCall, index: number, style: ToolCallStyle): WireToolCallDelta {
  return withIndex({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: argumentsOf(call, style) } }, index, style);
}

/** The first delta of a call sent in pieces: its id and name, with the arguments still empty (or their first piece). */
export function callHeaderDelta(call: ToolCall, index: number, firstArguments: string, style: ToolCallStyle): WireToolCallDelta {
  return withIndex({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: firstArguments } }, index, style);
}

/** A later piece of the arguments text. */
export function callArgumentsDelta(text: string, index: number, style: ToolCallStyle): WireToolCallDelta {
  return withIndex({ function: { arguments: text } }, index, style);
}
