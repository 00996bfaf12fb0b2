// Reversing a repayment inside the loan (PATCHES.PAYMENT_REVERSAL): the account is rebuilt as if
// the payment had never been applied (domain/payment-reversal.ts), its balances, schedule and
// classification stored, and the mirror entry posted. Collections see the change at once: a wait
// for the next due date wakes (s.reversals), and an installment the reversal leaves unpaid past
// its due date makes the loan overdue from the main loop, as any unpaid installment does.
import { patched } from '@temporalio/workflow';
import { DomainError } from '../domain/errors.js';
import { reversePayment as rebuiltWithout } from '../domain/payment-reversal.js';
import {
  balancesOn,
  classificationUnder,
  daysPastDueOn,
  openAccount,
  overdueInstallment,
  payoffAmount,
  type LoanAccount,
} from '../domain/servicing-account.js';
import { LEGACY_RULES_VERSION } from '../domain/rules-version.js';
import { REFUSAL, type ReversalInput } from '../contracts/messages.js';
import type { LoanView, LoanWorkflowInput, ReversalResult } from '../contracts/loan-view.js';
import type { ReversalInputs } from '../contracts/activities.js';
import { records } from './activity-proxies.js';
import { record } from './context.js';
import { PATCHES } from './patches.js';
import { cancelRefunds, refundsOfPayment } from './refunds.js';
import { adopt } from './servicing-records.js';
import { todayOf, type ServicingState } from './servicing-state.js';
import { refuse, refuseUnlessPermitted } from './validators.js';

/** The account as servicing opened it at payout, from the accepted offer and the product. */
export function openingAccountOf(input: LoanWorkflowInput, view: LoanView): LoanAccount {
  const offer = view.offer!;
  const paidOut = view.disbursements.find((d) => d.status === 'SUCCEEDED')!;
  return openAccount(
    input.loanId,
    {
      principal: offer.amount,
      annualRate: offer.annualRate,
      termCount: offer.termCount,
      frequency: offer.frequency,
      method: offer.method,
      fees: input.product.fees,
      dayCount: input.product.dayCount,
      penalty: input.product.penalty,
      chargesCap: input.product.aprCap,
      allocationOrder: input.product.allocationOrder,
      overpayment: input.product.overpayment,
      rulesVersion: offer.rulesVersion ?? LEGACY_RULES_VERSION,
    },
    paidOut.disbursedOn!,
  );
}

/** Validator: only a servicing loan's payments, with a reason, approved by finance. */
export function validateReversal(s: ServicingState, input: ReversalInput): void {
  if (!/^[A-Za-z0-9:_.-]{1,120}$/.test(input.paymentId ?? ''))
    refuse(REFUSAL.INVALID, { zh: 'paymentId 格式不正确', en: 'paymentId is malformed' }, 'paymentId');
  if (typeof input.reason !== 'string' || input.reason.trim() === '' || input.reason.length > 500)
    refuse(
      REFUSAL.INVALID,
      { zh: '须填写冲正原因（最多 500 字）', en: 'a reason of 1–500 characters is required' },
      'reason',
    );
  refuseUnlessPermitted(input.approvedBy, 'reversePayment', 'approvedBy');
  if (input.approvedBy.userId === input.requestedBy)
    refuse(
      REFUSAL.FORBIDDEN,
      { zh: '冲正须由另一位财务人员复核', en: 'A reversal is approved by a finance user other than its maker' },
      'approvedBy',
    );
  if (s.closed || !['ACTIVE', 'OVERDUE'].includes(s.ctx.view.status))
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `贷款状态为 ${s.ctx.view.status}，其还款不能冲正`,
        en: `The loan is ${s.ctx.view.status}; its payments cannot be reversed`,
      },
      'paymentId',
    );
  // The rebuild replays payments over the original offer's schedule (openingAccountOf): it would
  // drop every extension or restructuring and its classification floor. Finance handles these by hand.
  if ((s.account.restructurings?.length ?? 0) > 0)
    refuse(
      REFUSAL.RESTRUCTURED,
      {
        zh: '该贷款已展期或重组，其还款不能在系统内冲正；请由财务人工处理',
        en: 'This loan was extended or restructured; its payments cannot be reversed in the system, finance handles them by hand',
      },
      'paymentId',
    );
  // A repeat while the first is running is accepted here and waits for it in the handler.
}

/** Reverses once: a repeat while the first is running waits for it; a later one finds the ledger's reversal. */
export async function reversePayment(s: ServicingState, input: ReversalInput): Promise<ReversalResult> {
  const running = s.reversing.get(input.paymentId);
  if (running) return { ...(await running), duplicate: true };
  const work = reverseNew(s, input);
  s.reversing.set(input.paymentId, work);
  try {
    return await work;
  } finally {
    s.reversing.delete(input.paymentId);
  }
}

/** Loads the applied payments once every write of the loan is stored and no payment came in meanwhile. */
async function settledInputs(s: ServicingState, input: ReversalInput): Promise<ReversalInputs> {
  for (;;) {
    await s.writes;
    const version = s.version;
    const inputs = await records.reversalInputs({
      loanId: s.input.loanId,
      paymentId: input.paymentId,
      requestedBy: input.requestedBy,
      approvedBy: input.approvedBy.userId,
    });
    if (s.version === version) return inputs;
  }
}

function resultOf(s: ServicingState, input: ReversalInput, entries: string[], duplicate: boolean): ReversalResult {
  const today = todayOf(s);
  return {
    paymentId: input.paymentId,
    duplicate,
    loanId: s.input.loanId,
    reversedOn: today,
    entries,
    balances: balancesOn(s.account, today),
    payoffAmount: payoffAmount(s.account, today),
    daysPastDue: daysPastDueOn(s.account, today, s.overdueRule),
    classification: classificationUnder(s.account, today, s.overdueRule),
    status: overdueInstallment(s.account, today, s.overdueRule) ? 'OVERDUE' : 'ACTIVE',
  };
}

async function reverseNew(s: ServicingState, input: ReversalInput): Promise<ReversalResult> {
  if (!patched(PATCHES.PAYMENT_REVERSAL))
    refuse(REFUSAL.WRONG_STAGE, { zh: '该贷款不支持冲正', en: 'This loan cannot reverse payments' }, 'paymentId');
  const inputs = await settledInputs(s, input);
  // The update's payload is not trusted: the approval must stand in payment_reversals.
  if (inputs.unapproved) refuse(REFUSAL.FORBIDDEN, inputs.unapproved, 'approvedBy');
  if (inputs.reversed) return resultOf(s, input, [], true);
  if (!inputs.original)
    refuse(
      REFUSAL.INVALID,
      { zh: '该贷款没有这笔已入账的还款', en: 'This loan has no applied repayment with this paymentId' },
      'paymentId',
    );
  const today = todayOf(s);
  let reversal;
  try {
    reversal = rebuiltWithout({
      current: s.account,
      opening: openingAccountOf(s.input, s.ctx.view),
      applied: inputs.applied,
      paymentId: input.paymentId,
      original: inputs.original,
      on: today,
      reason: input.reason,
      refundPayable: inputs.refundPayable,
    });
  } catch (err) {
    if (err instanceof DomainError) refuse(REFUSAL.WRONG_STAGE, err.text, err.field);
    throw err;
  }
  // From here to the posting nothing awaits: the payment's refunds cannot move meanwhile.
  const refunds = patched(PATCHES.REFUND_CANCELLED_BY_REVERSAL) ? refundsOfPayment(s, input.paymentId) : null;
  if (refunds && refunds.atBank.length > 0)
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `这笔还款的退款 ${refunds.atBank.map((r) => r.refundId).join('、')} 正在银行处理中；待银行答复后再冲正`,
        en: `This payment's refund ${refunds.atBank.map((r) => r.refundId).join(', ')} is at the bank; reverse it once the bank has answered`,
      },
      'paymentId',
    );
  s.recentPayments = s.recentPayments.filter((p) => p.paymentId !== input.paymentId);
  s.reversals += 1;
  const cancelled = refunds
    ? cancelRefunds(s, refunds.cancellable, { paymentId: input.paymentId, by: input.approvedBy })
    : null;
  const stored = adopt(s, reversal, undefined, input.paymentId);
  const entries = reversal.entries.map((e) => e.businessKey);
  const result = resultOf(s, input, entries, false);
  await stored;
  if (cancelled) await cancelled;
  await record(
    s.ctx,
    'REPAYMENT_REVERSED',
    {
      zh: `还款 ${input.paymentId} 已冲正：${input.reason}`,
      en: `Repayment ${input.paymentId} reversed: ${input.reason}`,
    },
    {
      actor: input.approvedBy,
      detail: { paymentId: input.paymentId, requestedBy: input.requestedBy, entries, status: result.status },
    },
  );
  return result;
}
