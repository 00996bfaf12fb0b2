// The terms a borrower is offered, computed with the money engine; the same numbers the
// contract shows and the servicing phase collects. The offer fixes the loan's money rules version
// (domain/rules-version.ts): the contract states those rules and the account runs under them.
import { patched } from '@temporalio/workflow';
import type { LoanProduct } from '../domain/products.js';
import { money, sumMoney, subtractMoney } from '../domain/money.js';
import { rate } from '../domain/rates.js';
import { rulesFor } from '../domain/money-rules.js';
import { quote } from '../domain/quote.js';
import { chooseRulesVersion } from '../domain/rules-version.js';
import type { BilingualText } from '../domain/types.js';
import type { Offer, RequestedTerms } from '../contracts/loan-view.js';

export function buildOffer(product: LoanProduct, terms: RequestedTerms, startDate: string): Offer {
  const rulesVersion = chooseRulesVersion((patchId) => patched(patchId));
  const q = quote(
    {
      principal: terms.amount,
      annualRate: terms.annualRate,
      termCount: terms.termCount,
      frequency: terms.frequency,
      method: terms.method,
      startDate,
      fees: product.fees,
      dayCount: product.dayCount,
    },
    rulesFor(rulesVersion),
  );
  const upfrontFee = sumMoney(product.fees.filter((f) => f.kind === 'UPFRONT').map((f) => f.amount));
  return {
    ...terms,
    upfrontFee,
    netDisbursement: subtractMoney(terms.amount, upfrontFee),
    totalInterest: q.totalInterest,
    totalFees: q.totalFees,
    totalPayment: q.totalPayment,
    apr: q.apr,
    effectiveAnnualRate: q.effectiveAnnualRate,
    installments: q.installments.map(({ number, dueDate, principal, interest, fee, total }) => ({
      number,
      dueDate,
      principal,
      interest,
      fee,
      total,
    })),
    rulesVersion,
  };
}

/** The reason an offer may not be made, or null: the APR cap of PBoC Announcement [2021] No. 3 and the product's own. */
export function offerProblem(product: LoanProduct, offer: Offer): BilingualText | null {
  if (rate(offer.apr).greaterThan(rate(product.aprCap))) {
    const apr = rate(offer.apr).times(100).toFixed(2);
    const cap = rate(product.aprCap).times(100).toFixed(2);
    return { zh: `年化利率(APR) ${apr}% 超过产品上限 ${cap}%`, en: `APR ${apr}% exceeds the product cap of ${cap}%` };
  }
  if (money(offer.netDisbursement).lessThanOrEqualTo(0)) {
    return { zh: '扣除前置费用后到账金额必须大于零', en: 'The amount paid out after upfront fees must be positive' };
  }
  return null;
}
