// What the new loan adds to the borrower's monthly debt payments in the debt-to-income ratio
// (scoring.ts): a month's worth of its dearest scheduled payments, not just the first one.
//
//   等额本息 EQUAL_INSTALLMENT, 等额本金 EQUAL_PRINCIPAL: the largest installment (fees included),
//     times the installments falling in a month (1 monthly; 26/12 biweekly, 52/12 weekly and
//     365/12 daily). For 等额本金 that is the first installment; for 等额本息 an irregular first
//     period or the last installment's rounding can make another one the largest.
//   先息后本 INTEREST_FIRST, 到期一次 BULLET: the principal comes back in one balloon, which the
//     borrower has to put aside month by month. The burden is every scheduled payment spread
//     evenly over the term in months (term count × 12 / installments a year): for 先息后本 the
//     monthly interest plus principal ÷ months, for 到期一次 the one payment ÷ months. A term of a
//     month or less counts as one month, so the burden is then the payment itself.
//   Half-up to the cent.
import { Dec, money, sum, toMoney } from './money.js';
import type { Frequency, Money, RepaymentMethod } from './types.js';

const INSTALLMENTS_A_YEAR: Readonly<Record<Frequency, number>> = { MONTHLY: 12, BIWEEKLY: 26, WEEKLY: 52, DAILY: 365 };

export interface ScheduledPlan {
  method: RepaymentMethod;
  frequency: Frequency;
  termCount: number;
  /** The loan's scheduled installments, totals including fees. */
  installments: readonly { total: Money }[];
}

/** The new loan's monthly repayment burden for the DTI. */
export function monthlyRepaymentBurden(plan: ScheduledPlan): Money {
  const totals = plan.installments.map((i) => money(i.total));
  const perYear = INSTALLMENTS_A_YEAR[plan.frequency];
  if (plan.method === 'INTEREST_FIRST' || plan.method === 'BULLET') {
    const months = Dec.max(new Dec(plan.termCount).times(12).div(perYear), 1);
    return toMoney(sum(totals).div(months));
  }
  const largest = totals.reduce((a, b) => Dec.max(a, b));
  return toMoney(largest.times(perYear).div(12));
}
