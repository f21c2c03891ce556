/**
 * @module DJL LMI's operations: chat completions (the shared chat core with the LMI profile), and
 * SageMaker's `/invocations`, which reads each body as LMI does: `messages` makes it a chat request,
 * otherwise it is a request in LMI's own schema (`inputs`).
 */
import { lmiChatOperation } from '../openai-chat/index.js';
import type { OperationDefinition } from '../types.js';
import { handleGenerate } from './generate.js';

const invoke: OperationDefinition = {
  variants: {
    sse: 'the stream as server-sent events instead of JSON lines: chat streams end with data: [DONE] (the vLLM rolling-batch path of recent DJL sources), streams in LMI\'s schema have no end marker (option.output_formatter=sse)',
    'vllm-async': 'the async vLLM engine\'s shapes (LMI v17+): for chat as on createChatCompletion; in LMI\'s schema index on every line, logprob instead of log_prob, vLLM finish reasons, seed and input_length in details',
  },
  handle: (request) => ('messages' in (request.body as object) ? lmiChatOperation.handle(request) : handleGenerate(request)),
  streamError: lmiChatOperation.streamError!,
};

export const lmiOperations: Record<string, OperationDefinition> = {
  createChatCompletion: lmiChatOperation,
  invoke,
};
