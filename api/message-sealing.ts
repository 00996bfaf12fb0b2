// The API's Temporal client seals every signal and update it sends (security/message-seals.ts): the
// worker refuses a message without a valid seal for that loan and that message name, and an update
// sent again under another update id or long after it was sealed. Seals are made only here, on the
// API's own message sending; nothing else (Temporal Web's /codec/encode included) can make one.
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { isPlainObject, sealMessage } from '../security/message-seals.js';
import type { Keyring } from '../security/keyring.js';

/** The sealing time: the wall clock, or a test server's clock where time is skipped. */
export type SealClock = () => Date | Promise<Date>;

async function sealed(
  keyring: Keyring,
  target: { workflowId: string; message: string; updateId?: string },
  args: unknown[],
  now: SealClock,
): Promise<unknown[]> {
  const [first, ...rest] = args;
  // Every loan message has one object argument (contracts/definitions.ts); anything else goes unsealed and is refused.
  if (!isPlainObject(first)) return args;
  return [sealMessage(keyring, target, first, await now()), ...rest];
}

export function messageSealing(keyring: Keyring, now: SealClock = () => new Date()): WorkflowClientInterceptor {
  return {
    signal: async (input, next) =>
      next({
        ...input,
        args: await sealed(
          keyring,
          { workflowId: input.workflowExecution.workflowId, message: input.signalName },
          input.args,
          now,
        ),
      }),
    startUpdate: async (input, next) => {
      // The update id is sealed with the message: the SDK would only pick one after this point.
      const updateId = input.options.updateId ?? randomUUID();
      return next({
        ...input,
        options: { ...input.options, updateId },
        args: await sealed(
          keyring,
          { workflowId: input.workflowExecution.workflowId, message: input.updateName, updateId },
          input.args,
          now,
        ),
      });
    },
  };
}
