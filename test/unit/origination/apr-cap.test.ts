// The APR cap before any credit query: the APR (IRR, fees included) of the terms an application
// asks for, and of the dearest terms a product allows.
import { describe, expect, it } from 'vitest';
import { applicationAprProblem, aprOfTerms, productAprProblems, type AprTerms } from '../../../domain/apr-cap.js';
import { defaultProductFor, defaultProducts } from '../../../domain/default-products.js';
import type { LoanProduct } from '../../../domain/products.js';
import { quote } from '../../../domain/quote.js';

const TODAY = '2026-03-01';

/** CREDIT_STD as it was seeded before its limits were checked: 1,000–100,000 over 3–24 months, 100.00 upfront. */
function creditAsItWas(): LoanProduct {
  return { ...defaultProductFor('CREDIT'), minAmount: '1000.00', minTerm: 3 };
}

const terms = (over: Partial<AprTerms> = {}): AprTerms => ({
  amount: '3000.00',
  annualRate: '0.1500',
  termCount: 6,
  method: 'EQUAL_INSTALLMENT',
  frequency: 'MONTHLY',
  ...over,
});

describe('the APR of an application', () => {
  it('is the IRR of the schedule the offer would carry, fees included', () => {
    const product = creditAsItWas();
    const apr = aprOfTerms(product, terms(), TODAY);
    const offered = quote({
      principal: '3000.00',
      annualRate: '0.1500',
      termCount: 6,
      method: 'EQUAL_INSTALLMENT',
      startDate: TODAY,
      fees: product.fees,
      dayCount: product.dayCount,
    });
    expect(apr).toBe(offered.apr);
    expect(apr).toBe('0.270001');
    // Without fees, a regular monthly loan's APR is its nominal rate, up to cent rounding.
    expect(Number(aprOfTerms({ ...product, fees: [] }, terms(), TODAY))).toBeCloseTo(0.15, 5);
  });

  it('refuses CREDIT_STD’s 3,000 over 6 months at 15% with its 100.00 fee: APR 27.00% against the 24.00% cap', () => {
    const { judgement, problem } = applicationAprProblem(creditAsItWas(), terms(), TODAY);
    expect(judgement).toEqual({ apr: '0.270001', cap: '0.2400', aboveCap: true });
    expect(problem).toEqual({
      field: 'amount',
      code: 'APR_ABOVE_CAP',
      message: {
        zh: '申请 3000.00 元、6 期（等额本息，按月，年利率 15.00%）的年化利率（APR，含费用）为 27.00%，超过上限 24.00%',
        en: 'The application for 3000.00 over 6 installments (Equal installments, monthly, annual rate 15.00%) carries an APR including fees of 27.00%, above the cap of 24.00%',
      },
    });
  });

  it('lets terms within the cap through, up to the cap itself', () => {
    // 先息后本 keeps the whole amount out for the whole term, so the fee weighs less.
    const interestFirst = applicationAprProblem(creditAsItWas(), terms({ method: 'INTEREST_FIRST' }), TODAY);
    expect(interestFirst).toEqual({ judgement: { apr: '0.221030', cap: '0.2400', aboveCap: false }, problem: null });
    expect(
      applicationAprProblem(creditAsItWas(), terms({ amount: '30000.00', termCount: 12 }), TODAY).problem,
    ).toBeNull();
    const feeFree = { ...creditAsItWas(), fees: [] };
    const apr = aprOfTerms(feeFree, terms(), TODAY)!;
    expect(applicationAprProblem({ ...feeFree, aprCap: apr }, terms(), TODAY).problem).toBeNull();
    const below = (Number(apr) - 0.000001).toFixed(6);
    expect(applicationAprProblem({ ...feeFree, aprCap: below }, terms(), TODAY).problem?.code).toBe('APR_ABOVE_CAP');
  });

  it('refuses terms whose upfront fees take the whole amount', () => {
    const greedy = { ...creditAsItWas(), fees: [{ kind: 'UPFRONT' as const, amount: '3000.00' }] };
    const { judgement, problem } = applicationAprProblem(greedy, terms(), TODAY);
    expect(judgement).toEqual({ apr: null, cap: '0.2400', aboveCap: true });
    expect(problem).toMatchObject({ field: 'amount', code: 'FEES_EXCEED_AMOUNT' });
    expect(problem?.message.en).toContain('the cap of 24.00%');
  });
});

describe('the dearest terms of a product', () => {
  it.each(defaultProducts().map((p) => [p.code, p] as const))('%s is within its cap', (_code, product) => {
    expect(productAprProblems(product, TODAY)).toEqual([]);
  });

  it('refuses CREDIT_STD as it was: 1,000 over 3 months at its 20% maximum with the 100.00 fee is 87.37%', () => {
    const problems = productAprProblems(creditAsItWas(), TODAY);
    expect(problems.map((p) => `${p.field}:${p.code}`)).toEqual(['minAmount:APR_ABOVE_CAP', 'minTerm:APR_ABOVE_CAP']);
    expect(problems[0]!.message.en).toBe(
      'The product’s minimum amount at its maximum rate, 1000.00 over 3 installments (Equal principal, monthly, annual rate 20.00%) carries an APR including fees of 87.37%, above the cap of 24.00%',
    );
    expect(problems[0]!.message.zh).toContain('年化利率（APR，含费用）为 87.37%，超过上限 24.00%');
  });

  it('checks the longest term too, and the dearest one between them when a fee is charged per installment', () => {
    const perInstallment: LoanProduct = {
      ...defaultProductFor('PERSONAL_CONSUMER'),
      fees: [{ kind: 'PER_INSTALLMENT', amount: '10.00' }],
      minAmount: '1000.00',
      minTerm: 3,
      maxTerm: 36,
      maxRate: '0.1000',
      defaultRate: '0.1000',
      methods: ['EQUAL_PRINCIPAL'],
    };
    // 10.00 a month on 1,000 repaid in equal principal: 27.87% over 3 months, 30.41% over 36, 31.23% over 15.
    const apr = (termCount: number) =>
      aprOfTerms(
        perInstallment,
        terms({ amount: '1000.00', annualRate: '0.1000', method: 'EQUAL_PRINCIPAL', termCount }),
        TODAY,
      );
    expect([apr(3), apr(14), apr(15), apr(16), apr(36)]).toEqual([
      '0.278651',
      '0.312232',
      '0.312319',
      '0.312281',
      '0.304119',
    ]);
    const problems = productAprProblems(perInstallment, TODAY);
    expect(problems.map((p) => p.field)).toEqual(['minAmount', 'minTerm', 'maxTerm']);
    expect(problems[0]!.message.en).toContain('1000.00 over 15 installments');
    expect(problems[0]!.message.en).toContain('31.23%');

    // Up to 15 installments each one more is dearer, so of 3–6 the longest is the dearest.
    const longest = productAprProblems({ ...perInstallment, maxTerm: 6 }, TODAY);
    expect(longest.map((p) => p.field)).toEqual(['minAmount', 'maxTerm']);
    expect(longest[0]!.message.en).toContain('1000.00 over 6 installments');
    expect(
      productAprProblems({ ...perInstallment, fees: [{ kind: 'PER_INSTALLMENT', amount: '1.00' }] }, TODAY),
    ).toEqual([]);
  });
});
