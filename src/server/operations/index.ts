/** Every operation's handler, by API and operationId. @module */
import type { OperationTable } from '../spec-routes.js';
import { cloudOperations } from './cloud/index.js';
import { lmiOperations } from './lmi/index.js';
import { cloudChatOperations, sambaStudioChatOperations } from './openai-chat/index.js';
import { sambaStudioNativeOperations } from './sambastudio-native/index.js';

export const operationTable: OperationTable = {
  sambastudio: { ...sambaStudioChatOperations, ...sambaStudioNativeOperations },
  'sambanova-cloud': { ...cloudChatOperations, ...cloudOperations },
  lmi: lmiOperations,
};
