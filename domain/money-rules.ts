// The money rules by version: every rule a loan's numbers depend on after its offer is made, looked
// up by the loan's rules version (rules-version.ts). The servicing account, the quote and the offer
// ask `rulesFor(version)` and never call a versioned rule directly, so a changed rule lives in a
// new version beside the old one and each loan keeps the rules it was offered under.
//
// Version 1 is the engine as first shipped: schedules (schedule.ts), allocation (allocation.ts),
// overdue charges with grace (overdue.ts), pro-rata accrual for payoffs (prepayment.ts),
// re-amortization after a prepayment (schedule.ts `amortize`) and the five-category
// classification (classification.ts). test/unit/golden/rules-v1.json locks its numbers.
//
// Version 2 (rules-v2.json) changes what the borrower's contract words differently from version 1:
// early money pays principal with the interest accrued to the day, never a future installment's
// full interest (`prepayment: 'ACTUAL_DAYS'`, servicing-account.ts), and overdue charges are
// computed exactly as the contract's clause states them (`overdueChargesV2`, overdue.ts).
import { allocateComponents, type Components } from './allocation.js';
import { classifyByDaysPastDue } from './classification.js';
import { DomainError } from './errors.js';
import type { Dec } from './money.js';
import {
  overdueCharges,
  overdueChargesV2,
  type ChargeTerms,
  type OverdueCharges,
  type OverdueInstallment,
} from './overdue.js';
import { accruedInterestDec, type PeriodAccrual } from './prepayment.js';
import {
  amortize,
  buildScheduleWithGrid,
  type Amortization,
  type AmortizationPlan,
  type ScheduleTerms,
  type ScheduleWithGrid,
} from './schedule.js';
import type { AllocationComponent, LoanClass, LocalDate } from './types.js';
import type { LoanAccount } from './servicing-account.js';

/**
 * How money beyond what is due is applied (servicing-account.ts):
 * - NEXT_INSTALLMENT_FIRST (version 1): it pays the next installment in full, interest included, as
 *   if it were due; what is left goes by the product's overpayment handling. A payoff charges the
 *   current period's interest to the day but leaves out its fee, which closing then charges.
 * - ACTUAL_DAYS (version 2): it never pays a future installment as such. Under PREPAY_* handling it
 *   pays the current period's interest accrued to the day and then principal, and the rest of the
 *   schedule is re-amortized; CARRY_FORWARD keeps it as credit, REFUND refunds it. A payoff is all
 *   unpaid principal, the current period's interest to the day, its fee once the period has begun,
 *   and everything due: exactly what closing charges.
 */
export type PrepaymentRule = 'NEXT_INSTALLMENT_FIRST' | 'ACTUAL_DAYS';

export interface MoneyRules {
  version: number;
  /** How early money and payoffs are applied (see PrepaymentRule). */
  prepayment: PrepaymentRule;
  /** The schedule of an offer and of the account opened at disbursement. */
  schedule(terms: ScheduleTerms): ScheduleWithGrid;
  /** Spreads what is left after a principal prepayment over the remaining installments. */
  amortize(plan: AmortizationPlan): Amortization;
  /** Pays funds into what is owed, installment by installment, in the product's component order. */
  allocate(
    funds: Dec,
    owed: readonly { number: number; owed: Components }[],
    order: readonly AllocationComponent[],
  ): { lines: { number: number; paid: Components }[]; remaining: Dec };
  /** Penalty interest and late fee of one installment as of a date, grace included. */
  overdueCharges(installment: OverdueInstallment, terms: ChargeTerms, asOf: LocalDate): OverdueCharges;
  /** Interest of the current period accrued by a date: what a payoff charges for it. */
  accruedInterest(period: PeriodAccrual, asOf: LocalDate): Dec;
  /** Five-category class of a loan whose oldest unpaid amount is this many days late. */
  classify(daysPastDue: number): LoanClass;
  /**
   * What this version re-derives when a running loan moves onto it (rules-migration.ts): given the
   * account as posted so far, the account to go on with. Absent: nothing to re-derive.
   */
  adopt?(account: LoanAccount, asOf: LocalDate): LoanAccount;
}

const RULES_V1: MoneyRules = Object.freeze({
  version: 1,
  prepayment: 'NEXT_INSTALLMENT_FIRST',
  schedule: buildScheduleWithGrid,
  amortize,
  allocate: allocateComponents,
  overdueCharges,
  accruedInterest: accruedInterestDec,
  classify: (daysPastDue: number) => classifyByDaysPastDue(daysPastDue),
});

const RULES_V2: MoneyRules = Object.freeze({
  ...RULES_V1,
  version: 2,
  prepayment: 'ACTUAL_DAYS',
  overdueCharges: overdueChargesV2,
});

/** Every version a running loan may carry, by number. A version once shipped is never edited or removed. */
export type RuleBook = ReadonlyMap<number, MoneyRules>;

export const RULE_BOOK: RuleBook = new Map([
  [1, RULES_V1],
  [2, RULES_V2],
]);

/** The rules of `version`; an unknown version is an error, never a fall-back to another one. */
export function rulesFor(version: number, book: RuleBook = RULE_BOOK): MoneyRules {
  const rules = book.get(version);
  if (!rules) {
    const known = [...book.keys()].join(', ');
    throw new DomainError('UNKNOWN_RULES_VERSION', {
      zh: `未知的计息规则版本 ${String(version)}（本程序支持：${known}）`,
      en: `Unknown money rules version ${String(version)} (this build knows ${known})`,
    });
  }
  return rules;
}
