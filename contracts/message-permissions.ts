// Which permission of the one table (domain/permissions.ts) each workflow update asks of the actor it
// names. The API route that sends the update requires the same permission, and the workflow's
// validator checks it again, so a role refused by the API is refused by the workflow too.
import { can, type Permission } from '../domain/permissions.js';
import type { Actor, RepaymentInput } from './messages.js';

/** Update name (`repay` split by channel) → the permission its actor needs. */
export const MESSAGE_PERMISSIONS = {
  review: 'review:submit',
  signContract: 'contract:sign',
  withdraw: 'loan:withdraw',
  cancelLoan: 'loan:withdraw',
  changePayoutAccount: 'payout-account:change',
  retryDisbursement: 'disbursement:retry',
  resolveAttention: 'loan:resolve',
  'repay:ONLINE': 'repayment:online',
  'repay:CASH': 'repayment:record',
  'repay:BANK_TRANSFER': 'repayment:record',
  reversePayment: 'repayment:record',
  decideWriteOff: 'writeoff:approve',
  recordCollectionNote: 'collection:act',
  decideRefund: 'refund:decide',
  requestRestructuring: 'restructure:request',
  decideRestructuring: 'restructure:approve',
  signSupplementaryContract: 'contract:sign',
} as const satisfies Record<string, Permission>;

export type MessageAction = keyof typeof MESSAGE_PERMISSIONS;

/** The action a repayment is, by its channel; null for a channel no person may use (auto-debit). */
export function repaymentAction(channel: RepaymentInput['channel']): MessageAction | null {
  if (channel === 'ONLINE') return 'repay:ONLINE';
  if (channel === 'CASH') return 'repay:CASH';
  if (channel === 'BANK_TRANSFER') return 'repay:BANK_TRANSFER';
  return null;
}

/** Whether the actor's role holds the permission the action needs (ownership is checked apart). */
export function actorMay(actor: Actor | undefined, action: MessageAction): boolean {
  return typeof actor?.role === 'string' && can(actor.role, MESSAGE_PERMISSIONS[action]);
}
