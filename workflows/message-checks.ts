// The loan workflow's inbound interceptor: every update and signal must carry the worker's verdict
// that the API sealed it for this loan and this message (contracts/message-checks.ts). An update
// without one is refused by its validator; a signal without one is ignored (behind
// PATCHES.MESSAGE_SEALS, so loans recorded before seals replay as they ran). Each refusal is
// reported to the worker, which audits it. The verdict is taken off the argument before any
// handler sees it, so handlers and their state stay as they were.
import {
  patched,
  proxySinks,
  workflowInfo,
  type SignalInput,
  type UpdateInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import {
  MAX_SEALED_UPDATE_AGE_MS,
  MESSAGE_CHECK_FIELD,
  type MessageRefusal,
  type MessageRefusalReason,
  type MessageRefusalSinks,
} from '../contracts/message-checks.js';
import { REFUSAL } from '../contracts/messages.js';
import { PATCHES } from './patches.js';
import { refuse } from './validators.js';

const { messageRefusals } = proxySinks<MessageRefusalSinks>();

const CODEC_REASONS: readonly MessageRefusalReason[] = [
  'UNSEALED_PAYLOAD',
  'MALFORMED_SEAL',
  'UNKNOWN_KEY',
  'BAD_SEAL',
  'WRONG_WORKFLOW',
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a message named `message` with these arguments is refused, or undefined when the API sealed it. */
export function messageRefusalReason(message: string, args: readonly unknown[]): MessageRefusalReason | undefined {
  const arg = args[0];
  const check = isObject(arg) ? arg[MESSAGE_CHECK_FIELD] : undefined;
  if (!isObject(check)) return 'NO_SEAL';
  if (check.sealed !== true) {
    const reason = check.reason as MessageRefusalReason;
    return CODEC_REASONS.includes(reason) ? reason : 'BAD_SEAL';
  }
  if (check.workflowId !== workflowInfo().workflowId) return 'WRONG_WORKFLOW';
  if (check.message !== message) return 'WRONG_MESSAGE';
  return undefined;
}

/**
 * Why a sealed update is refused for its id or its age, or undefined. Only validators call this, and
 * Temporal runs validators only when an update arrives, never on replay: an update refused here
 * leaves nothing in the history, so the rule needs no patch.
 */
export function updateRefusalReason(
  args: readonly unknown[],
  updateId: string,
  now: number,
): MessageRefusalReason | undefined {
  const check = isObject(args[0]) ? args[0][MESSAGE_CHECK_FIELD] : undefined;
  if (!isObject(check)) return 'NO_SEAL';
  if (typeof check.updateId === 'string' && check.updateId !== updateId) return 'WRONG_UPDATE';
  const issuedAt = typeof check.issuedAt === 'string' ? Date.parse(check.issuedAt) : Number.NaN;
  if (!Number.isFinite(issuedAt) || now - issuedAt > MAX_SEALED_UPDATE_AGE_MS) return 'STALE_SEAL';
  return undefined;
}

/** The arguments as the API sent them, without the worker's verdict. */
function withoutCheck(args: readonly unknown[]): unknown[] {
  const [first, ...rest] = args;
  if (!isObject(first) || !(MESSAGE_CHECK_FIELD in first)) return [...args];
  const { [MESSAGE_CHECK_FIELD]: _check, ...arg } = first;
  return [arg, ...rest];
}

function report(refusal: Omit<MessageRefusal, 'historyLength'>): void {
  // A replay reports nothing: the refusal was audited when it happened (sinks are not in the history).
  const info = workflowInfo();
  if (info.unsafe.isReplaying) return;
  messageRefusals.refused({ ...refusal, historyLength: info.historyLength });
}

class MessageCheckInterceptor implements WorkflowInboundCallsInterceptor {
  validateUpdate(input: UpdateInput, next: (input: UpdateInput) => void): void {
    const reason =
      messageRefusalReason(input.name, input.args) ?? updateRefusalReason(input.args, input.updateId, Date.now());
    if (reason) {
      report({ kind: 'update', message: input.name, reason, updateId: input.updateId });
      refuse(REFUSAL.UNSEALED, {
        zh: '消息未经本系统签发或已被改动，已拒绝',
        en: 'The message was not sealed by the API or was changed after sealing; refused',
      });
    }
    next({ ...input, args: withoutCheck(input.args) });
  }

  handleUpdate(input: UpdateInput, next: (input: UpdateInput) => Promise<unknown>): Promise<unknown> {
    return next({ ...input, args: withoutCheck(input.args) });
  }

  async handleSignal(input: SignalInput, next: (input: SignalInput) => Promise<void>): Promise<void> {
    const reason = messageRefusalReason(input.signalName, input.args);
    if (reason && patched(PATCHES.MESSAGE_SEALS)) {
      report({ kind: 'signal', message: input.signalName, reason });
      return;
    }
    return next({ ...input, args: withoutCheck(input.args) });
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new MessageCheckInterceptor()] });
