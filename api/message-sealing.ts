// The API's Temporal client seals every signal and update it sends (security/message-seals.ts): the
// worker refuses a message without a valid seal for that loan and that message name. Seals are made
// only here, on the API's own message sending; nothing else (Temporal Web's /codec/encode included)
// can make one.
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { isPlainObject, sealMessage } from '../security/message-seals.js';
import type { Keyring } from '../security/keyring.js';

function sealed(keyring: Keyring, workflowId: string, message: string, args: unknown[], now: () => Date): unknown[] {
  const [first, ...rest] = args;
  // Every loan message has one object argument (contracts/definitions.ts); anything else goes unsealed and is refused.
  if (!isPlainObject(first)) return args;
  return [sealMessage(keyring, { workflowId, message }, first, now()), ...rest];
}

export function messageSealing(keyring: Keyring, now: () => Date = () => new Date()): WorkflowClientInterceptor {
  return {
    signal: (input, next) =>
      next({
        ...input,
        args: sealed(keyring, input.workflowExecution.workflowId, input.signalName, input.args, now),
      }),
    startUpdate: (input, next) =>
      next({
        ...input,
        args: sealed(keyring, input.workflowExecution.workflowId, input.updateName, input.args, now),
      }),
  };
}
