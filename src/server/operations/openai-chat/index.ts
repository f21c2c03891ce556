/**
 * @module OpenAI-style chat completions of SambaStudio, SambaNova Cloud and LMI: one operation
 * (`handler.ts`, on the chat core in `../shared/` that every text operation uses) and a profile per
 * API (`profiles/`) for what differs.
 */
import type { OperationDefinition } from '../types.js';
import { chatOperation } from './handler.js';
import { cloudChatProfile } from './profiles/cloud.js';
import { lmiChatProfile } from './profiles/lmi.js';
import { sambaStudioChatProfile } from './profiles/sambastudio.js';

const sambaStudioChat = chatOperation(sambaStudioChatProfile);

export const sambaStudioChatOperations: Record<string, OperationDefinition> = {
  createChatCompletion: sambaStudioChat,
  createChatCompletionOpenAIPath: sambaStudioChat,
  createChatCompletionExampleBaseUrl: sambaStudioChat,
};
export const cloudChatOperations: Record<string, OperationDefinition> = {
  createChatCompletion: chatOperation(cloudChatProfile),
};
/** LMI's chat: its own operation, and the chat half of SageMaker's `/invocations` (see `../lmi/`). */
export const lmiChatOperation: OperationDefinition = chatOperation(lmiChatProfile);
