// The product check claims to find a product's dearest terms, so that an application within its
// limits at any rate a reviewer may set can never be refused by the cap after the bureau was asked.
// Cent rounding of a level installment makes a term between the shortest and the longest dearer
// than both, even without a per-installment fee.
import { describe, expect, it } from 'vitest';
import { judgeApr, productAprProblems, type AprTerms } from '../../../domain/apr-cap.js';
import { defaultProductFor } from '../../../domain/default-products.js';
import type { LoanProduct } from '../../../domain/products.js';

const TODAY = '2026-03-10';

/** No fees, a maximum rate equal to the 24% cap, 1,002.00 up, 3 to 12 monthly 等额本息 installments. */
function product(): LoanProduct {
  return {
    ...defaultProductFor('CREDIT'),
    fees: [],
    dayCount: 'ACT/365',
    aprCap: '0.2400',
    minAmount: '1002.00',
    maxRate: '0.2400',
    minTerm: 3,
    maxTerm: 12,
    methods: ['EQUAL_INSTALLMENT'],
    frequencies: ['MONTHLY'],
  };
}

describe('the product limits check', () => {
  it('refuses limits under which a term between the shortest and the longest is above the cap at the maximum rate', () => {
    const p = product();
    const dearest: AprTerms = {
      amount: p.minAmount,
      annualRate: p.maxRate,
      termCount: 4,
      method: 'EQUAL_INSTALLMENT',
      frequency: 'MONTHLY',
    };
    // 1,002.00 over 4 months at 24%: the level installment rounded up to the cent costs 24.0019% a year.
    expect(judgeApr(p, dearest, TODAY)).toMatchObject({ aboveCap: true, apr: '0.240019' });
    expect(productAprProblems(p, TODAY).map((x) => x.field)).toContain('minAmount');
  });
});
