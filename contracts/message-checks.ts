// What the workflow learns about who sent a message. The API seals each signal and update it sends;
// the worker's payload codec checks the seal and puts its verdict in the message's argument under
// `messageCheck` (security/message-seals.ts writes the same shape). A message without a verdict,
// or with a refusing one, was not sent by the API as it stands and is refused.
import type { Sinks } from '@temporalio/workflow';

export const MESSAGE_CHECK_FIELD = 'messageCheck';

export type MessageCheck =
  | { sealed: true; workflowId: string; message: string; issuedAt: string; keyId: string; updateId?: string }
  | { sealed: false; reason: string };

/** Why the workflow refused a message. */
export type MessageRefusalReason =
  | 'NO_SEAL'
  | 'UNSEALED_PAYLOAD'
  | 'MALFORMED_SEAL'
  | 'UNKNOWN_KEY'
  | 'BAD_SEAL'
  | 'WRONG_WORKFLOW'
  | 'WRONG_MESSAGE'
  /** A sealed update sent again under an update id other than the one sealed. */
  | 'WRONG_UPDATE'
  /** A sealed update older than MAX_SEALED_UPDATE_AGE_MS when it reached the workflow. */
  | 'STALE_SEAL';

/**
 * How old a sealed update may be when the workflow validates it. The API sends an update within
 * its deadline (seconds); the margin is for clocks that disagree between the API and Temporal.
 */
export const MAX_SEALED_UPDATE_AGE_MS = 15 * 60_000;

export interface MessageRefusal {
  kind: 'signal' | 'update';
  message: string;
  reason: MessageRefusalReason;
  /** The update's id (the API's business key), when it is an update. */
  updateId?: string;
  /** The workflow's history length when it refused: with the run id, one refusal's key. */
  historyLength: number;
}

/** Reported from the workflow to the worker (not recorded in the history); the worker audits it. */
export interface MessageRefusalSinks extends Sinks {
  messageRefusals: {
    refused(refusal: MessageRefusal): void;
  };
}
