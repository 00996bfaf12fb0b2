// Reversing a repayment that should never have been applied (a mistaken bank transfer, cash that
// never came): history is not edited. The loan's account is rebuilt from its opening schedule by
// replaying the payments that remain, in the order they were applied, with credit used on each
// due date as servicing does; the ledger gets the mirror image of the payment's own entry
// (`reversalOf`) and, when the payments after it now fall differently, one re-allocation entry that
// moves the receivables, credit and income the ledger holds to what the rebuilt account says.
//
// What the ledger already recognised stays recognised when the rebuilt account owes the same
// amount for it (an installment charged early keeps its charge), so no later posting repeats a
// business key with different lines. A reversal that would change a later payment's refund, or an
// installment the ledger charged at a different amount, is refused: it needs a person.
import { DomainError } from './errors.js';
import { compareDates } from './dates.js';
import { RULE_BOOK, type RuleBook } from './money-rules.js';
import { ZERO, money, sum, toMoney, type Dec } from './money.js';
import { reversalOf, type Account, type JournalEntry, type JournalLine } from './ledger.js';
import {
  applyCredit,
  applyPayment,
  isPaidOff,
  type InstallmentState,
  type LoanAccount,
  type PaymentInput,
} from './servicing-account.js';
import type { LocalDate, Money } from './types.js';

/** What the ledger holds for one loan's account, by what the account says (the upfront fee aside). */
export interface LedgerPosition {
  principal: Dec;
  interestReceivable: Dec;
  feeReceivable: Dec;
  penaltyReceivable: Dec;
  credit: Dec;
  interestIncome: Dec;
  feeIncome: Dec;
  penaltyIncome: Dec;
}

function recognisedInterest(i: InstallmentState): Dec {
  if (i.charged) return money(i.interest);
  return money(i.interestPosted ?? '0.00');
}

/** The balances the ledger must show for an account: receivables as charged less paid, credit, income recognised. */
export function ledgerPositionOf(a: LoanAccount): LedgerPosition {
  const each = (f: (i: InstallmentState) => Dec) => sum(a.installments.map(f));
  const interestIncome = each(recognisedInterest);
  const feeIncome = each((i) => (i.charged ? money(i.fee) : ZERO));
  const penaltyIncome = each((i) => money(i.penaltyCharged).plus(money(i.lateFee)));
  return {
    principal: each((i) => money(i.principal).minus(money(i.paidPrincipal))),
    interestReceivable: interestIncome.minus(each((i) => money(i.paidInterest))),
    feeReceivable: feeIncome.minus(each((i) => money(i.paidFee))),
    penaltyReceivable: penaltyIncome.minus(each((i) => money(i.paidPenalty))),
    credit: money(a.credit),
    interestIncome,
    feeIncome,
    penaltyIncome,
  };
}

/** Uses credit on every due date after `from` up to and including `to`, as servicing does on the day. */
function creditThrough(a: LoanAccount, from: LocalDate | null, to: LocalDate, book: RuleBook): LoanAccount {
  let account = a;
  for (const due of a.installments.map((i) => i.dueDate)) {
    if (compareDates(due, to) > 0) break;
    if (from !== null && compareDates(due, from) <= 0) continue;
    account = applyCredit(account, due, book).account;
  }
  return account;
}

export interface Replay {
  account: LoanAccount;
  /** What each replayed payment left to be refunded, summed. */
  refunded: Dec;
}

/**
 * The account as servicing would have kept it had exactly these payments been applied, in this
 * order, brought up to `asOf`: the opening account, credit used on each due date, each payment on
 * its own date, then charges and credit through `asOf`.
 */
export function replayPayments(
  opening: LoanAccount,
  payments: readonly PaymentInput[],
  asOf: LocalDate,
  book: RuleBook = RULE_BOOK,
): Replay {
  let account = opening;
  let last: LocalDate | null = null;
  let refunded = ZERO;
  for (const p of payments) {
    if (account.writtenOffOn !== null || isPaidOff(account)) break;
    account = creditThrough(account, last, p.receivedOn, book);
    const posted = applyPayment(account, p, book);
    account = posted.account;
    refunded = refunded.plus(money(posted.allocation.toRefund));
    last = last === null || compareDates(p.receivedOn, last) > 0 ? p.receivedOn : last;
  }
  if (account.writtenOffOn === null && !isPaidOff(account)) {
    account = creditThrough(account, last, asOf, book);
    account = applyCredit(account, asOf, book).account;
  }
  return { account, refunded };
}

export interface PaymentReversal {
  /** The account as if the payment had never been applied, as of the reversal date. */
  account: LoanAccount;
  /** The mirror of the payment's entry, then the re-allocation entry when one is needed. */
  entries: JournalEntry[];
  /** Installment numbers whose stored row changes (in either account). */
  changed: number[];
}

export interface ReversalRequest {
  /** The account servicing holds now. */
  current: LoanAccount;
  /** The account as opened at payout (openAccount). */
  opening: LoanAccount;
  /** Every payment applied to the loan and not reversed, in the order it was applied, this one included. */
  applied: readonly PaymentInput[];
  paymentId: string;
  /** The payment's REPAYMENT entry as posted. */
  original: JournalEntry;
  on: LocalDate;
  reason: string;
  /**
   * What the ledger still owes the borrower back on this loan now (REFUND_PAYABLE, credit balance).
   * A refund paid out debits it: when it holds less than the payment booked there, part of that
   * payment's overpayment was refunded.
   */
  refundPayable: Money;
}

function refuse(code: string, zh: string, en: string): never {
  throw new DomainError(code, { zh, en }, 'paymentId');
}

/** Keeps what the ledger already charged on the rebuilt account, where it owes the same for it. */
function keepRecognised(current: LoanAccount, rebuilt: LoanAccount): LoanAccount {
  const installments = rebuilt.installments.map((r) => {
    const c = current.installments.find((x) => x.number === r.number);
    if (!c || !c.charged || r.charged) return r;
    const same =
      money(c.interest).eq(money(r.interest)) &&
      money(c.fee).eq(money(r.fee)) &&
      money(c.interestPosted ?? '0.00').eq(money(r.interestPosted ?? '0.00'));
    if (!same)
      refuse(
        'REVERSAL_NEEDS_REVIEW',
        `第 ${r.number} 期已按不同金额计息，冲正需人工处理`,
        `Installment ${r.number} was charged at a different amount; this reversal needs a person`,
      );
    return { ...r, charged: true };
  });
  return {
    ...rebuilt,
    installments,
    // Credit-application keys already used stay used.
    creditApplications: Math.max(current.creditApplications, rebuilt.creditApplications),
  };
}

function diffLine(account: Account, assetDelta: Dec, normal: 'DEBIT' | 'CREDIT'): JournalLine | null {
  if (assetDelta.isZero()) return null;
  const debitSide = normal === 'DEBIT' ? assetDelta.gt(0) : assetDelta.lt(0);
  const amount = toMoney(assetDelta.abs());
  return debitSide ? { account, debit: amount, credit: '0.00' } : { account, debit: '0.00', credit: amount };
}

/** What the mirror entry does to an account, on its normal side. */
function mirrored(original: JournalEntry, account: Account, normal: 'DEBIT' | 'CREDIT'): Dec {
  const lines = original.lines.filter((l) => l.account === account);
  // The mirror swaps sides: the original's credits become debits.
  const debits = sum(lines.map((l) => money(l.credit)));
  const credits = sum(lines.map((l) => money(l.debit)));
  return normal === 'DEBIT' ? debits.minus(credits) : credits.minus(debits);
}

/**
 * Un-applies one payment by replaying the others (see the header). Refuses a loan written off or
 * paid off, a payment that is not among the applied ones or whose entry is not a repayment, and a
 * reversal that would change what a later payment refunded.
 */
export function reversePayment(r: ReversalRequest, book: RuleBook = RULE_BOOK): PaymentReversal {
  if (r.current.writtenOffOn !== null)
    refuse('LOAN_WRITTEN_OFF', '贷款已核销，不能冲正还款', 'The loan was written off; its payments cannot be reversed');
  if (isPaidOff(r.current))
    refuse(
      'LOAN_PAID_OFF',
      '贷款已结清，结清证明已出具，不能冲正还款',
      'The loan is paid off and its settlement certificate issued; its payments cannot be reversed',
    );
  const index = r.applied.findIndex((p) => p.paymentId === r.paymentId);
  if (index < 0) refuse('NOT_APPLIED', '该笔还款未入账或已冲正', 'This payment was not applied or is already reversed');
  if (r.original.kind !== 'REPAYMENT' || r.original.businessKey !== `payment:${r.paymentId}`)
    refuse('NOT_A_REPAYMENT', '该分录不是这笔还款', 'The entry given is not this payment’s repayment entry');
  const remaining = r.applied.filter((p) => p.paymentId !== r.paymentId);
  const withIt = replayPayments(r.opening, r.applied, r.on, book);
  const without = replayPayments(r.opening, remaining, r.on, book);
  const ownRefund = mirrored(r.original, 'REFUND_PAYABLE', 'CREDIT').negated();
  if (ownRefund.gt(0) && money(r.refundPayable).lt(ownRefund))
    refuse(
      'OVERPAYMENT_REFUNDED',
      `这笔还款的多付部分 ${toMoney(ownRefund)} 已记为应退款，其中已有款项退还借款人；冲正需先处理退款`,
      `This payment's overpayment of ${toMoney(ownRefund)} was booked to be refunded and part of it was already refunded to the borrower; the refund must be handled before the reversal`,
    );
  if (!without.refunded.eq(withIt.refunded.minus(ownRefund)))
    refuse(
      'REVERSAL_CHANGES_REFUND',
      '冲正会改变后续还款的退款金额，需人工处理',
      'Reversing this payment would change what a later payment refunded; it needs a person',
    );
  const account = keepRecognised(r.current, without.account);
  const mirror = reversalOf(r.original, { on: r.on, reason: r.reason });

  const now = ledgerPositionOf(r.current);
  const target = ledgerPositionOf(account);
  const lines = [
    diffLine(
      'LOAN_PRINCIPAL',
      target.principal.minus(now.principal.plus(mirrored(r.original, 'LOAN_PRINCIPAL', 'DEBIT'))),
      'DEBIT',
    ),
    diffLine(
      'INTEREST_RECEIVABLE',
      target.interestReceivable.minus(
        now.interestReceivable.plus(mirrored(r.original, 'INTEREST_RECEIVABLE', 'DEBIT')),
      ),
      'DEBIT',
    ),
    diffLine(
      'FEE_RECEIVABLE',
      target.feeReceivable.minus(now.feeReceivable.plus(mirrored(r.original, 'FEE_RECEIVABLE', 'DEBIT'))),
      'DEBIT',
    ),
    diffLine(
      'PENALTY_RECEIVABLE',
      target.penaltyReceivable.minus(now.penaltyReceivable.plus(mirrored(r.original, 'PENALTY_RECEIVABLE', 'DEBIT'))),
      'DEBIT',
    ),
    diffLine(
      'BORROWER_CREDIT',
      target.credit.minus(now.credit.plus(mirrored(r.original, 'BORROWER_CREDIT', 'CREDIT'))),
      'CREDIT',
    ),
    diffLine('INTEREST_INCOME', target.interestIncome.minus(now.interestIncome), 'CREDIT'),
    diffLine('FEE_INCOME', target.feeIncome.minus(now.feeIncome), 'CREDIT'),
    diffLine('PENALTY_INCOME', target.penaltyIncome.minus(now.penaltyIncome), 'CREDIT'),
  ].filter((l): l is JournalLine => l !== null);
  const entries = [mirror];
  if (lines.length > 0) entries.push(reallocationEntry(r, lines));
  const numbers = new Set([...r.current.installments, ...account.installments].map((i) => i.number));
  return { account, entries, changed: [...numbers].sort((x, y) => x - y) };
}

function reallocationEntry(r: ReversalRequest, lines: JournalLine[]): JournalEntry {
  const e: JournalEntry = {
    businessKey: `${reversalKeyOf(r.paymentId)}:reallocation`,
    loanId: r.original.loanId,
    kind: 'REVERSAL',
    effectiveOn: r.on,
    externalRef: null,
    reversesKey: r.original.businessKey,
    memo: `re-allocation after reversal of ${r.original.businessKey}: ${r.reason}`,
    lines,
  };
  const debits = sum(lines.map((l) => money(l.debit)));
  const credits = sum(lines.map((l) => money(l.credit)));
  if (!debits.eq(credits))
    refuse(
      'REVERSAL_NEEDS_REVIEW',
      `冲正后重新分配不平（借 ${toMoney(debits)} 贷 ${toMoney(credits)}），需人工处理`,
      `The re-allocation after this reversal does not balance (debits ${toMoney(debits)}, credits ${toMoney(credits)}); it needs a person`,
    );
  return e;
}

/** The business key of a payment's reversal entry. */
export function reversalKeyOf(paymentId: string): string {
  return `reversal:payment:${paymentId}`;
}
