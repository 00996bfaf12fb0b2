// A disbursed loan as the workflow keeps it: the contract, the installments as they stand, the
// dated receipts against them, credit, and the payments applied. Plain JSON with string money,
// deterministic, no clock: the position as of any date is computed from it on demand.
//
// REPAYMENT (applyRepayment), on the payment date p, with funds = amount + credit held:
//   1. Installments due on or before p, oldest first, each in the allocation order (default
//      PENALTY → FEE → INTEREST → PRINCIPAL), with penalty and late fee as of p (overdue.ts).
//   2. What is left over, by the option:
//      KEEP_AS_CREDIT  kept as credit (used with the next repayment).
//      APPLY_TO_NEXT   paid ahead on the next installments in turn, at their scheduled amounts;
//                      anything beyond the last installment becomes credit.
//      PREPAY          everything paid ahead on installments not yet due is first taken back
//                      into the funds (reported as `returned`); then the current period's
//                      interest accrued to p (pro-rata by days, prepayment.ts), then principal;
//                      the rest of the schedule is re-amortized (REDUCE_INSTALLMENT or
//                      REDUCE_TERM). Prepaying all principal pays the loan off; fees of
//                      installments not yet due are not charged. Anything beyond → credit.
//   Conservation: amount + creditUsed + Σ returned = Σ lines + creditLeft.
//   A payment dated before payments already applied is slotted in by date and everything after
//   it is replayed. A repeated paymentId with the same date and amount returns the original
//   allocation and the account unchanged (idempotent signal handling).
// PAYOFF as of d: everything due on or before d (with charges), all unpaid principal, the
//   current period's interest accrued to d, less amounts already paid ahead and credit.
// STATUS of an installment as of d, first that applies: PAID (nothing outstanding, charges
//   included); OVERDUE (unpaid after due date + grace); PARTIAL (something paid); DUE (due on or
//   before d, within grace); UPCOMING. Days past due count from the due date while anything on
//   the installment is unpaid; the loan's is the largest, and drives its classification.
import { DEFAULT_ALLOCATION_ORDER, addComponents, allocateComponents, assertAllocationOrder, componentsTotal, toLine, zeroComponents, type AllocationLine, type Components } from './allocation.js';
import { DEFAULT_APR_CAP } from './apr.js';
import { classifyByDaysPastDue, DEFAULT_CLASSIFICATION_THRESHOLDS, type ClassificationThresholds } from './classification.js';
import { compareDates, daysBetween, isValidLocalDate } from './dates.js';
import { DomainError } from './errors.js';
import { Dec, ZERO, ZERO_MONEY, formatCents, isDecimalText, isMoneyText, minDec, money, rate, shortfall, sum } from './money.js';
import { assertPenaltyTerms, overdueCharges, type ChargeTerms } from './overdue.js';
import { accruedInterestDec, reamortize, PREPAYMENT_MODES, type PrepaymentMode } from './prepayment.js';
import type { ContractTerms, Installment, Schedule } from './schedule.js';
import type { AllocationComponent, LoanClass, LocalDate, Money, PenaltyTerms, Rate } from './types.js';

export const OVERPAYMENT_OPTIONS = ['KEEP_AS_CREDIT', 'APPLY_TO_NEXT', 'PREPAY'] as const;
export type OverpaymentOption = (typeof OVERPAYMENT_OPTIONS)[number];
export type InstallmentStatus = 'UPCOMING' | 'DUE' | 'PAID' | 'PARTIAL' | 'OVERDUE';
export type AccountStatus = 'ACTIVE' | 'OVERDUE' | 'PAID_OFF';

export interface LoanContract {
  terms: ContractTerms;
  disbursedOn: LocalDate;
  penaltyTerms: PenaltyTerms;
  /** Annual cap on overdue charges (overdue.ts), normally the product's APR cap. */
  chargesCap: Rate;
  /** The schedule as signed. */
  schedule: Installment[];
  installmentAmount: Money | null;
  principalPerPeriod: Money | null;
}

/** What one payment put on one installment. */
export interface Receipt {
  paymentId: string;
  date: LocalDate;
  penalty: Money;
  lateFee: Money;
  fee: Money;
  interest: Money;
  principal: Money;
}

export interface AccountInstallment {
  number: number;
  periodStart: LocalDate;
  dueDate: LocalDate;
  /** Amounts due under the schedule in force (re-amortization may change them). */
  principal: Money;
  interest: Money;
  fee: Money;
  /** Interest of this period settled by a prepayment before `accrualFrom` (prepayment.ts). */
  interestFixed: Money;
  accrualFrom: LocalDate;
  receipts: Receipt[];
  /** Date the installment was fully paid, charges included. */
  paidAt: LocalDate | null;
}

export interface Payment {
  paymentId: string;
  date: LocalDate;
  /** Money, ≥ "0.00" (a zero payment applies credit held). */
  amount: Money;
}

export interface RepaymentOptions {
  order?: readonly AllocationComponent[] | undefined;
  overpayment?: OverpaymentOption | undefined;
  prepayment?: PrepaymentMode | undefined;
}

export interface ResolvedRepaymentOptions {
  order: AllocationComponent[];
  overpayment: OverpaymentOption;
  prepayment: PrepaymentMode;
}

export interface AppliedPayment extends Payment {
  options: ResolvedRepaymentOptions;
}

export interface LoanAccount {
  contract: LoanContract;
  installments: AccountInstallment[];
  /** Level payment / principal per period in force (REDUCE_TERM keeps them). */
  installmentAmount: Money | null;
  principalPerPeriod: Money | null;
  credit: Money;
  /** Applied payments in date order (ties in the order they arrived). */
  payments: AppliedPayment[];
  closedOn: LocalDate | null;
}

export interface RepaymentAllocation {
  paymentId: string;
  date: LocalDate;
  amount: Money;
  creditUsed: Money;
  /** Amounts paid ahead earlier, taken back by a prepayment and allocated again. */
  returned: AllocationLine[];
  /** What this repayment put on each installment, by component. */
  lines: AllocationLine[];
  allocated: Money;
  prepaidPrincipal: Money;
  reamortized: { mode: PrepaymentMode; installments: Installment[] } | null;
  creditLeft: Money;
  paidOff: boolean;
}

export interface RepaymentResult {
  account: LoanAccount;
  allocation: RepaymentAllocation;
  creditLeft: Money;
  /** True when the paymentId had already been applied: nothing changed. */
  duplicate: boolean;
}

export interface AmountPosition {
  due: Money;
  paid: Money;
  outstanding: Money;
}

export interface InstallmentPosition {
  number: number;
  dueDate: LocalDate;
  status: InstallmentStatus;
  paidAt: LocalDate | null;
  daysPastDue: number;
  principal: AmountPosition;
  interest: AmountPosition;
  fee: AmountPosition;
  /** Penalty interest (罚息), as accrued to the date after the cap. */
  penalty: AmountPosition;
  /** Late fee (滞纳金). */
  lateFee: AmountPosition;
  total: AmountPosition;
}

export interface PayoffQuote {
  asOf: LocalDate;
  /** All unpaid principal. */
  principal: Money;
  /** Unpaid interest of installments due, plus the current period's interest accrued to the date. */
  interest: Money;
  /** Unpaid fees of installments due (fees of installments not yet due are not charged). */
  fees: Money;
  penalty: Money;
  lateFees: Money;
  /** Paid ahead on installments not yet due, deducted. */
  paidAhead: Money;
  /** Credit held, deducted. */
  credit: Money;
  /** What to pay to close the loan on that date (never negative). */
  total: Money;
  /** Owed back to the borrower when paid ahead + credit exceed what is owed. */
  refundable: Money;
}

export interface LoanPosition {
  asOf: LocalDate;
  status: AccountStatus;
  installments: InstallmentPosition[];
  balances: {
    /** All unpaid principal, due or not. */
    principal: Money;
    /** Unpaid interest of installments due. */
    interest: Money;
    /** Unpaid per-installment fees of installments due. */
    fees: Money;
    /** Unpaid penalty interest plus late fees. */
    penalty: Money;
    penaltyInterest: Money;
    lateFees: Money;
    /** Everything due now: principal, interest, fees and charges of installments due. */
    dueNow: Money;
  };
  /** The earliest installment not fully paid, with what is outstanding on it. */
  nextDue: { number: number; dueDate: LocalDate; amount: Money } | null;
  daysPastDue: number;
  classification: LoanClass;
  credit: Money;
  payoff: PayoffQuote;
  closedOn: LocalDate | null;
}

export interface OpenAccountInput {
  schedule: Schedule;
  /** Must equal the schedule's start date: build the schedule from the disbursement date. */
  disbursedOn: LocalDate;
  penaltyTerms: PenaltyTerms;
  /** Default 24%. */
  chargesCap?: Rate | undefined;
}

function domainError(code: string, en: string, zh: string, field?: string): DomainError {
  return new DomainError(code, { zh, en }, field);
}

/** Opens the account for a schedule on its disbursement date. */
export function openAccount(input: OpenAccountInput): LoanAccount {
  const { schedule, disbursedOn, penaltyTerms } = input;
  const chargesCap = input.chargesCap ?? DEFAULT_APR_CAP;
  if (disbursedOn !== schedule.terms.startDate) {
    throw domainError('DISBURSEMENT_DATE_MISMATCH', 'build the schedule from the disbursement date', '还款计划须以实际放款日为起始日重新生成', 'disbursedOn');
  }
  assertPenaltyTerms(penaltyTerms);
  if (!isDecimalText(chargesCap) || rate(chargesCap).isNeg()) {
    throw domainError('INVALID_RATE', 'charges cap must be a non-negative decimal', '费用上限须为非负小数', 'chargesCap');
  }
  return accountFor({
    terms: schedule.terms,
    disbursedOn,
    penaltyTerms: { ...penaltyTerms, lateFee: { ...penaltyTerms.lateFee } },
    chargesCap,
    schedule: schedule.installments.map((i) => ({ ...i })),
    installmentAmount: schedule.installmentAmount,
    principalPerPeriod: schedule.principalPerPeriod,
  });
}

/** A fresh account for the contract: the signed schedule, nothing paid. */
function accountFor(contract: LoanContract): LoanAccount {
  const installments: AccountInstallment[] = contract.schedule.map((inst, i) => {
    const periodStart = i === 0 ? contract.disbursedOn : (contract.schedule[i - 1] as Installment).dueDate;
    return {
      number: inst.number,
      periodStart,
      dueDate: inst.dueDate,
      principal: inst.principal,
      interest: inst.interest,
      fee: inst.fee,
      interestFixed: ZERO_MONEY,
      accrualFrom: periodStart,
      receipts: [],
      paidAt: null,
    };
  });
  return {
    contract,
    installments,
    installmentAmount: contract.installmentAmount,
    principalPerPeriod: contract.principalPerPeriod,
    credit: ZERO_MONEY,
    payments: [],
    closedOn: null,
  };
}

// ---- what is owed ---------------------------------------------------------------------------

function chargeTerms(contract: LoanContract): ChargeTerms {
  return {
    annualRate: contract.terms.annualRate,
    dayCount: contract.terms.dayCount,
    penalty: contract.penaltyTerms,
    chargesCap: contract.chargesCap,
  };
}

function paidOn(inst: AccountInstallment): Components {
  let paid = zeroComponents();
  for (const r of inst.receipts) {
    paid = addComponents(paid, {
      penalty: money(r.penalty),
      lateFee: money(r.lateFee),
      fee: money(r.fee),
      interest: money(r.interest),
      principal: money(r.principal),
    });
  }
  return paid;
}

/** Amounts due on the installment as of the date: contractual ones plus charges accrued. */
function dueOn(inst: AccountInstallment, contract: LoanContract, asOf: LocalDate): Components {
  const charges = overdueCharges(inst, chargeTerms(contract), asOf);
  return {
    penalty: money(charges.penalty),
    lateFee: money(charges.lateFee),
    fee: money(inst.fee),
    interest: money(inst.interest),
    principal: money(inst.principal),
  };
}

function outstandingOf(due: Components, paid: Components): Components {
  return {
    penalty: shortfall(due.penalty, paid.penalty),
    lateFee: shortfall(due.lateFee, paid.lateFee),
    fee: shortfall(due.fee, paid.fee),
    interest: shortfall(due.interest, paid.interest),
    principal: shortfall(due.principal, paid.principal),
  };
}

function isDueBy(inst: AccountInstallment, date: LocalDate): boolean {
  return compareDates(inst.dueDate, date) <= 0;
}

// ---- repayment --------------------------------------------------------------------------

function resolveOptions(options: RepaymentOptions = {}): ResolvedRepaymentOptions {
  const order = [...(options.order ?? DEFAULT_ALLOCATION_ORDER)];
  assertAllocationOrder(order);
  const overpayment = options.overpayment ?? 'KEEP_AS_CREDIT';
  const prepayment = options.prepayment ?? 'REDUCE_INSTALLMENT';
  if (!OVERPAYMENT_OPTIONS.includes(overpayment)) throw domainError('INVALID_OPTION', 'unknown overpayment option', '未知的多付款处理方式', 'overpayment');
  if (!PREPAYMENT_MODES.includes(prepayment)) throw domainError('INVALID_OPTION', 'unknown prepayment mode', '未知的提前还款方式', 'prepayment');
  return { order, overpayment, prepayment };
}

function assertPayment(account: LoanAccount, payment: Payment): void {
  if (typeof payment.paymentId !== 'string' || payment.paymentId.length === 0) {
    throw domainError('INVALID_PAYMENT', 'payment id is required', '缺少还款编号', 'paymentId');
  }
  if (!isValidLocalDate(payment.date)) throw domainError('INVALID_PAYMENT', 'payment date is not a calendar date', '还款日期无效', 'date');
  if (!isMoneyText(payment.amount) || money(payment.amount).isNeg()) {
    throw domainError('INVALID_PAYMENT', 'payment amount must be a non-negative amount with at most two decimals', '还款金额须为非负且最多两位小数', 'amount');
  }
  if (compareDates(payment.date, account.contract.disbursedOn) < 0) {
    throw domainError('PAYMENT_BEFORE_DISBURSEMENT', 'payment is dated before the disbursement', '还款日期早于放款日', 'date');
  }
}

function cloneAccount(account: LoanAccount): LoanAccount {
  return JSON.parse(JSON.stringify(account)) as LoanAccount;
}

function receiptOf(paymentId: string, date: LocalDate, c: Components): Receipt {
  return {
    paymentId,
    date,
    penalty: formatCents(c.penalty),
    lateFee: formatCents(c.lateFee),
    fee: formatCents(c.fee),
    interest: formatCents(c.interest),
    principal: formatCents(c.principal),
  };
}

function isSettled(inst: AccountInstallment, contract: LoanContract, asOf: LocalDate): boolean {
  return componentsTotal(outstandingOf(dueOn(inst, contract, asOf), paidOn(inst))).isZero();
}

interface PrepayOutcome {
  funds: Dec;
  returned: Map<number, Components>;
  paid: Map<number, Components>;
  prepaidPrincipal: Dec;
  reamortized: RepaymentAllocation['reamortized'];
}

/** Step 2 PREPAY: take back what was paid ahead, pay accrued interest, prepay principal, re-amortize. */
function prepay(account: LoanAccount, date: LocalDate, funds: Dec, mode: PrepaymentMode): PrepayOutcome {
  const outcome: PrepayOutcome = { funds, returned: new Map(), paid: new Map(), prepaidPrincipal: ZERO, reamortized: null };
  const k = account.installments.findIndex((inst) => !isDueBy(inst, date));
  if (k < 0) return outcome;
  const later = account.installments.slice(k);
  for (const inst of later) {
    if (inst.receipts.length === 0) continue;
    const back = paidOn(inst);
    outcome.returned.set(inst.number, back);
    outcome.funds = outcome.funds.plus(componentsTotal(back));
    inst.receipts = [];
    inst.paidAt = null;
  }
  const current = later[0] as AccountInstallment;
  const accrued = accruedInterestDec(current, date);
  const interestPaid = minDec(outcome.funds, accrued);
  outcome.funds = outcome.funds.minus(interestPaid);
  const balance = sum(later.map((inst) => money(inst.principal)));
  const principalPaid = minDec(outcome.funds, balance);
  outcome.funds = outcome.funds.minus(principalPaid);
  outcome.prepaidPrincipal = principalPaid;
  outcome.paid.set(current.number, { ...zeroComponents(), interest: interestPaid, principal: principalPaid });
  if (principalPaid.isZero()) return outcome;

  const newBalance = balance.minus(principalPaid);
  if (newBalance.isZero()) {
    current.principal = formatCents(principalPaid);
    current.interest = formatCents(accrued);
    current.interestFixed = formatCents(accrued);
    current.accrualFrom = date;
    current.fee = ZERO_MONEY;
    account.installments = account.installments.slice(0, k + 1);
    outcome.reamortized = { mode, installments: [] };
    return outcome;
  }
  const plan = reamortize({
    terms: account.contract.terms,
    mode,
    balance: formatCents(newBalance),
    effectiveDate: date,
    periods: later.map((inst) => ({ number: inst.number, periodStart: inst.periodStart, dueDate: inst.dueDate })),
    fee: current.fee,
    installmentAmount: account.installmentAmount,
    principalPerPeriod: account.principalPerPeriod,
  });
  plan.installments.forEach((row, i) => {
    const inst = later[i] as AccountInstallment;
    if (i === 0) {
      inst.principal = formatCents(principalPaid.plus(money(row.principal)));
      inst.interest = formatCents(accrued.plus(money(row.interest)));
      inst.interestFixed = formatCents(accrued);
      inst.accrualFrom = date;
    } else {
      inst.principal = row.principal;
      inst.interest = row.interest;
      inst.interestFixed = ZERO_MONEY;
      inst.accrualFrom = inst.periodStart;
    }
  });
  account.installments = account.installments.slice(0, k + plan.installments.length);
  account.installmentAmount = plan.installmentAmount;
  account.principalPerPeriod = plan.principalPerPeriod;
  outcome.reamortized = { mode, installments: plan.installments };
  return outcome;
}

function hasPaidAhead(account: LoanAccount, date: LocalDate): boolean {
  return account.installments.some((inst) => !isDueBy(inst, date) && inst.receipts.length > 0);
}

/** Applies one payment dated on or after every payment already applied. Mutates `account`. */
function applyInPlace(account: LoanAccount, payment: Payment, options: ResolvedRepaymentOptions): RepaymentAllocation {
  const { contract } = account;
  const date = payment.date;
  const creditUsed = money(account.credit);
  let funds = money(payment.amount).plus(creditUsed);
  const paid = new Map<number, Components>();
  const record = (number: number, c: Components): void => {
    paid.set(number, addComponents(paid.get(number) ?? zeroComponents(), c));
  };

  const owedNow = account.installments
    .filter((inst) => isDueBy(inst, date))
    .map((inst) => ({ number: inst.number, owed: outstandingOf(dueOn(inst, contract, date), paidOn(inst)) }));
  const due = allocateComponents(funds, owedNow, options.order);
  due.lines.forEach((l) => record(l.number, l.paid));
  funds = due.remaining;

  let returned = new Map<number, Components>();
  let prepaidPrincipal = ZERO;
  let reamortized: RepaymentAllocation['reamortized'] = null;
  if (funds.gt(0) && options.overpayment === 'APPLY_TO_NEXT') {
    const ahead = account.installments
      .filter((inst) => !isDueBy(inst, date))
      .map((inst) => ({ number: inst.number, owed: outstandingOf({ ...dueOn(inst, contract, date), penalty: ZERO, lateFee: ZERO }, paidOn(inst)) }));
    const next = allocateComponents(funds, ahead, options.order);
    next.lines.forEach((l) => record(l.number, l.paid));
    funds = next.remaining;
  } else if (options.overpayment === 'PREPAY' && (funds.gt(0) || hasPaidAhead(account, date))) {
    const outcome = prepay(account, date, funds, options.prepayment);
    outcome.paid.forEach((c, number) => record(number, c));
    returned = outcome.returned;
    funds = outcome.funds;
    prepaidPrincipal = outcome.prepaidPrincipal;
    reamortized = outcome.reamortized;
  }

  for (const inst of account.installments) {
    const c = paid.get(inst.number);
    if (c && componentsTotal(c).gt(0)) inst.receipts.push(receiptOf(payment.paymentId, date, c));
    if (inst.paidAt === null && isSettled(inst, contract, date)) inst.paidAt = date;
  }
  account.credit = formatCents(funds);
  account.payments.push({ ...payment, amount: formatCents(money(payment.amount)), options });
  if (account.closedOn === null && account.installments.every((inst) => inst.paidAt !== null)) account.closedOn = date;

  const lines = [...paid.entries()]
    .filter(([, c]) => componentsTotal(c).gt(0))
    .sort(([a], [b]) => a - b)
    .map(([number, c]) => toLine(number, c));
  return {
    paymentId: payment.paymentId,
    date,
    amount: formatCents(money(payment.amount)),
    creditUsed: formatCents(creditUsed),
    returned: [...returned.entries()].sort(([a], [b]) => a - b).map(([number, c]) => toLine(number, c)),
    lines,
    allocated: formatCents(sum(lines.map((l) => money(l.total)))),
    prepaidPrincipal: formatCents(prepaidPrincipal),
    reamortized,
    creditLeft: account.credit,
    paidOff: account.closedOn !== null,
  };
}

/** The account as the contract plus `payments` applied in date order (stable for ties). */
export function rebuildAccount(account: LoanAccount, payments: readonly AppliedPayment[]): LoanAccount {
  const fresh = accountFor(cloneAccount(account).contract);
  for (const p of sortByDate(payments)) applyInPlace(fresh, { paymentId: p.paymentId, date: p.date, amount: p.amount }, p.options);
  return fresh;
}

function sortByDate<T extends { date: LocalDate }>(items: readonly T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => compareDates(a.item.date, b.item.date) || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * Applies a repayment: allocation per installment and component, credit left, and the new
 * account. Never mutates its input. Throws DomainError for a malformed payment, a payment
 * before disbursement, a paymentId reused with a different date or amount, or bad options.
 */
export function applyRepayment(account: LoanAccount, payment: Payment, options?: RepaymentOptions): RepaymentResult {
  assertPayment(account, payment);
  const resolved = resolveOptions(options);
  const previous = account.payments.findIndex((p) => p.paymentId === payment.paymentId);
  if (previous >= 0) {
    const earlier = account.payments[previous] as AppliedPayment;
    if (earlier.date !== payment.date || !money(earlier.amount).eq(money(payment.amount))) {
      throw domainError('PAYMENT_ID_CONFLICT', 'this payment id was already applied with another date or amount', '该还款编号已用于不同日期或金额的还款', 'paymentId');
    }
    const replay = replayCapturing(account, account.payments.slice(0, previous), earlier, earlier.options);
    return { account, allocation: replay.allocation, creditLeft: replay.allocation.creditLeft, duplicate: true };
  }
  const last = account.payments[account.payments.length - 1];
  if (!last || compareDates(last.date, payment.date) <= 0) {
    const next = cloneAccount(account);
    const allocation = applyInPlace(next, payment, resolved);
    return { account: next, allocation, creditLeft: next.credit, duplicate: false };
  }
  // Back-dated: slot it in by date and replay everything after it.
  const before = account.payments.filter((p) => compareDates(p.date, payment.date) <= 0);
  const after = account.payments.filter((p) => compareDates(p.date, payment.date) > 0);
  const { account: rebuilt, allocation } = replayCapturing(account, before, payment, resolved);
  for (const p of after) applyInPlace(rebuilt, { paymentId: p.paymentId, date: p.date, amount: p.amount }, p.options);
  return { account: rebuilt, allocation, creditLeft: rebuilt.credit, duplicate: false };
}

function replayCapturing(account: LoanAccount, before: readonly AppliedPayment[], payment: Payment, options: ResolvedRepaymentOptions): { account: LoanAccount; allocation: RepaymentAllocation } {
  const rebuilt = rebuildAccount(account, before);
  const allocation = applyInPlace(rebuilt, { paymentId: payment.paymentId, date: payment.date, amount: payment.amount }, options);
  return { account: rebuilt, allocation };
}

// ---- position -----------------------------------------------------------------------------

function amountPosition(due: Dec, paid: Dec): AmountPosition {
  return { due: formatCents(due), paid: formatCents(paid), outstanding: formatCents(shortfall(due, paid)) };
}

/** The account as of `asOf`: payments after that date are left out. */
function accountAsOf(account: LoanAccount, asOf: LocalDate): LoanAccount {
  const last = account.payments[account.payments.length - 1];
  if (!last || compareDates(last.date, asOf) <= 0) return account;
  return rebuildAccount(account, account.payments.filter((p) => compareDates(p.date, asOf) <= 0));
}

function installmentPosition(inst: AccountInstallment, contract: LoanContract, asOf: LocalDate): { position: InstallmentPosition; outstanding: Components } {
  const due = dueOn(inst, contract, asOf);
  const paid = paidOn(inst);
  const outstanding = outstandingOf(due, paid);
  const left = componentsTotal(outstanding);
  const daysLate = Math.max(0, daysBetween(inst.dueDate, asOf));
  const daysPastDue = left.gt(0) ? daysLate : 0;
  let status: InstallmentStatus;
  if (left.isZero()) status = 'PAID';
  else if (daysLate > contract.penaltyTerms.graceDays) status = 'OVERDUE';
  else if (componentsTotal(paid).gt(0)) status = 'PARTIAL';
  else if (isDueBy(inst, asOf)) status = 'DUE';
  else status = 'UPCOMING';
  const position: InstallmentPosition = {
    number: inst.number,
    dueDate: inst.dueDate,
    status,
    paidAt: status === 'PAID' ? inst.paidAt : null,
    daysPastDue,
    principal: amountPosition(due.principal, paid.principal),
    interest: amountPosition(due.interest, paid.interest),
    fee: amountPosition(due.fee, paid.fee),
    penalty: amountPosition(due.penalty, paid.penalty),
    lateFee: amountPosition(due.lateFee, paid.lateFee),
    total: amountPosition(componentsTotal(due), componentsTotal(paid)),
  };
  return { position, outstanding };
}

function payoffFrom(account: LoanAccount, asOf: LocalDate, outstanding: readonly Components[]): PayoffQuote {
  let dueItems = zeroComponents();
  let futurePrincipal = ZERO;
  let paidAhead = ZERO;
  let accrued = ZERO;
  let currentFound = false;
  account.installments.forEach((inst, i) => {
    if (isDueBy(inst, asOf)) {
      dueItems = addComponents(dueItems, outstanding[i] as Components);
      return;
    }
    futurePrincipal = futurePrincipal.plus(money(inst.principal));
    paidAhead = paidAhead.plus(componentsTotal(paidOn(inst)));
    if (!currentFound) {
      currentFound = true;
      accrued = accruedInterestDec(inst, asOf);
    }
  });
  const credit = money(account.credit);
  const gross = componentsTotal(dueItems).plus(futurePrincipal).plus(accrued);
  const net = gross.minus(paidAhead).minus(credit);
  return {
    asOf,
    principal: formatCents(dueItems.principal.plus(futurePrincipal)),
    interest: formatCents(dueItems.interest.plus(accrued)),
    fees: formatCents(dueItems.fee),
    penalty: formatCents(dueItems.penalty),
    lateFees: formatCents(dueItems.lateFee),
    paidAhead: formatCents(paidAhead),
    credit: formatCents(credit),
    total: formatCents(net.isNeg() ? ZERO : net),
    refundable: formatCents(net.isNeg() ? net.neg() : ZERO),
  };
}

/** What it takes to close the loan on `asOf` (see PAYOFF in the header). */
export function payoffQuote(account: LoanAccount, asOf: LocalDate): PayoffQuote {
  if (!isValidLocalDate(asOf)) throw domainError('INVALID_DATE', 'as-of date is not a calendar date', '查询日期无效', 'asOf');
  const state = accountAsOf(account, asOf);
  const outstanding = state.installments.map((inst) => installmentPosition(inst, state.contract, asOf).outstanding);
  return payoffFrom(state, asOf, outstanding);
}

/** The loan as of `asOf`: per installment, balances, next due, days past due, class, payoff. */
export function positionAsOf(account: LoanAccount, asOf: LocalDate, thresholds: ClassificationThresholds = DEFAULT_CLASSIFICATION_THRESHOLDS): LoanPosition {
  if (!isValidLocalDate(asOf)) throw domainError('INVALID_DATE', 'as-of date is not a calendar date', '查询日期无效', 'asOf');
  const state = accountAsOf(account, asOf);
  const rows = state.installments.map((inst) => installmentPosition(inst, state.contract, asOf));
  const outstanding = rows.map((r) => r.outstanding);
  let dueNow = zeroComponents();
  let principal = ZERO;
  state.installments.forEach((inst, i) => {
    const o = outstanding[i] as Components;
    principal = principal.plus(o.principal);
    if (isDueBy(inst, asOf)) dueNow = addComponents(dueNow, o);
  });
  const positions = rows.map((r) => r.position);
  const open = positions.find((p) => p.status !== 'PAID');
  const daysPastDue = positions.reduce((max, p) => Math.max(max, p.daysPastDue), 0);
  const closedOn = state.closedOn !== null && compareDates(state.closedOn, asOf) <= 0 ? state.closedOn : null;
  const status: AccountStatus = !open ? 'PAID_OFF' : positions.some((p) => p.status === 'OVERDUE') ? 'OVERDUE' : 'ACTIVE';
  return {
    asOf,
    status,
    installments: positions,
    balances: {
      principal: formatCents(principal),
      interest: formatCents(dueNow.interest),
      fees: formatCents(dueNow.fee),
      penalty: formatCents(dueNow.penalty.plus(dueNow.lateFee)),
      penaltyInterest: formatCents(dueNow.penalty),
      lateFees: formatCents(dueNow.lateFee),
      dueNow: formatCents(componentsTotal(dueNow)),
    },
    nextDue: open ? { number: open.number, dueDate: open.dueDate, amount: open.total.outstanding } : null,
    daysPastDue,
    classification: classifyByDaysPastDue(daysPastDue, thresholds),
    credit: state.credit,
    payoff: payoffFrom(state, asOf, outstanding),
    closedOn,
  };
}

