// Recovery after write-off (核销后收回): money received on a loan already written off. The write-off
// took every receivable to LOAN_LOSS, so nothing is left to repay: the money is income of its own,
// RECOVERY_INCOME, received into the channel's cash account. One entry per payment id, under the
// same key space as repayments (payment:<id>), so one payment can never be both.
import { compareDates } from './dates.js';
import { DomainError } from './errors.js';
import { CHANNEL_ACCOUNT, assertValidEntry, ledgerKeys, type JournalEntry } from './ledger.js';
import { ZERO_MONEY, isMoneyText, money, toMoney } from './money.js';
import type { LocalDate, Money } from './types.js';

export const RECOVERY_CHANNELS = ['BANK_TRANSFER', 'CASH'] as const;
export type RecoveryChannel = (typeof RECOVERY_CHANNELS)[number];

export interface Recovery {
  loanId: string;
  paymentId: string;
  channel: RecoveryChannel;
  amount: Money;
  receivedOn: LocalDate;
}

/** The entry posting a recovery: the channel's cash account ← RECOVERY_INCOME. */
export function recoveryEntry(r: Recovery): JournalEntry {
  if (!isMoneyText(r.amount) || money(r.amount).lte(0))
    throw new DomainError(
      'INVALID_AMOUNT',
      { zh: '收回金额须大于零', en: 'A recovery must be a positive amount' },
      'amount',
    );
  const amount = toMoney(money(r.amount));
  const e: JournalEntry = {
    businessKey: ledgerKeys.payment(r.paymentId),
    loanId: r.loanId,
    kind: 'WRITE_OFF_RECOVERY',
    effectiveOn: r.receivedOn,
    externalRef: r.paymentId,
    reversesKey: null,
    memo: `recovery after write-off: ${amount}`,
    lines: [
      { account: CHANNEL_ACCOUNT[r.channel], debit: amount, credit: ZERO_MONEY },
      { account: 'RECOVERY_INCOME', debit: ZERO_MONEY, credit: amount },
    ],
  };
  assertValidEntry(e);
  return e;
}

/** Where a recovery comes from: the bank's own notice or statement line, or a checker's approval of a staff posting. */
export type RecoverySource = 'BANK' | 'CHECKER';

/** What the books hold for the loan when a recovery is asked for. */
export interface RecoveryPosition {
  /** The date of the loan's write-off. */
  writtenOffOn: LocalDate;
  /** The amount written off (what LOAN_LOSS took). */
  writtenOff: Money;
  /** The total already recovered on the loan. */
  recovered: Money;
  /** The ledger month of `receivedOn` is closed. */
  periodClosed: boolean;
}

export const RECOVERY_REFUSALS = [
  'RECEIVED_BEFORE_WRITE_OFF',
  'PERIOD_CLOSED',
  'EXCEEDS_WRITTEN_OFF',
  'BANK_TRANSFER_NEEDS_STATEMENT',
] as const;
export type RecoveryRefusalCode = (typeof RECOVERY_REFUSALS)[number];

export interface RecoveryRefusal {
  code: RecoveryRefusalCode;
  field: 'receivedOn' | 'amount' | 'channel';
  text: { zh: string; en: string };
}

/**
 * Why a payment cannot be booked as a recovery, or null when it can: money received before the
 * write-off was owed by a loan still serviced, not recovery income; a closed month is not posted
 * into; the total recovered never exceeds the amount written off (the excess is not income of
 * this loan); a bank transfer is booked from the bank's own notice or statement line only, so the
 * same transfer recorded by staff cannot be booked a second time under another payment id.
 */
export function recoveryRefusal(
  r: Pick<Recovery, 'amount' | 'receivedOn' | 'channel'> & { source: RecoverySource },
  p: RecoveryPosition,
): RecoveryRefusal | null {
  if (r.channel === 'BANK_TRANSFER' && r.source === 'CHECKER')
    return {
      code: 'BANK_TRANSFER_NEEDS_STATEMENT',
      field: 'channel',
      text: {
        zh: '核销贷款的银行转账收回须由银行到账通知或银行流水匹配入账，不能人工复核入账',
        en: "A bank transfer on a written-off loan is booked from the bank's notice or statement match, not by a checker",
      },
    };
  if (compareDates(r.receivedOn, p.writtenOffOn) < 0)
    return {
      code: 'RECEIVED_BEFORE_WRITE_OFF',
      field: 'receivedOn',
      text: {
        zh: `到账日期早于核销日期（${p.writtenOffOn}），不是核销后收回`,
        en: `receivedOn is before the write-off (${p.writtenOffOn}); it is not a recovery`,
      },
    };
  if (p.periodClosed)
    return {
      code: 'PERIOD_CLOSED',
      field: 'receivedOn',
      text: {
        zh: `到账日期所在会计期间（${r.receivedOn.slice(0, 7)}）已结账`,
        en: `receivedOn falls in a closed ledger period (${r.receivedOn.slice(0, 7)})`,
      },
    };
  const left = money(p.writtenOff).minus(money(p.recovered));
  if (money(r.amount).gt(left))
    return {
      code: 'EXCEEDS_WRITTEN_OFF',
      field: 'amount',
      text: {
        zh: `收回金额超过核销金额尚未收回部分（${toMoney(left.gt(0) ? left : ZERO_MONEY)}）`,
        en: `amount exceeds what is left of the amount written off (${toMoney(left.gt(0) ? left : ZERO_MONEY)})`,
      },
    };
  return null;
}

/** The same payment again: the same loan, channel, date and amount (decimal equality). */
export function sameRecovery(a: Recovery, b: Recovery): boolean {
  return (
    a.loanId === b.loanId &&
    a.channel === b.channel &&
    a.receivedOn === b.receivedOn &&
    isMoneyText(a.amount) &&
    isMoneyText(b.amount) &&
    money(a.amount).eq(money(b.amount))
  );
}
