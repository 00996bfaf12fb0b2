// Refunds owed back to a borrower: how much a posting leaves owed, which bank key each attempt to
// pay it uses, and when finance must approve it first. Pure: the loan's workflow pays them
// (workflows/refunds.ts).
import { refundToCreditEntry, type JournalEntry } from './ledger.js';
import { ZERO, money, sum, toMoney } from './money.js';
import type { LoanAccount, Posting } from './servicing-account.js';
import type { LocalDate, Money } from './types.js';

/** Refunds above this need a finance approval when the product names no threshold. */
export const DEFAULT_REFUND_APPROVAL_THRESHOLD: Money = '1000.00';

/** What the entries of one posting leave owed back to the borrower (overpayment, credit left at payoff). */
export function refundOwedBy(entries: readonly JournalEntry[]): Money {
  const credited = entries.flatMap((e) => e.lines.filter((l) => l.account === 'REFUND_PAYABLE'));
  const owed = sum(credited.map((l) => money(l.credit).minus(money(l.debit))));
  return toMoney(owed.gt(ZERO) ? owed : ZERO);
}

/** Days a refund waits after the payment that left it owed, so a reversal in that window can stop it. */
export const DEFAULT_REFUND_HOLD_DAYS = 3;

/** Refunds in these states are no longer owed back and do not count towards the approval threshold. */
const NOT_OWED_BACK: readonly string[] = ['REJECTED', 'CANCELLED'];

/**
 * True when a refund waits for a finance user before the bank is asked: the threshold applies to
 * everything the loan owes back (its other refunds still owed, paid or being paid, plus this one),
 * so several refunds each under the threshold cannot together pass it unapproved.
 */
export function refundNeedsApproval(
  amount: Money,
  others: readonly { amount: Money; status: string }[],
  threshold: Money | undefined,
): boolean {
  const earlier = others.filter((r) => !NOT_OWED_BACK.includes(r.status)).map((r) => money(r.amount));
  return sum([money(amount), ...earlier]).gt(money(threshold ?? DEFAULT_REFUND_APPROVAL_THRESHOLD));
}

/** The refund's id on the loan: R1, R2, … in the order they were owed. */
export function refundIdOf(number: number): string {
  return `R${number}`;
}

/**
 * The bank's idempotency key of an attempt to pay refund `number`: from business ids only, so a
 * retried activity, a restarted worker or a replayed workflow asks for the same single transfer.
 * A finance retry after a failure is a new attempt with a key of its own.
 */
export function refundTransferKey(loanId: string, number: number, attempt: number): string {
  const base = `loan:${loanId}:refund:${number}`;
  return attempt === 1 ? base : `${base}:retry-${attempt - 1}`;
}

/**
 * A refund finance rejected stays owed to the borrower as credit: its REFUND_PAYABLE moves to
 * BORROWER_CREDIT, and the account's credit grows by it, so it pays later installments (and is
 * refunded with what is left at payoff). Refunds are numbered from 1 (R1 → 1).
 */
export function refundKeptAsCredit(
  account: LoanAccount,
  refund: { number: number; amount: Money },
  on: LocalDate,
): Posting {
  return {
    account: { ...account, credit: toMoney(money(account.credit).plus(money(refund.amount))) },
    entries: [refundToCreditEntry({ loanId: account.loanId, number: refund.number, amount: refund.amount, on })],
    changed: [],
  };
}
