// The debt-to-income ratio counts what the new loan really asks each month: its largest scheduled
// payment, and for balloons (先息后本, 到期一次) every payment spread over the term in months.
import { describe, expect, it } from 'vitest';
import { defaultProductFor } from '../../../domain/default-products.js';
import { quote } from '../../../domain/quote.js';
import { monthlyRepaymentBurden, type ScheduledPlan } from '../../../domain/repayment-burden.js';
import { assessCredit } from '../../../domain/scoring.js';
import type { Frequency, RepaymentMethod } from '../../../domain/types.js';
import { APPLICANT_ID, assessmentInput, cleanBureau, steadyStatement } from './fixtures.js';

const START = '2026-03-01';

function plan(
  amount: string,
  annualRate: string,
  termCount: number,
  method: RepaymentMethod,
  frequency: Frequency = 'MONTHLY',
  firstDueDate: string | null = null,
): ScheduledPlan {
  const { installments } = quote({
    principal: amount,
    annualRate,
    termCount,
    method,
    frequency,
    startDate: START,
    firstDueDate,
  });
  return { method, frequency, termCount, installments };
}

/** DTI of a loan whose assessed monthly income is `income` (declared and a 12-month statement agree). */
function dtiOf(
  loanType: 'FARMER' | 'CREDIT',
  application: Record<string, unknown>,
  income: string,
  monthlyDebt: string,
  newInstallment: string,
) {
  return assessCredit(
    assessmentInput(
      loanType,
      {
        bureau: cleanBureau({ monthlyDebtPayments: monthlyDebt }),
        statement: steadyStatement({ averageMonthlyInflow: income }),
        newInstallment,
      },
      {
        ...application,
        applicant: { name: '王小明', idNumber: APPLICANT_ID, phone: '13800138000', monthlyIncome: income },
      },
    ),
  );
}

const capacity = (a: ReturnType<typeof assessCredit>) => a.factors.find((f) => f.code === 'REPAYMENT_CAPACITY')!;

describe('the cases of issue 14, judged again', () => {
  it('a BULLET farmer loan: 110% on the balloon, 10.3% on its monthly equivalent', () => {
    // FARMER_STD at its standard 8.75%: 5,000 for 12 months, principal and interest at maturity
    // (5,000 + 5,000 × 8.75% × 1 year = 5,437.50 in month 12); assessed income 5,000 a month,
    // 62.50 a month of other debt at the bureau.
    const farmer = defaultProductFor('FARMER');
    const bullet = plan('5000.00', farmer.defaultRate, 12, 'BULLET');
    expect(bullet.installments.map((i) => i.total)).toEqual(['5437.50']);
    const application = { amount: '5000.00', termCount: 12, method: 'BULLET' };

    const before = dtiOf('FARMER', application, '5000.00', '62.50', bullet.installments[0]!.total);
    expect(before.dti).toBe('1.1000');
    expect(before.warnings.map((w) => w.code)).toContain('HIGH_DTI');

    const burden = monthlyRepaymentBurden(bullet);
    expect(burden).toBe('453.13'); // 5,437.50 / 12
    const now = dtiOf('FARMER', application, '5000.00', '62.50', burden);
    expect(now.dti).toBe('0.1031');
    expect(now.warnings.map((w) => w.code)).not.toContain('HIGH_DTI');
    expect(capacity(now).contribution - capacity(before).contribution).toBe(80 - -160);
    expect(now.score - before.score).toBe(240);
  });

  it('a 先息后本 loan with 9,112.50 due in month 12: 3.8% on the first installment, 28.8% on the burden', () => {
    // CREDIT_STD at its standard 15%: 9,000 for 12 months, interest first: 112.50 a month for 11
    // months, then 9,112.50. Assessed income 3,000 a month, no other debt.
    const credit = defaultProductFor('CREDIT');
    const interestFirst = plan('9000.00', credit.defaultRate, 12, 'INTEREST_FIRST');
    const totals = interestFirst.installments.map((i) => i.total);
    expect(totals.slice(0, 11)).toEqual(Array(11).fill('112.50'));
    expect(totals[11]).toBe('9112.50');
    const application = { amount: '9000.00', termCount: 12, method: 'INTEREST_FIRST' };

    const before = dtiOf('CREDIT', application, '3000.00', '0.00', totals[0]!);
    expect(before.dti).toBe('0.0375');
    expect(capacity(before).detail.en).toContain('Debt-to-income 3.8%');

    const burden = monthlyRepaymentBurden(interestFirst);
    expect(burden).toBe('862.50'); // (11 × 112.50 + 9,112.50) / 12 = 112.50 interest + 750.00 principal
    const now = dtiOf('CREDIT', application, '3000.00', '0.00', burden);
    expect(now.dti).toBe('0.2875');
    expect(capacity(now).detail.en).toContain(
      'Debt-to-income 28.8% (monthly payments 862.50 / assessed income 3000.00)',
    );
  });
});

describe('monthlyRepaymentBurden', () => {
  it('takes the largest installment of an amortizing loan, not the first', () => {
    // 等额本金: the first installment is the largest.
    const principal = plan('12000.00', '0.12', 12, 'EQUAL_PRINCIPAL');
    expect(monthlyRepaymentBurden(principal)).toBe(principal.installments[0]!.total);
    expect(principal.installments[0]!.total).toBe('1120.00');
    // 等额本息 with a long first period (45 days): the first installment is the largest.
    const irregular = plan('12000.00', '0.12', 12, 'EQUAL_INSTALLMENT', 'MONTHLY', '2026-04-15');
    const totals = irregular.installments.map((i) => Number(i.total));
    expect(Math.max(...totals)).toBeGreaterThan(totals[1]!);
    expect(monthlyRepaymentBurden(irregular)).toBe(irregular.installments[0]!.total);
    // ... and a short first period (14 days): a regular installment is the largest.
    const short = plan('12000.00', '0.12', 12, 'EQUAL_INSTALLMENT', 'MONTHLY', '2026-03-15');
    expect(Number(short.installments[0]!.total)).toBeLessThan(Number(short.installments[1]!.total));
    expect(monthlyRepaymentBurden(short)).toBe(
      short.installments.map((i) => i.total).reduce((a, b) => (Number(a) >= Number(b) ? a : b)),
    );
  });

  it('counts the installments that fall in a month for weekly, biweekly and daily loans', () => {
    const weekly = plan('5200.00', '0', 52, 'EQUAL_INSTALLMENT', 'WEEKLY');
    expect(weekly.installments[0]!.total).toBe('100.00');
    expect(monthlyRepaymentBurden(weekly)).toBe('433.33'); // 100 × 52 / 12
    const biweekly = plan('2600.00', '0', 26, 'EQUAL_PRINCIPAL', 'BIWEEKLY');
    expect(monthlyRepaymentBurden(biweekly)).toBe('216.67'); // 100 × 26 / 12
    const daily = plan('3650.00', '0', 365, 'EQUAL_INSTALLMENT', 'DAILY');
    expect(monthlyRepaymentBurden(daily)).toBe('304.17'); // 10 × 365 / 12
  });

  it('spreads a balloon over the term in months, and a term of a month or less is the payment itself', () => {
    const yearBullet = plan('12000.00', '0.10', 12, 'BULLET');
    expect(yearBullet.installments.map((i) => i.total)).toEqual(['13200.00']);
    expect(monthlyRepaymentBurden(yearBullet)).toBe('1100.00');
    const monthBullet = plan('12000.00', '0.12', 1, 'BULLET');
    expect(monthlyRepaymentBurden(monthBullet)).toBe(monthBullet.installments[0]!.total);
    expect(monthBullet.installments[0]!.total).toBe('12120.00');
    const tenDays = plan('3650.00', '0.0365', 10, 'BULLET', 'DAILY');
    expect(monthlyRepaymentBurden(tenDays)).toBe(tenDays.installments[0]!.total);
    // 先息后本 weekly for 26 weeks (6 months): every payment over 6 months.
    const weeklyInterestFirst = plan('5200.00', '0.052', 26, 'INTEREST_FIRST', 'WEEKLY');
    const total = weeklyInterestFirst.installments.reduce((s, i) => s + Number(i.total), 0);
    expect(monthlyRepaymentBurden(weeklyInterestFirst)).toBe((total / 6).toFixed(2));
  });
});
