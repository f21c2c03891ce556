/**
 * A `oneOf` whose branches are told apart by a tag field is checked against the branch the tag names,
 * also when a branch takes several tag values (an `enum`): a Messages content block is one of twelve
 * kinds, and the server-tool result kind takes six `type`s.
 */
import { describe, expect, it } from 'vitest';
import { createMessage } from '../../src/contract/sambanova-cloud.js';
import { validateRequest } from '../../src/validate/index.js';

function messages(block: unknown): string[] {
  const result = validateRequest(createMessage, { body: { model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [block] }] } });
  return result.violations.map((v) => v.message);
}

const everyBlockType =
  '"text", "image", "video", "tool_use", "tool_result", "thinking", "redacted_thinking", "server_tool_use", "web_search_tool_result", "web_fetch_tool_result", ' +
  '"code_execution_tool_result", "bash_code_execution_tool_result", "text_editor_code_execution_tool_result", "tool_search_tool_result", "search_result", "container_upload", "document"';

describe('a content block is checked against the kind its type names', () => {
  it("a search result's own content takes text blocks only: an image block's type is not offered", () => {
    // Tried against every kind, a tool result's content (text or image) was offered here too.
    expect(messages({ type: 'search_result', content: [{ type: 'picture' }] })).toEqual([
      '/body/messages/0/content/0/content/0/text: expected a string (the field is required), received nothing (required)',
      '/body/messages/0/content/0/content/0/type: expected "text", received "picture" (const)',
    ]);
  });

  it('a block without a type is told every type there is, the six server-tool result types included', () => {
    expect(messages({ text: 'hi' })).toEqual([`/body/messages/0/content/0/type: expected one of ${everyBlockType} (the field is required), received nothing (required)`]);
  });

  it('a block of an unknown type is told the same list; a server-tool result is told what its kind lacks', () => {
    expect(messages({ type: 'nope' })).toEqual([`/body/messages/0/content/0/type: expected one of ${everyBlockType}, received "nope" (enum)`]);
    expect(messages({ type: 'web_fetch_tool_result' })).toEqual([
      '/body/messages/0/content/0/tool_use_id: expected a string (the field is required), received nothing (required)',
      '/body/messages/0/content/0/content: expected an array or an object (the field is required), received nothing (required)',
    ]);
    expect(messages({ type: 'web_fetch_tool_result', tool_use_id: 'a', content: [] })).toEqual([]);
  });
});
