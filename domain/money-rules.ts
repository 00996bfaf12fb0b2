// The money rules by version: every rule a loan's numbers depend on after its offer is made, looked
// up by the loan's rules version (rules-version.ts). The servicing account, the quote and the offer
// ask `rulesFor(version)` and never call a versioned rule directly, so a changed rule lives in a
// new version beside the old one and each loan keeps the rules it was offered under.
//
// Version 1 is the engine as first shipped: schedules (schedule.ts), allocation (allocation.ts),
// overdue charges with grace (overdue.ts), pro-rata accrual for payoffs (prepayment.ts),
// re-amortization after a prepayment (schedule.ts `amortize`) and the five-category
// classification (classification.ts). test/unit/golden/rules-v1.json locks its numbers.
import { allocateComponents, type Components } from './allocation.js';
import { classifyByDaysPastDue } from './classification.js';
import { DomainError } from './errors.js';
import type { Dec } from './money.js';
import { overdueCharges, type ChargeTerms, type OverdueCharges, type OverdueInstallment } from './overdue.js';
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

export interface MoneyRules {
  version: number;
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
  schedule: buildScheduleWithGrid,
  amortize,
  allocate: allocateComponents,
  overdueCharges,
  accruedInterest: accruedInterestDec,
  classify: (daysPastDue: number) => classifyByDaysPastDue(daysPastDue),
});

/** Every version a running loan may carry, by number. A version once shipped is never edited or removed. */
export type RuleBook = ReadonlyMap<number, MoneyRules>;

export const RULE_BOOK: RuleBook = new Map([[1, RULES_V1]]);

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
