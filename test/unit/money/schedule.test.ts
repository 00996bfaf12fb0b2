import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../domain/errors.js';
import { buildSchedule, normalizeTerms, periodGrid } from '../../../domain/schedule.js';

const dueDates = (s: ReturnType<typeof buildSchedule>) => s.installments.map((i) => i.dueDate);

describe('due dates', () => {
  it('a loan starting 31 January falls due 28 February, then 31 March (anchored, not chained)', () => {
    const s = buildSchedule({
      principal: '12000.00',
      annualRate: '0.12',
      termCount: 5,
      method: 'EQUAL_PRINCIPAL',
      startDate: '2026-01-31',
    });
    expect(dueDates(s)).toEqual(['2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30']);
  });

  it('29 February in a leap year, and 28 February in the next', () => {
    const s = buildSchedule({
      principal: '12000.00',
      annualRate: '0.12',
      termCount: 14,
      method: 'INTEREST_FIRST',
      startDate: '2024-01-31',
    });
    expect(s.installments[0]?.dueDate).toBe('2024-02-29');
    expect(s.installments[1]?.dueDate).toBe('2024-03-31');
    expect(s.installments[12]?.dueDate).toBe('2025-02-28');
    expect(s.installments[13]?.dueDate).toBe('2025-03-31');
    const leapDay = buildSchedule({
      principal: '1000.00',
      annualRate: '0.12',
      termCount: 13,
      method: 'EQUAL_INSTALLMENT',
      startDate: '2024-02-29',
    });
    expect(leapDay.installments[0]?.dueDate).toBe('2024-03-29');
    expect(leapDay.installments[11]?.dueDate).toBe('2025-02-28');
    expect(leapDay.installments[12]?.dueDate).toBe('2025-03-29');
  });

  it('weekly, biweekly and daily periods count days from the start', () => {
    const weekly = buildSchedule({
      principal: '700.00',
      annualRate: '0',
      termCount: 3,
      frequency: 'WEEKLY',
      method: 'EQUAL_PRINCIPAL',
      startDate: '2026-12-29',
    });
    expect(dueDates(weekly)).toEqual(['2027-01-05', '2027-01-12', '2027-01-19']);
    const biweekly = buildSchedule({
      principal: '700.00',
      annualRate: '0',
      termCount: 2,
      frequency: 'BIWEEKLY',
      method: 'EQUAL_PRINCIPAL',
      startDate: '2028-02-20',
    });
    expect(dueDates(biweekly)).toEqual(['2028-03-05', '2028-03-19']);
    const daily = buildSchedule({
      principal: '700.00',
      annualRate: '0',
      termCount: 3,
      frequency: 'DAILY',
      method: 'EQUAL_PRINCIPAL',
      startDate: '2028-02-28',
    });
    expect(dueDates(daily)).toEqual(['2028-02-29', '2028-03-01', '2028-03-02']);
  });

  it('an irregular first due date becomes the anchor', () => {
    const s = buildSchedule({
      principal: '10000.00',
      annualRate: '0.12',
      termCount: 3,
      method: 'EQUAL_INSTALLMENT',
      startDate: '2026-02-10',
      firstDueDate: '2026-03-31',
    });
    expect(dueDates(s)).toEqual(['2026-03-31', '2026-04-30', '2026-05-31']);
  });

  it('a first due date equal to the regular one is no irregularity', () => {
    const terms = normalizeTerms({
      principal: '1000.00',
      annualRate: '0.12',
      termCount: 3,
      method: 'EQUAL_INSTALLMENT',
      startDate: '2026-01-31',
      firstDueDate: '2026-02-28',
    });
    expect(terms.firstDueDate).toBeNull();
    expect(dueDates(buildSchedule(terms))).toEqual(['2026-02-28', '2026-03-31', '2026-04-30']);
  });
});

describe('period rates and interest', () => {
  it('monthly interest is annual / 12 whatever the month length', () => {
    const s = buildSchedule({
      principal: '12000.00',
      annualRate: '0.12',
      termCount: 2,
      method: 'INTEREST_FIRST',
      startDate: '2026-01-31',
    });
    expect(s.installments.map((i) => i.interest)).toEqual(['120.00', '120.00']); // 28-day and 31-day months alike
  });

  it('divides last, so exact half cents round up: 300.00 × 4.9% / 12 = 1.225 → 1.23', () => {
    const s = buildSchedule({
      principal: '300.00',
      annualRate: '0.049',
      termCount: 2,
      method: 'INTEREST_FIRST',
      startDate: '2026-01-15',
    });
    expect(s.installments[0]?.interest).toBe('1.23');
  });

  it('weekly periods use the product day count: 7/365, 7/360', () => {
    const base = {
      principal: '36500.00',
      annualRate: '0.1',
      termCount: 2,
      frequency: 'WEEKLY' as const,
      method: 'INTEREST_FIRST' as const,
      startDate: '2026-01-01',
    };
    expect(buildSchedule({ ...base, dayCount: 'ACT/365' }).installments[0]?.interest).toBe('70.00'); // 36500 × 0.1 × 7/365
    expect(buildSchedule({ ...base, dayCount: 'ACT/360' }).installments[0]?.interest).toBe('70.97'); // 36500 × 0.1 × 7/360 = 70.972…
    expect(buildSchedule({ ...base, dayCount: '30/360' }).installments[0]?.interest).toBe('70.97');
  });

  it('an irregular monthly first period: whole months at annual/12 plus odd days by the day count', () => {
    // 15 Jan → 1 Mar: one whole month (1 Feb → 1 Mar) plus 17 odd days (15 Jan → 1 Feb).
    const base = {
      principal: '10000.00',
      annualRate: '0.12',
      termCount: 12,
      method: 'EQUAL_INSTALLMENT' as const,
      startDate: '2026-01-15',
      firstDueDate: '2026-03-01',
    };
    const act365 = buildSchedule(base);
    // 10000 × 0.12 × (1/12 + 17/365) = 100 + 55.890… = 155.89
    expect(act365.installments[0]).toMatchObject({ interest: '155.89', principal: '788.49', total: '944.38' });
    expect(act365.installments[1]).toMatchObject({ total: '888.49' });
    // 30/360 counts 15 Jan → 1 Feb as 16 days: 10000 × 0.12 × 16/360 = 53.33
    expect(buildSchedule({ ...base, dayCount: '30/360' }).installments[0]?.interest).toBe('153.33');
    // A short first period: 15 Jan → 1 Feb is 17 days only.
    const short = buildSchedule({ ...base, firstDueDate: '2026-02-01' });
    expect(short.installments[0]).toMatchObject({ interest: '55.89', principal: '788.49' });
    expect(periodGrid(short.terms).firstPeriodLength.toFixed(6)).toBe(((17 / 365) * 12).toFixed(6));
  });

  it('an irregular daily-based first period uses the day count over its actual days', () => {
    const s = buildSchedule({
      principal: '36500.00',
      annualRate: '0.1',
      termCount: 2,
      frequency: 'WEEKLY',
      method: 'INTEREST_FIRST',
      startDate: '2026-01-01',
      firstDueDate: '2026-01-11',
    });
    expect(s.installments.map((i) => [i.dueDate, i.interest])).toEqual([
      ['2026-01-11', '100.00'],
      ['2026-01-18', '70.00'],
    ]);
  });
});

describe('methods', () => {
  it('BULLET: one installment at the end with simple interest for the whole term', () => {
    const s = buildSchedule({
      principal: '10000.00',
      annualRate: '0.12',
      termCount: 6,
      method: 'BULLET',
      startDate: '2026-01-31',
    });
    expect(s.installments).toEqual([
      {
        number: 1,
        dueDate: '2026-07-31',
        principal: '10000.00',
        interest: '600.00',
        fee: '0.00',
        total: '10600.00',
        remainingPrincipal: '0.00',
      },
    ]);
    const daily = buildSchedule({
      principal: '10000.00',
      annualRate: '0.0365',
      termCount: 30,
      frequency: 'DAILY',
      method: 'BULLET',
      startDate: '2026-01-01',
    });
    expect(daily.installments[0]).toMatchObject({ dueDate: '2026-01-31', interest: '30.00' });
  });

  it('INTEREST_FIRST: interest each period, all principal with the last', () => {
    const s = buildSchedule({
      principal: '10000.00',
      annualRate: '0.12',
      termCount: 3,
      method: 'INTEREST_FIRST',
      startDate: '2026-01-10',
    });
    expect(s.installments.map((i) => [i.principal, i.interest, i.total, i.remainingPrincipal])).toEqual([
      ['0.00', '100.00', '100.00', '10000.00'],
      ['0.00', '100.00', '100.00', '10000.00'],
      ['10000.00', '100.00', '10100.00', '0.00'],
    ]);
  });

  it('zero rate is valid: principal only', () => {
    const s = buildSchedule({
      principal: '1000.00',
      annualRate: '0',
      termCount: 3,
      method: 'EQUAL_INSTALLMENT',
      startDate: '2026-01-10',
    });
    expect(s.installments.map((i) => i.total)).toEqual(['333.33', '333.33', '333.34']);
    expect(s.totalInterest).toBe('0.00');
  });

  it('never ends early: when a rounded-up level payment would repay too soon it is rounded down', () => {
    // 100.00 over 360 months at 0%: 100/360 = 0.2777… → 0.28 would repay in 358 months.
    const s = buildSchedule({
      principal: '100.00',
      annualRate: '0',
      termCount: 360,
      method: 'EQUAL_INSTALLMENT',
      startDate: '2026-01-10',
    });
    expect(s.installmentAmount).toBe('0.27');
    expect(s.installments).toHaveLength(360);
    expect(s.installments[359]).toMatchObject({ principal: '3.07', remainingPrincipal: '0.00' });
    // 1,000.00 at 12% over 360 months: A = 10.2861… ; 10.29 compounds into an early payoff.
    const dear = buildSchedule({
      principal: '1000.00',
      annualRate: '0.12',
      termCount: 360,
      method: 'EQUAL_INSTALLMENT',
      startDate: '2026-01-10',
    });
    expect(dear.installmentAmount).toBe('10.28');
    expect(dear.installments[358]?.remainingPrincipal).not.toBe('0.00');
    // EQUAL_PRINCIPAL the same way: 100.00 / 360 → 0.27 a month, the last takes 3.07.
    const ep = buildSchedule({
      principal: '100.00',
      annualRate: '0.01',
      termCount: 360,
      method: 'EQUAL_PRINCIPAL',
      startDate: '2026-01-10',
    });
    expect(ep.principalPerPeriod).toBe('0.27');
    expect(ep.installments[359]?.principal).toBe('3.07');
  });

  it('fees: UPFRONT is deducted from the payout, PER_INSTALLMENT is added to each installment', () => {
    const s = buildSchedule({
      principal: '10000.00',
      annualRate: '0.12',
      termCount: 12,
      method: 'EQUAL_INSTALLMENT',
      startDate: '2026-01-10',
      fees: [
        { kind: 'UPFRONT', amount: '200.00' },
        { kind: 'PER_INSTALLMENT', amount: '10.00' },
        { kind: 'PER_INSTALLMENT', amount: '5.50' },
      ],
    });
    expect(s.disbursedAmount).toBe('9800.00');
    expect(s.upfrontFee).toBe('200.00');
    expect(s.installments[0]).toMatchObject({ principal: '788.49', interest: '100.00', fee: '15.50', total: '903.99' });
    expect(s.totalFees).toBe('386.00'); // 200 + 12 × 15.50
    expect(s.totalInterest).toBe('661.86');
    expect(s.totalPayment).toBe('10847.86'); // 10000 + 661.86 interest + 186 fees: the sum of the installments
  });

  it('refuses unusable terms', () => {
    const base = {
      principal: '1000.00',
      annualRate: '0.12',
      termCount: 12,
      method: 'EQUAL_INSTALLMENT' as const,
      startDate: '2026-01-10',
    };
    expect(() => buildSchedule({ ...base, principal: '0.00' })).toThrow(DomainError);
    expect(() => buildSchedule({ ...base, annualRate: '-0.1' })).toThrow(DomainError);
    expect(() => buildSchedule({ ...base, termCount: 0 })).toThrow(DomainError);
    expect(() => buildSchedule({ ...base, startDate: '2026-02-30' })).toThrow(DomainError);
    expect(() => buildSchedule({ ...base, firstDueDate: '2026-01-10' })).toThrow(DomainError);
    expect(() => buildSchedule({ ...base, firstDueDate: '2026-03-11' })).toThrow(DomainError);
    expect(() => buildSchedule({ ...base, fees: [{ kind: 'UPFRONT', amount: '1000.00' }] })).toThrow(DomainError);
  });
});
