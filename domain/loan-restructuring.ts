// 展期 EXTENSION and 重组 RESTRUCTURING of a loan in servicing: a new schedule for the principal
// still owed, as of the effective date E (the day the signed supplementary contract is applied).
//
// What moves and what stays (every amount is accounted for; nothing is capitalised or forgiven):
//   ARREARS     installments due on or before E keep their interest, fee, penalty interest and late
//               fee as posted through E: they stay due as they were (no interest on interest: 不得
//               计复利). Only their unpaid principal moves into the new schedule, so penalty interest
//               stops growing on it from E.
//   PAID AHEAD  installments falling due after E that have been charged or paid (version 1 pays the
//               next installment ahead) stay exactly as they are.
//   CURRENT     the installment whose period has begun by E and has not been touched keeps its due
//               date, its interest (the period's interest on the principal outstanding in it) and its
//               fee; its principal moves into the new schedule, which starts on its due date.
//   LATER       installments not yet begun are replaced by the new schedule.
// The new schedule amortizes exactly the principal moved (the outstanding principal less what paid-
// ahead installments still hold) by the loan's method and frequency from its start (the current
// installment's due date, the last paid-ahead due date, or E), at the new annual rate, with the
// product's per-installment fees; upfront fees are not charged again. Its installments are numbered on
// from the last installment kept; numbers after that were never charged, so ledger keys stay unique.
//
// Limits: the rate within the product's range (an extension keeps the loan's rate), the number of
// installments within the product's maximum, the APR of the new schedule (fees included) within the
// product's cap (apr-cap.ts), and for an extension a later maturity, by no more than 《贷款通则》
// article 12 allows, counted from the original maturity over every extension: a loan of up to a
// year by at most its original term, up to five years by at most half of it, longer by at most 3 years.
import { judgeApr, percent } from './apr-cap.js';
import { countsAsRestructuring, type RestructuringRecord } from './classification.js';
import { addDays, addMonths, compareDates, daysBetween } from './dates.js';
import { DomainError } from './errors.js';
import type { JournalEntry } from './ledger.js';
import { ZERO, ZERO_MONEY, money, sum, toMoney } from './money.js';
import { RULE_BOOK, rulesFor, type RuleBook } from './money-rules.js';
import type { LoanProduct } from './products.js';
import { rate } from './rates.js';
import {
  accrue,
  classificationUnder,
  daysPastDueOn,
  isPaidOff,
  isSettled,
  owedOn,
  rulesVersionOf,
  type InstallmentState,
  type LoanAccount,
  type OverdueRule,
} from './servicing-account.js';
import type { LocalDate, Money, Rate } from './types.js';

export { RESTRUCTURE_KINDS, type RestructureKind, type RestructuringRecord } from './classification.js';
import { RESTRUCTURE_KINDS, type RestructureKind } from './classification.js';

/** What is asked for: the kind, how many installments the new schedule has, and its annual rate. */
export interface RestructureTerms {
  kind: RestructureKind;
  installmentCount: number;
  annualRate: Rate;
}

/** The product rules a new schedule is held to. */
export type RestructureProduct = Pick<LoanProduct, 'minRate' | 'maxRate' | 'maxTerm' | 'aprCap' | 'fees' | 'dayCount'>;

export interface RestructurePlan {
  account: LoanAccount;
  /** Ledger entries of bringing the account up to E (interest, fees and penalty due by then). */
  entries: JournalEntry[];
  /** Installment numbers whose row changed or went away. */
  changed: number[];
  effectiveOn: LocalDate;
  /** Where the new schedule's first period begins. */
  startsOn: LocalDate;
  /** The principal the new schedule amortizes: carried exactly. */
  outstandingPrincipal: Money;
  /** What stays due as it was: interest, fees and penalty interest with late fees of installments due by E. */
  arrears: { interest: Money; fee: Money; penalty: Money };
  /** Interest of the current period kept on its installment (zero when no period is under way). */
  currentPeriodInterest: Money;
  newMaturityDate: LocalDate;
  /** Installments of the new schedule. */
  installmentCount: number;
  annualRate: Rate;
  /** APR of the new schedule, fees included. */
  apr: Rate;
  record: RestructuringRecord;
}

function refuse(code: string, field: string, zh: string, en: string): never {
  throw new DomainError(code, { zh, en }, field);
}

function maturityOf(a: LoanAccount): LocalDate {
  return a.installments[a.installments.length - 1]!.dueDate;
}

function periodStartOf(a: LoanAccount, index: number): LocalDate {
  return index === 0 ? a.disbursedOn : a.installments[index - 1]!.dueDate;
}

function touched(i: InstallmentState): boolean {
  return i.charged || i.receipts.length > 0 || !money(i.paidPrincipal).plus(money(i.paidInterest)).isZero();
}

/** The longest extension 《贷款通则》 article 12 allows beyond the original maturity, as a date. */
export function extensionLimit(disbursedOn: LocalDate, originalMaturity: LocalDate): LocalDate {
  const days = daysBetween(disbursedOn, originalMaturity);
  if (days <= 366) return addDays(originalMaturity, days);
  if (compareDates(originalMaturity, addMonths(disbursedOn, 60)) <= 0)
    return addDays(originalMaturity, Math.floor(days / 2));
  return addMonths(originalMaturity, 36);
}

/**
 * The borrower is in difficulty when the loan is past due on E, or already classed worse than
 * NORMAL: an extension of such a loan is a restructuring for classification.
 */
export function borrowerInDifficulty(a: LoanAccount, on: LocalDate, rule: OverdueRule, book: RuleBook): boolean {
  return daysPastDueOn(a, on, rule) > 0 || classificationUnder(a, on, rule, book) !== 'NORMAL';
}

/** Checks the request and builds the account on the new schedule; throws DomainError naming the field. */
export function planRestructuring(
  account: LoanAccount,
  terms: RestructureTerms,
  effectiveOn: LocalDate,
  product: RestructureProduct,
  rule: OverdueRule = 'FROM_DUE_DATE',
  book: RuleBook = RULE_BOOK,
): RestructurePlan {
  if (!RESTRUCTURE_KINDS.includes(terms.kind))
    refuse(
      'INVALID_KIND',
      'kind',
      '类型须为 EXTENSION（展期）或 RESTRUCTURING（重组）',
      'kind must be EXTENSION or RESTRUCTURING',
    );
  if (account.writtenOffOn !== null || isPaidOff(account))
    refuse('NOT_IN_SERVICING', 'kind', '贷款已结清或核销，不能展期或重组', 'The loan is paid off or written off');
  if (
    !Number.isInteger(terms.installmentCount) ||
    terms.installmentCount < 1 ||
    terms.installmentCount > product.maxTerm
  )
    refuse(
      'INVALID_INSTALLMENT_COUNT',
      'installmentCount',
      `期数须为 1 至 ${product.maxTerm} 的整数`,
      `installmentCount must be a whole number from 1 to ${product.maxTerm}`,
    );
  let annual;
  try {
    annual = rate(terms.annualRate);
  } catch {
    refuse('INVALID_RATE', 'annualRate', '年利率格式不正确', 'annualRate is not a rate');
  }
  if (terms.kind === 'EXTENSION' && !annual.eq(rate(account.terms.annualRate)))
    refuse(
      'EXTENSION_KEEPS_RATE',
      'annualRate',
      `展期不改变利率，年利率须为 ${account.terms.annualRate}`,
      `An extension keeps the loan's rate: annualRate must be ${account.terms.annualRate}`,
    );
  if (annual.lt(rate(product.minRate)) || annual.gt(rate(product.maxRate)))
    refuse(
      'RATE_OUT_OF_RANGE',
      'annualRate',
      `年利率须在产品范围 ${product.minRate} 至 ${product.maxRate} 之内`,
      `annualRate must be within the product's range ${product.minRate} to ${product.maxRate}`,
    );

  const rules = rulesFor(rulesVersionOf(account), book);
  const classBefore = classificationUnder(account, effectiveOn, rule, book);
  const inDifficulty = borrowerInDifficulty(account, effectiveOn, rule, book);
  const { account: a, entries } = accrue(account, effectiveOn, book);
  const installments = a.installments.map((i) => ({ ...i }));

  // Split the account: due by E (arrears), paid ahead, the current period, later periods.
  const dueCount = installments.filter((i) => compareDates(i.dueDate, effectiveOn) <= 0).length;
  let keep = dueCount;
  while (keep < installments.length && touched(installments[keep]!)) keep += 1;
  if (installments.slice(keep).some(touched))
    refuse(
      'SCHEDULE_OUT_OF_ORDER',
      'kind',
      '还款计划中存在无法重排的已付期次',
      'The schedule has paid installments that cannot be rearranged',
    );
  const current =
    keep === dueCount && keep < installments.length && compareDates(periodStartOf(a, keep), effectiveOn) < 0
      ? installments[keep]!
      : null;
  if (current) keep += 1;

  let moved = ZERO;
  const changed: number[] = [];
  for (let k = 0; k < dueCount; k += 1) {
    const i = installments[k]!;
    const unpaid = money(i.principal).minus(money(i.paidPrincipal));
    if (unpaid.isZero()) continue;
    moved = moved.plus(unpaid);
    i.principal = i.paidPrincipal;
    if (isSettled(i) && i.paidOn === null) i.paidOn = effectiveOn;
    changed.push(i.number);
  }
  if (current) {
    moved = moved.plus(money(current.principal));
    current.principal = ZERO_MONEY;
    changed.push(current.number);
  }
  const replaced = installments.slice(keep);
  moved = moved.plus(sum(replaced.map((i) => money(i.principal))));
  if (moved.lte(0))
    refuse('NOTHING_TO_RESTRUCTURE', 'kind', '没有可重新安排的本金', 'No principal is left to reschedule');

  const kept = installments.slice(0, keep);
  const startsOn = keep > dueCount ? kept[kept.length - 1]!.dueDate : effectiveOn;
  const perInstallmentFees = account.terms.fees.filter((f) => f.kind === 'PER_INSTALLMENT');
  const { schedule, grid } = rules.schedule({
    principal: toMoney(moved),
    annualRate: terms.annualRate,
    termCount: terms.installmentCount,
    frequency: account.terms.frequency,
    method: account.terms.method,
    startDate: startsOn,
    firstDueDate: null,
    dayCount: account.terms.dayCount,
    fees: perInstallmentFees,
  });
  const newMaturityDate = schedule.installments[schedule.installments.length - 1]!.dueDate;
  const originalMaturity = account.restructurings?.[0]?.originalMaturity ?? maturityOf(account);
  if (terms.kind === 'EXTENSION') {
    if (compareDates(newMaturityDate, maturityOf(account)) <= 0)
      refuse(
        'EXTENSION_NOT_LONGER',
        'installmentCount',
        `展期后的到期日 ${newMaturityDate} 须晚于原到期日 ${maturityOf(account)}`,
        `An extension must end after the current maturity ${maturityOf(account)}; this one ends ${newMaturityDate}`,
      );
    const limit = extensionLimit(account.disbursedOn, originalMaturity);
    if (compareDates(newMaturityDate, limit) > 0)
      refuse(
        'EXTENSION_TOO_LONG',
        'installmentCount',
        `展期累计不得超过《贷款通则》第十二条的期限：到期日最晚 ${limit}，本次为 ${newMaturityDate}`,
        `Extensions may not go beyond ${limit} (General Rules on Loans, art. 12); this one ends ${newMaturityDate}`,
      );
  }
  const judged = judgeApr(
    { fees: perInstallmentFees, dayCount: account.terms.dayCount, aprCap: product.aprCap },
    {
      amount: toMoney(moved),
      annualRate: terms.annualRate,
      termCount: terms.installmentCount,
      method: account.terms.method,
      frequency: account.terms.frequency,
    },
    startsOn,
    rules,
  );
  if (judged.aboveCap || judged.apr === null)
    refuse(
      'APR_ABOVE_CAP',
      'annualRate',
      `新还款计划的年化利率（APR，含费用）${judged.apr ? percent(judged.apr) : '—'}% 超过上限 ${percent(product.aprCap)}%`,
      `The new schedule's APR including fees of ${judged.apr ? percent(judged.apr) : '—'}% is above the cap of ${percent(product.aprCap)}%`,
    );

  const lastKept = kept.length > 0 ? kept[kept.length - 1]!.number : 0;
  const rebuilt: InstallmentState[] = schedule.installments.map((row, k) => ({
    number: lastKept + 1 + k,
    dueDate: row.dueDate,
    principal: row.principal,
    interest: row.interest,
    fee: row.fee,
    paidPrincipal: ZERO_MONEY,
    paidInterest: ZERO_MONEY,
    paidFee: ZERO_MONEY,
    paidPenalty: ZERO_MONEY,
    charged: false,
    receipts: [],
    penaltyCharged: ZERO_MONEY,
    lateFee: ZERO_MONEY,
    paidOn: null,
  }));
  const gone = replaced.map((i) => i.number).filter((n) => n > lastKept + rebuilt.length);
  changed.push(...rebuilt.map((i) => i.number), ...gone);

  const arrearsRows = installments.slice(0, dueCount).map(owedOn);
  const record: RestructuringRecord = {
    kind: terms.kind,
    on: effectiveOn,
    classBefore,
    countsAsRestructuring: countsAsRestructuring(terms.kind, inDifficulty),
    originalMaturity,
    firstNumber: lastKept + 1,
  };
  const next: LoanAccount = {
    ...a,
    terms: { ...a.terms, annualRate: terms.annualRate, termCount: kept.length + rebuilt.length },
    periodYears: { num: grid.regularRate.num, den: grid.regularRate.den },
    installmentAmount: schedule.installmentAmount,
    principalPerPeriod: schedule.principalPerPeriod,
    installments: [...kept, ...rebuilt],
    restructurings: [...(account.restructurings ?? []), record],
  };
  return {
    account: next,
    entries,
    changed: [...new Set(changed)].sort((x, y) => x - y),
    effectiveOn,
    startsOn,
    outstandingPrincipal: toMoney(moved),
    arrears: {
      interest: toMoney(sum(arrearsRows.map((o) => o.interest))),
      fee: toMoney(sum(arrearsRows.map((o) => o.fee))),
      penalty: toMoney(sum(arrearsRows.map((o) => o.penalty))),
    },
    currentPeriodInterest: current ? toMoney(money(current.interest).minus(money(current.paidInterest))) : ZERO_MONEY,
    newMaturityDate,
    installmentCount: rebuilt.length,
    annualRate: terms.annualRate,
    apr: judged.apr,
    record,
  };
}
