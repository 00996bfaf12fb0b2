// Money coming in: repayments from any channel (idempotent by paymentId) and auto-debits from
// the borrower's card on the due date.
import { ApplicationFailure, condition } from '@temporalio/workflow';
import {
  applyPayment,
  balancesOn,
  dueNow,
  isPaidOff,
  overdueInstallment,
  payoffAmount,
  type PaymentInput,
} from '../domain/servicing-account.js';
import { money } from '../domain/money.js';
import { partners, rawPartners, records } from './activity-proxies.js';
import { record } from './context.js';
import { REFUSAL, type BankResult, type RepaymentInput } from '../contracts/messages.js';
import { adopt } from './servicing-records.js';
import { payBackWhatIsLeft } from './refunds.js';
import { pollDelay } from './waiting.js';
import { RECENT_PAYMENTS_KEPT } from '../contracts/loan-view.js';
import { todayOf, type ServicingState } from './servicing-state.js';
import type { RepaymentResult } from '../contracts/loan-view.js';

/** Auto-debit attempts per installment: the due date and the first two escalation steps. */
export const MAX_DEBIT_TRIES = 3;
const DEBIT_POLL_BEFORE_BACKOFF = 30_000;

function remember(s: ServicingState, result: RepaymentResult): void {
  s.recentPayments = [...s.recentPayments.filter((p) => p.paymentId !== result.paymentId), result].slice(
    -RECENT_PAYMENTS_KEPT,
  );
}

/**
 * Accepts a repayment once. The same paymentId again — while the first is still being stored,
 * later in this run, or in an earlier run (the payments table remembers) — changes nothing and
 * gets the original answer with duplicate: true.
 */
export async function repay(
  s: ServicingState,
  input: RepaymentInput,
  externalRef: string | null = null,
): Promise<RepaymentResult> {
  const recent = s.recentPayments.find((p) => p.paymentId === input.paymentId);
  if (recent) return { ...recent, duplicate: true };
  const running = s.inFlight.get(input.paymentId);
  if (running) return { ...(await running), duplicate: true };
  const work = acceptNew(s, input, externalRef);
  s.inFlight.set(input.paymentId, work);
  try {
    return await work;
  } finally {
    s.inFlight.delete(input.paymentId);
  }
}

async function acceptNew(
  s: ServicingState,
  input: RepaymentInput,
  externalRef: string | null,
): Promise<RepaymentResult> {
  const stored = await records.findRepayment({ paymentId: input.paymentId });
  if (stored) {
    if (stored.loanId !== s.input.loanId) {
      throw ApplicationFailure.create({
        type: REFUSAL.INVALID,
        message: 'This paymentId was already used for another loan',
        details: [
          {
            text: { zh: '该 paymentId 已用于另一笔贷款', en: 'This paymentId was already used for another loan' },
            field: 'paymentId',
          },
        ],
        nonRetryable: true,
      });
    }
    remember(s, stored.result);
    return { ...stored.result, duplicate: true };
  }
  if (s.closed || isPaidOff(s.account) || s.account.writtenOffOn !== null) {
    throw ApplicationFailure.create({
      type: REFUSAL.WRONG_STAGE,
      message: 'The loan closed before this payment could be applied',
      details: [
        {
          text: { zh: '贷款已结清或核销，不能再还款', en: 'The loan closed before this payment could be applied' },
          field: 'paymentId',
        },
      ],
      nonRetryable: true,
    });
  }
  const payment: PaymentInput = {
    paymentId: input.paymentId,
    channel: input.channel,
    amount: money(input.amount).toFixed(2),
    receivedOn: input.receivedOn,
    externalRef: externalRef ?? (input.channel === 'BANK_TRANSFER' ? input.paymentId : null),
  };
  const posting = applyPayment(s.account, payment);
  const today = todayOf(s);
  const paidOff = isPaidOff(posting.account);
  const result: RepaymentResult = {
    paymentId: input.paymentId,
    duplicate: false,
    loanId: s.input.loanId,
    channel: input.channel,
    amount: payment.amount,
    receivedOn: input.receivedOn,
    allocation: posting.allocation,
    balances: balancesOn(posting.account, today),
    payoffAmount: paidOff ? '0.00' : payoffAmount(posting.account, today),
    status: paidOff ? 'PAID_OFF' : overdueInstallment(posting.account, today, s.overdueRule) ? 'OVERDUE' : 'ACTIVE',
  };
  remember(s, result);
  await adopt(s, posting, { result, recordedBy: input.recordedBy.userId });
  await record(
    s.ctx,
    'REPAYMENT_RECEIVED',
    {
      zh: `收到还款 ${payment.amount} 元（${channelZh[input.channel]}）`,
      en: `Repayment of CNY ${payment.amount} received (${input.channel})`,
    },
    { actor: input.recordedBy, detail: { paymentId: input.paymentId, allocation: posting.allocation } },
  );
  await payBackWhatIsLeft(s, posting.entries, input);
  return result;
}

const channelZh: Record<RepaymentInput['channel'], string> = {
  ONLINE: '线上',
  BANK_TRANSFER: '银行转账',
  CASH: '现金',
  AUTO_DEBIT: '自动代扣',
};

const SYSTEM = { userId: 'system', role: 'OPS' } as const;

/**
 * Collects what is due from the borrower's card, if they authorised it and tries remain for the
 * oldest unpaid installment. A success becomes a repayment whose paymentId is the debit's key.
 */
export async function autoDebit(s: ServicingState): Promise<void> {
  if (!s.autoDebit || s.closed) return;
  const today = todayOf(s);
  const amount = dueNow(s.account, today);
  const target = s.account.installments.find((i) => i.dueDate <= today && !isSettledNow(s, i.number));
  if (!target || money(amount).lte(0)) return;
  const tries = s.debitTries[String(target.number)] ?? 0;
  if (tries >= MAX_DEBIT_TRIES) return;
  s.debitTries[String(target.number)] = tries + 1;
  const key = `loan:${s.input.loanId}:installment:${target.number}:debit:${tries + 1}`;

  let result: BankResult | null;
  try {
    result = await rawPartners.startDebit({ loanId: s.input.loanId, idempotencyKey: key, amount });
  } catch {
    result = { transferId: '', idempotencyKey: key, status: 'FAILED', failureReason: 'REJECTED' };
  }
  // The bank answers by signed callback; polling covers a lost one.
  for (let polls = 0; !result; polls += 1) {
    const called = await condition(() => s.bankResults.has(key), pollDelay(polls, DEBIT_POLL_BEFORE_BACKOFF));
    result = called ? s.bankResults.get(key)! : await partners.checkDebit({ idempotencyKey: key });
  }
  s.bankResults.delete(key);
  if (result.status === 'FAILED') {
    await record(s.ctx, 'AUTO_DEBIT_FAILED', {
      zh: `第 ${target.number} 期自动代扣失败：${result.failureReason ?? '未知原因'}`,
      en: `Auto-debit of installment ${target.number} failed: ${result.failureReason ?? 'unknown reason'}`,
    });
    return;
  }
  await repay(s, { paymentId: key, amount, channel: 'AUTO_DEBIT', receivedOn: todayOf(s), recordedBy: SYSTEM }, key);
}

function isSettledNow(s: ServicingState, number: number): boolean {
  const i = s.account.installments.find((x) => x.number === number);
  return !i || i.paidOn !== null;
}
