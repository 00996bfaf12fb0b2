// The double-entry ledger, as pure functions: the accounts, the journal entries each business
// event posts (every one under a unique business key) and balances derived from lines. The
// checks finance runs are in domain/reconciliation.ts. No I/O: activities/ledger.ts posts and
// db/ledger-reads.ts reads.
//
// Accounts (normal side in brackets):
//   BANK [Dr]              our account at the custodian bank: payouts, debits, incoming transfers
//   CASH_ON_HAND [Dr]      cash taken at the counter        PAYMENT_GATEWAY [Dr] online payments
//   LOAN_PRINCIPAL [Dr]    principal lent and not repaid
//   INTEREST_RECEIVABLE, FEE_RECEIVABLE, PENALTY_RECEIVABLE [Dr]  charged and not yet paid
//   ACCRUED_INTEREST_RECEIVABLE [Dr]  interest earned day by day and not yet due (domain/interest-accrual.ts)
//   BORROWER_CREDIT [Cr]   overpayments kept for later installments
//   REFUND_PAYABLE [Cr]    overpayments owed back to the borrower, until the bank pays them back
//   INTEREST_INCOME, FEE_INCOME, PENALTY_INCOME [Cr]              LOAN_LOSS [Dr] write-offs
//   FUNDING_CAPITAL [Cr]   capital paid into BANK, so payouts never take it below zero
//   LOAN_LOSS_RESERVE [Cr] provision held against loans     PROVISION_EXPENSE [Dr] its charge
// Numeric chart-of-accounts codes: domain/chart-of-accounts.ts.
import { DomainError } from './errors.js';
import type { Dec } from './money.js';
import { ZERO, ZERO_MONEY, isMoneyText, money, sum, toMoney } from './money.js';
import type { BilingualText, LocalDate, Money } from './types.js';

export const ACCOUNTS = [
  'BANK',
  'CASH_ON_HAND',
  'PAYMENT_GATEWAY',
  'LOAN_PRINCIPAL',
  'INTEREST_RECEIVABLE',
  'FEE_RECEIVABLE',
  'PENALTY_RECEIVABLE',
  'ACCRUED_INTEREST_RECEIVABLE',
  'BORROWER_CREDIT',
  'REFUND_PAYABLE',
  'INTEREST_INCOME',
  'FEE_INCOME',
  'PENALTY_INCOME',
  'LOAN_LOSS',
  'FUNDING_CAPITAL',
  'LOAN_LOSS_RESERVE',
  'PROVISION_EXPENSE',
  'RECOVERY_INCOME',
] as const;
export type Account = (typeof ACCOUNTS)[number];

/** CONTRA_ASSET: an asset's allowance (the loan-loss reserve), credit on its normal side. */
export type AccountKind = 'ASSET' | 'CONTRA_ASSET' | 'LIABILITY' | 'EQUITY' | 'INCOME' | 'EXPENSE';
export const ACCOUNT_KIND: Readonly<Record<Account, AccountKind>> = {
  BANK: 'ASSET',
  CASH_ON_HAND: 'ASSET',
  PAYMENT_GATEWAY: 'ASSET',
  LOAN_PRINCIPAL: 'ASSET',
  INTEREST_RECEIVABLE: 'ASSET',
  FEE_RECEIVABLE: 'ASSET',
  PENALTY_RECEIVABLE: 'ASSET',
  ACCRUED_INTEREST_RECEIVABLE: 'ASSET',
  BORROWER_CREDIT: 'LIABILITY',
  REFUND_PAYABLE: 'LIABILITY',
  INTEREST_INCOME: 'INCOME',
  FEE_INCOME: 'INCOME',
  PENALTY_INCOME: 'INCOME',
  LOAN_LOSS: 'EXPENSE',
  FUNDING_CAPITAL: 'EQUITY',
  LOAN_LOSS_RESERVE: 'CONTRA_ASSET',
  PROVISION_EXPENSE: 'EXPENSE',
  RECOVERY_INCOME: 'INCOME',
};

export const ENTRY_KINDS = [
  'DISBURSEMENT',
  'INTEREST',
  'INSTALLMENT_FEE',
  'PENALTY_INTEREST',
  'LATE_FEE',
  'REPAYMENT',
  'CREDIT_APPLIED',
  'WRITE_OFF',
  'REVERSAL',
  'CAPITAL',
  'PROVISION',
  'REFUND',
  'WRITE_OFF_RECOVERY',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** One side of one line: exactly one of debit and credit is non-zero. */
export interface JournalLine {
  account: Account;
  debit: Money;
  credit: Money;
}

export interface JournalEntry {
  /** Unique in the ledger: posting the same business event again is a no-op. */
  businessKey: string;
  /** The loan the entry belongs to; null for the company's own entries (capital). */
  loanId: string | null;
  kind: EntryKind;
  effectiveOn: LocalDate;
  /** The partner's key for the money movement (transfer or debit idempotency key, incoming payment id). */
  externalRef: string | null;
  reversesKey: string | null;
  memo: string;
  lines: JournalLine[];
}

/** Where the money of a repayment arrived, by channel. */
export type PaymentChannel = 'ONLINE' | 'BANK_TRANSFER' | 'CASH' | 'AUTO_DEBIT';
export const CHANNEL_ACCOUNT: Readonly<Record<PaymentChannel, Account>> = {
  ONLINE: 'PAYMENT_GATEWAY',
  BANK_TRANSFER: 'BANK',
  CASH: 'CASH_ON_HAND',
  AUTO_DEBIT: 'BANK',
};

/** What a payment (or applied credit) paid, by component. All amounts ≥ 0. */
export interface Allocated {
  penalty: Money;
  fee: Money;
  interest: Money;
  principal: Money;
}

export const ledgerKeys = {
  disbursement: (loanId: string) => `loan:${loanId}:disbursement`,
  interest: (loanId: string, installment: number) => `loan:${loanId}:interest:${installment}`,
  interestAccrued: (loanId: string, installment: number, paymentId: string) =>
    `loan:${loanId}:interest:${installment}:accrued:${paymentId}`,
  /** Daily accrual through `through` (the last day whose interest it holds); `repeat` > 0 for a later correction of that day. */
  dailyAccrual: (loanId: string, through: LocalDate, repeat = 0) =>
    `loan:${loanId}:accrual:${through}${repeat > 0 ? `:${repeat}` : ''}`,
  installmentFee: (loanId: string, installment: number) => `loan:${loanId}:fee:${installment}`,
  penaltyInterest: (loanId: string, installment: number, through: LocalDate) =>
    `loan:${loanId}:penalty:${installment}:${through}`,
  lateFee: (loanId: string, installment: number, on: LocalDate) => `loan:${loanId}:late-fee:${installment}:${on}`,
  payment: (paymentId: string) => `payment:${paymentId}`,
  creditApplied: (loanId: string, sequence: number) => `loan:${loanId}:credit:${sequence}`,
  writeOff: (loanId: string) => `loan:${loanId}:write-off`,
  refund: (loanId: string, number: number) => `loan:${loanId}:refund:${number}`,
  refundToCredit: (loanId: string, number: number) => `loan:${loanId}:refund:${number}:to-credit`,
  reversal: (businessKey: string) => `reversal:${businessKey}`,
  capital: (injectionId: string) => `capital:${injectionId}`,
  provision: (loanId: string, sequence: number) => `loan:${loanId}:provision:${sequence}`,
};

function dr(account: Account, amount: Dec): JournalLine {
  return { account, debit: toMoney(amount), credit: ZERO_MONEY };
}

function cr(account: Account, amount: Dec): JournalLine {
  return { account, debit: ZERO_MONEY, credit: toMoney(amount) };
}

/** Drops zero lines, so an entry only names accounts that move. */
function nonZero(lines: JournalLine[]): JournalLine[] {
  return lines.filter((l) => !money(l.debit).isZero() || !money(l.credit).isZero());
}

function entry(
  fields: Omit<JournalEntry, 'externalRef' | 'reversesKey' | 'lines'> &
    Partial<Pick<JournalEntry, 'externalRef' | 'reversesKey'>> & { lines: JournalLine[] },
): JournalEntry {
  const built: JournalEntry = {
    businessKey: fields.businessKey,
    loanId: fields.loanId,
    kind: fields.kind,
    effectiveOn: fields.effectiveOn,
    externalRef: fields.externalRef ?? null,
    reversesKey: fields.reversesKey ?? null,
    memo: fields.memo,
    lines: nonZero(fields.lines),
  };
  assertValidEntry(built);
  return built;
}

/**
 * The payout: the whole principal becomes receivable; the bank pays out the net amount and the
 * upfront fee, kept back from the payout, is earned at once.
 */
export function disbursementEntry(p: {
  loanId: string;
  principal: Money;
  upfrontFee: Money;
  disbursedOn: LocalDate;
  transferKey: string;
}): JournalEntry {
  const principal = money(p.principal);
  const fee = money(p.upfrontFee);
  return entry({
    businessKey: ledgerKeys.disbursement(p.loanId),
    loanId: p.loanId,
    kind: 'DISBURSEMENT',
    effectiveOn: p.disbursedOn,
    externalRef: p.transferKey,
    memo: `disbursement of ${p.principal}, upfront fee ${p.upfrontFee}`,
    lines: [dr('LOAN_PRINCIPAL', principal), cr('BANK', principal.minus(fee)), cr('FEE_INCOME', fee)],
  });
}

/** Interest of installment n becomes receivable (on its due date, or when paid early or in a payoff). */
export function interestEntry(p: { loanId: string; installment: number; amount: Money; on: LocalDate }): JournalEntry {
  const amount = money(p.amount);
  return entry({
    businessKey: ledgerKeys.interest(p.loanId, p.installment),
    loanId: p.loanId,
    kind: 'INTEREST',
    effectiveOn: p.on,
    memo: `interest of installment ${p.installment}`,
    lines: [dr('INTEREST_RECEIVABLE', amount), cr('INTEREST_INCOME', amount)],
  });
}

/**
 * Interest of installment n accrued to the day a prepayment pays it, before its due date (money rules
 * version 2); the installment's own interest entry later posts only the rest of the period.
 */
export function interestAccruedEntry(p: {
  loanId: string;
  installment: number;
  paymentId: string;
  amount: Money;
  on: LocalDate;
}): JournalEntry {
  const amount = money(p.amount);
  return entry({
    businessKey: ledgerKeys.interestAccrued(p.loanId, p.installment, p.paymentId),
    loanId: p.loanId,
    kind: 'INTEREST',
    effectiveOn: p.on,
    memo: `interest of installment ${p.installment} accrued to ${p.on}, paid ahead`,
    lines: [dr('INTEREST_RECEIVABLE', amount), cr('INTEREST_INCOME', amount)],
  });
}

/** The installment an INTEREST entry of `loanId` makes receivable (its due-date or paid-ahead entry), or null. */
export function interestInstallmentOf(e: JournalEntry): number | null {
  if (e.kind !== 'INTEREST') return null;
  const prefix = `loan:${e.loanId}:interest:`;
  if (!e.businessKey.startsWith(prefix)) return null;
  const n = Number(e.businessKey.slice(prefix.length).split(':')[0]);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * Interest earned day by day and not yet due: income as it accrues, held as accrued interest
 * receivable until the installment falls due. A negative amount takes back interest accrued on
 * principal that was repaid ahead (or on a loan written off).
 */
export function interestAccrualEntry(p: {
  loanId: string;
  through: LocalDate;
  repeat: number;
  amount: Dec;
}): JournalEntry {
  const back = p.amount.isNeg();
  const amount = p.amount.abs();
  return entry({
    businessKey: ledgerKeys.dailyAccrual(p.loanId, p.through, p.repeat),
    loanId: p.loanId,
    kind: 'INTEREST',
    effectiveOn: p.through,
    memo: back ? `interest accrued before ${p.through} taken back` : `interest accrued through ${p.through}`,
    lines: back
      ? [dr('INTEREST_INCOME', amount), cr('ACCRUED_INTEREST_RECEIVABLE', amount)]
      : [dr('ACCRUED_INTEREST_RECEIVABLE', amount), cr('INTEREST_INCOME', amount)],
  });
}

/**
 * An interest entry (due date, paid ahead or payoff) for a loan that accrues daily: the part already
 * accrued moves from accrued interest to interest receivable, only the rest is new income.
 */
export function drawnFromAccrued(e: JournalEntry, fromAccrued: Dec): JournalEntry {
  const amount = money(e.lines.find((l) => l.account === 'INTEREST_RECEIVABLE')?.debit ?? ZERO_MONEY);
  const drawn = fromAccrued.gt(amount) ? amount : fromAccrued;
  return entry({
    ...e,
    lines: [
      dr('INTEREST_RECEIVABLE', amount),
      cr('ACCRUED_INTEREST_RECEIVABLE', drawn),
      cr('INTEREST_INCOME', amount.minus(drawn)),
    ],
  });
}

export function installmentFeeEntry(p: {
  loanId: string;
  installment: number;
  amount: Money;
  on: LocalDate;
}): JournalEntry {
  const amount = money(p.amount);
  return entry({
    businessKey: ledgerKeys.installmentFee(p.loanId, p.installment),
    loanId: p.loanId,
    kind: 'INSTALLMENT_FEE',
    effectiveOn: p.on,
    memo: `fee of installment ${p.installment}`,
    lines: [dr('FEE_RECEIVABLE', amount), cr('FEE_INCOME', amount)],
  });
}

/** Penalty interest on installment n accrued since the last posting, through `through`. */
export function penaltyInterestEntry(p: {
  loanId: string;
  installment: number;
  amount: Money;
  through: LocalDate;
}): JournalEntry {
  const amount = money(p.amount);
  return entry({
    businessKey: ledgerKeys.penaltyInterest(p.loanId, p.installment, p.through),
    loanId: p.loanId,
    kind: 'PENALTY_INTEREST',
    effectiveOn: p.through,
    memo: `penalty interest of installment ${p.installment} through ${p.through}`,
    lines: [dr('PENALTY_RECEIVABLE', amount), cr('PENALTY_INCOME', amount)],
  });
}

/** The late fee charged on installment n since the last posting (it can grow while capped). */
export function lateFeeEntry(p: { loanId: string; installment: number; amount: Money; on: LocalDate }): JournalEntry {
  const amount = money(p.amount);
  return entry({
    businessKey: ledgerKeys.lateFee(p.loanId, p.installment, p.on),
    loanId: p.loanId,
    kind: 'LATE_FEE',
    effectiveOn: p.on,
    memo: `late fee of installment ${p.installment}`,
    lines: [dr('PENALTY_RECEIVABLE', amount), cr('PENALTY_INCOME', amount)],
  });
}

function receivableCredits(allocated: Allocated): JournalLine[] {
  return [
    cr('PENALTY_RECEIVABLE', money(allocated.penalty)),
    cr('FEE_RECEIVABLE', money(allocated.fee)),
    cr('INTEREST_RECEIVABLE', money(allocated.interest)),
    cr('LOAN_PRINCIPAL', money(allocated.principal)),
  ];
}

/**
 * Money received: it lands in the channel's account and pays the receivables it was allocated to;
 * what is left over is kept as the borrower's credit or owed back as a refund.
 */
export function repaymentEntry(p: {
  loanId: string;
  paymentId: string;
  channel: PaymentChannel;
  amount: Money;
  receivedOn: LocalDate;
  allocated: Allocated;
  toCredit: Money;
  toRefund: Money;
  externalRef: string | null;
}): JournalEntry {
  return entry({
    businessKey: ledgerKeys.payment(p.paymentId),
    loanId: p.loanId,
    kind: 'REPAYMENT',
    effectiveOn: p.receivedOn,
    externalRef: p.externalRef,
    memo: `${p.channel} repayment of ${p.amount}`,
    lines: [
      dr(CHANNEL_ACCOUNT[p.channel], money(p.amount)),
      ...receivableCredits(p.allocated),
      cr('BORROWER_CREDIT', money(p.toCredit)),
      cr('REFUND_PAYABLE', money(p.toRefund)),
    ],
  });
}

/**
 * A refund paid back to the borrower through the bank: what was owed back leaves the bank. One
 * entry per refund whichever attempt paid it; `transferKey` is that attempt's bank key.
 */
export function refundEntry(p: {
  loanId: string;
  number: number;
  amount: Money;
  paidOn: LocalDate;
  transferKey: string;
}): JournalEntry {
  const amount = money(p.amount);
  return entry({
    businessKey: ledgerKeys.refund(p.loanId, p.number),
    loanId: p.loanId,
    kind: 'REFUND',
    effectiveOn: p.paidOn,
    externalRef: p.transferKey,
    memo: `refund ${p.number} of ${p.amount} paid to the borrower`,
    lines: [dr('REFUND_PAYABLE', amount), cr('BANK', amount)],
  });
}

/**
 * A refund that will not be paid through the bank (finance rejected it) stays owed to the borrower
 * as credit: a liability moves REFUND_PAYABLE → BORROWER_CREDIT, the mirror of credit left at payoff
 * becoming a refund, under the same entry kind. One per refund.
 */
export function refundToCreditEntry(p: { loanId: string; number: number; amount: Money; on: LocalDate }): JournalEntry {
  const amount = money(p.amount);
  return entry({
    businessKey: ledgerKeys.refundToCredit(p.loanId, p.number),
    loanId: p.loanId,
    kind: 'CREDIT_APPLIED',
    effectiveOn: p.on,
    memo: `refund ${p.number} of ${p.amount} kept as borrower credit`,
    lines: [dr('REFUND_PAYABLE', amount), cr('BORROWER_CREDIT', amount)],
  });
}

/** Credit kept from an earlier overpayment pays what has fallen due. */
export function creditAppliedEntry(p: {
  loanId: string;
  sequence: number;
  on: LocalDate;
  allocated: Allocated;
}): JournalEntry {
  const total = sum([p.allocated.penalty, p.allocated.fee, p.allocated.interest, p.allocated.principal].map(money));
  return entry({
    businessKey: ledgerKeys.creditApplied(p.loanId, p.sequence),
    loanId: p.loanId,
    kind: 'CREDIT_APPLIED',
    effectiveOn: p.on,
    memo: `borrower credit of ${toMoney(total)} applied`,
    lines: [dr('BORROWER_CREDIT', total), ...receivableCredits(p.allocated)],
  });
}

/** The approved write-off: every receivable still open for the loan goes to losses. */
export function writeOffEntry(p: { loanId: string; on: LocalDate; open: Allocated }): JournalEntry {
  const total = sum([p.open.penalty, p.open.fee, p.open.interest, p.open.principal].map(money));
  return entry({
    businessKey: ledgerKeys.writeOff(p.loanId),
    loanId: p.loanId,
    kind: 'WRITE_OFF',
    effectiveOn: p.on,
    memo: `write-off of ${toMoney(total)}`,
    lines: [dr('LOAN_LOSS', total), ...receivableCredits(p.open)],
  });
}

/** Undoes an entry with its mirror image; the original stays in the ledger. */
export function reversalOf(original: JournalEntry, p: { on: LocalDate; reason: string }): JournalEntry {
  if (original.kind === 'REVERSAL') {
    throw new DomainError(
      'INVALID_REVERSAL',
      { zh: '冲正分录不能再次冲正', en: 'A reversal cannot itself be reversed' },
      'businessKey',
    );
  }
  return entry({
    businessKey: ledgerKeys.reversal(original.businessKey),
    loanId: original.loanId,
    kind: 'REVERSAL',
    effectiveOn: p.on,
    externalRef: original.externalRef,
    reversesKey: original.businessKey,
    memo: `reversal of ${original.businessKey}: ${p.reason}`,
    lines: original.lines.map((l) => ({ account: l.account, debit: l.credit, credit: l.debit })),
  });
}

// ---- invariants ---------------------------------------------------------------------------

/** Why an entry may not be posted, or null. */
export function entryProblem(e: JournalEntry): BilingualText | null {
  if (!e.businessKey) return { zh: '分录缺少业务键', en: 'the entry has no business key' };
  if (e.lines.length < 2)
    return { zh: `分录 ${e.businessKey} 至少需要两行`, en: `entry ${e.businessKey} needs at least two lines` };
  let debits = ZERO;
  let credits = ZERO;
  for (const line of e.lines) {
    if (!ACCOUNTS.includes(line.account))
      return { zh: `未知科目 ${line.account}`, en: `unknown account ${line.account}` };
    if (!isMoneyText(line.debit) || !isMoneyText(line.credit))
      return { zh: `分录 ${e.businessKey} 金额格式错误`, en: `entry ${e.businessKey} has a malformed amount` };
    const d = money(line.debit);
    const c = money(line.credit);
    if (d.isNeg() || c.isNeg())
      return { zh: `分录 ${e.businessKey} 含负数金额`, en: `entry ${e.businessKey} has a negative amount` };
    if (d.isZero() === c.isZero())
      return {
        zh: `分录 ${e.businessKey} 每行须只有借方或贷方`,
        en: `each line of ${e.businessKey} must be a debit or a credit, not both or neither`,
      };
    debits = debits.plus(d);
    credits = credits.plus(c);
  }
  if (!debits.eq(credits)) {
    return {
      zh: `分录 ${e.businessKey} 借贷不平：借 ${toMoney(debits)} 贷 ${toMoney(credits)}`,
      en: `entry ${e.businessKey} does not balance: debits ${toMoney(debits)}, credits ${toMoney(credits)}`,
    };
  }
  return null;
}

export function assertValidEntry(e: JournalEntry): void {
  const problem = entryProblem(e);
  if (problem) throw new DomainError('UNBALANCED_ENTRY', problem, 'lines');
}

/** True when two postings under one business key say the same thing (a retry), false for a clash. */
export function sameEntry(a: JournalEntry, b: JournalEntry): boolean {
  const lines = (e: JournalEntry) =>
    e.lines
      .map((l) => `${l.account}:${money(l.debit).toFixed(2)}:${money(l.credit).toFixed(2)}`)
      .sort()
      .join('|');
  return (
    a.businessKey === b.businessKey &&
    a.loanId === b.loanId &&
    a.kind === b.kind &&
    (a.externalRef ?? null) === (b.externalRef ?? null) &&
    lines(a) === lines(b)
  );
}

// ---- balances -------------------------------------------------------------------------------

export interface PostedLine {
  account: Account;
  loanId: string | null;
  debit: Money;
  credit: Money;
}

/** Balance on the account's normal side: debit − credit for assets and expenses, credit − debit otherwise. */
export function normalBalance(account: Account, debits: Dec, credits: Dec): Dec {
  const kind = ACCOUNT_KIND[account];
  return kind === 'ASSET' || kind === 'EXPENSE' ? debits.minus(credits) : credits.minus(debits);
}

/** Every account's balance from the lines, on its normal side; accounts without lines are zero. */
export function balancesOf(lines: readonly PostedLine[]): Record<Account, Money> {
  const debits = new Map<Account, Dec>();
  const credits = new Map<Account, Dec>();
  for (const l of lines) {
    debits.set(l.account, (debits.get(l.account) ?? ZERO).plus(money(l.debit)));
    credits.set(l.account, (credits.get(l.account) ?? ZERO).plus(money(l.credit)));
  }
  const out = {} as Record<Account, Money>;
  for (const a of ACCOUNTS) out[a] = toMoney(normalBalance(a, debits.get(a) ?? ZERO, credits.get(a) ?? ZERO));
  return out;
}

/** What the borrower still owes on a loan, from its ledger balances. */
export interface LoanLedgerBalances {
  principal: Money;
  /** Interest fallen due and not yet paid (INTEREST_RECEIVABLE). */
  interest: Money;
  /** Interest earned day by day and not yet due (ACCRUED_INTEREST_RECEIVABLE). */
  accruedInterest: Money;
  fees: Money;
  penalty: Money;
  credit: Money;
  refundDue: Money;
}

export function loanBalancesOf(lines: readonly PostedLine[]): LoanLedgerBalances {
  const b = balancesOf(lines);
  return {
    principal: b.LOAN_PRINCIPAL,
    interest: b.INTEREST_RECEIVABLE,
    accruedInterest: b.ACCRUED_INTEREST_RECEIVABLE,
    fees: b.FEE_RECEIVABLE,
    penalty: b.PENALTY_RECEIVABLE,
    credit: b.BORROWER_CREDIT,
    refundDue: b.REFUND_PAYABLE,
  };
}
