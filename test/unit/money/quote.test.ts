import { describe, expect, it } from 'vitest';
import { quote, validateQuoteRequest, type QuoteRequest } from '../../../domain/quote.js';

const TODAY = '2026-03-15';
const valid = { principal: '10000.00', annualRate: '0.12', termCount: 12, method: 'EQUAL_INSTALLMENT' };

function problemsOf(body: unknown) {
  const r = validateQuoteRequest(body, TODAY);
  if (r.ok) throw new Error('expected problems');
  return r.problems.map((p) => `${p.field}:${p.code}`);
}

describe('quote', () => {
  it('returns exactly the documented shape', () => {
    const q = quote({ ...valid, method: 'EQUAL_INSTALLMENT', startDate: '2026-01-31' });
    expect(Object.keys(q).sort()).toEqual([
      'apr',
      'effectiveAnnualRate',
      'installments',
      'totalFees',
      'totalInterest',
      'totalPayment',
      'totalPrincipal',
    ]);
    expect(Object.keys(q.installments[0]!).sort()).toEqual([
      'dueDate',
      'fee',
      'interest',
      'number',
      'principal',
      'remainingPrincipal',
      'total',
    ]);
    expect(q.installments[0]).toEqual({
      number: 1,
      dueDate: '2026-02-28',
      principal: '788.49',
      interest: '100.00',
      fee: '0.00',
      total: '888.49',
      remainingPrincipal: '9211.51',
    });
    expect(q).toMatchObject({
      totalPrincipal: '10000.00',
      totalInterest: '661.86',
      totalFees: '0.00',
      totalPayment: '10661.86',
    });
    expect(q.apr).toMatch(/^\d\.\d{6}$/);
    expect(q.effectiveAnnualRate).toMatch(/^\d\.\d{6}$/);
  });

  it('includes fees in totals and APR', () => {
    const q = quote({
      ...valid,
      method: 'EQUAL_INSTALLMENT',
      startDate: '2026-01-31',
      fees: [
        { kind: 'UPFRONT', amount: '100.00' },
        { kind: 'PER_INSTALLMENT', amount: '5.00' },
      ],
    });
    expect(q.installments[0]).toMatchObject({ fee: '5.00', total: '893.49' });
    expect(q.totalFees).toBe('160.00');
    expect(q.totalPayment).toBe('10721.86');
    expect(Number(q.apr)).toBeGreaterThan(0.14);
  });

  it('takes a validated request straight in', () => {
    const r = validateQuoteRequest(
      {
        ...valid,
        frequency: 'WEEKLY',
        dayCount: 'ACT/360',
        fees: [{ kind: 'PER_INSTALLMENT', amount: '1' }],
      },
      TODAY,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toEqual({
      principal: '10000.00',
      annualRate: '0.12',
      termCount: 12,
      frequency: 'WEEKLY',
      method: 'EQUAL_INSTALLMENT',
      startDate: TODAY,
      fees: [{ kind: 'PER_INSTALLMENT', amount: '1.00' }],
      dayCount: 'ACT/360',
    } satisfies QuoteRequest);
    expect(quote(r.value).installments[0]?.dueDate).toBe('2026-03-22');
  });
});

describe('quote terms a channel sends', () => {
  const terms = (extra: Record<string, unknown>) => {
    const r = validateQuoteRequest({ ...valid, ...extra }, TODAY);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return quote(r.value);
  };

  it('honours the day count: 100,000 at 1% for 60 days, BULLET, DAILY on ACT/360 is 166.67 of interest', () => {
    const bullet = { principal: '100000.00', annualRate: '0.01', termCount: 60, frequency: 'DAILY', method: 'BULLET' };
    const q = terms({ ...bullet, dayCount: 'ACT/360', startDate: '2026-12-01' });
    expect(q.totalInterest).toBe('166.67');
    expect(q.installments).toHaveLength(1);
    expect(q.installments[0]).toMatchObject({ dueDate: '2027-01-30', interest: '166.67', total: '100166.67' });
    // The default convention, ACT/365, gives 100,000 × 0.01 × 60 / 365.
    expect(terms({ ...bullet, startDate: '2026-12-01' }).totalInterest).toBe('164.38');
    expect(terms({ ...bullet, dayCount: 'ACT/365', startDate: '2026-12-01' }).totalInterest).toBe('164.38');
  });

  it('honours an irregular first due date: the first period runs to it and later dates keep its day', () => {
    const base = { principal: '12000.00', annualRate: '0.12', termCount: 12, startDate: '2026-12-01' };
    const regular = terms(base);
    const irregular = terms({ ...base, firstDueDate: '2027-01-15' });
    expect(regular.installments.slice(0, 2).map((i) => i.dueDate)).toEqual(['2027-01-01', '2027-02-01']);
    expect(irregular.installments.slice(0, 2).map((i) => i.dueDate)).toEqual(['2027-01-15', '2027-02-15']);
    expect(irregular.installments).toHaveLength(12);
    // 1 month and 14 days of interest in the first period.
    expect(irregular.installments[0]?.interest).toBe('175.23');
    expect(regular.installments[0]?.interest).toBe('120.00');
    // firstDueDate: null is the regular schedule.
    expect(terms({ ...base, firstDueDate: null })).toEqual(regular);
  });

  it('refuses a day count outside the supported conventions', () => {
    expect(problemsOf({ ...valid, dayCount: 'BOGUS' })).toEqual(['dayCount:UNKNOWN_DAY_COUNT']);
    expect(problemsOf({ ...valid, dayCount: 'act/360' })).toEqual(['dayCount:UNKNOWN_DAY_COUNT']);
    expect(problemsOf({ ...valid, dayCount: null })).toEqual(['dayCount:UNKNOWN_DAY_COUNT']);
  });

  it('refuses a first due date that is not a date, not after the start, or more than two periods later', () => {
    const monthly = { ...valid, startDate: '2026-12-01' };
    expect(problemsOf({ ...monthly, firstDueDate: '2027-02-30' })).toEqual(['firstDueDate:INVALID_DATE']);
    expect(problemsOf({ ...monthly, firstDueDate: 20270115 })).toEqual(['firstDueDate:INVALID_DATE']);
    expect(problemsOf({ ...monthly, firstDueDate: '2026-12-01' })).toEqual([
      'firstDueDate:FIRST_DUE_DATE_OUT_OF_RANGE',
    ]);
    expect(problemsOf({ ...monthly, firstDueDate: '2027-02-02' })).toEqual([
      'firstDueDate:FIRST_DUE_DATE_OUT_OF_RANGE',
    ]);
    expect(validateQuoteRequest({ ...monthly, firstDueDate: '2027-02-01' }, TODAY).ok).toBe(true);
    expect(validateQuoteRequest({ ...monthly, firstDueDate: '2026-12-02' }, TODAY).ok).toBe(true);
    const weekly = { ...monthly, frequency: 'WEEKLY' };
    expect(validateQuoteRequest({ ...weekly, firstDueDate: '2026-12-15' }, TODAY).ok).toBe(true);
    expect(problemsOf({ ...weekly, firstDueDate: '2026-12-16' })).toEqual(['firstDueDate:FIRST_DUE_DATE_OUT_OF_RANGE']);
  });

  it('refuses every field it does not know, naming each, in both languages', () => {
    const r = validateQuoteRequest(
      { ...valid, daycount: 'ACT/360', extra: 1, fees: [{ kind: 'UPFRONT', amount: '1.00', note: 'x' }] },
      TODAY,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.field}:${p.code}`)).toEqual([
      'daycount:UNKNOWN_FIELD',
      'extra:UNKNOWN_FIELD',
      'fees.0.note:UNKNOWN_FIELD',
    ]);
    expect(r.problems[0]?.message).toEqual({ zh: '不支持的字段：daycount', en: 'is not a known field: daycount' });
  });
});

describe('validateQuoteRequest', () => {
  it('defaults frequency to MONTHLY and the start date to today', () => {
    const r = validateQuoteRequest({ ...valid, principal: '500' }, TODAY);
    expect(r).toMatchObject({
      ok: true,
      value: { principal: '500.00', frequency: 'MONTHLY', startDate: TODAY, fees: [] },
    });
  });

  it('amounts: not strings, malformed, more than 2 decimals, zero or negative, absurdly large', () => {
    expect(problemsOf({ ...valid, principal: 10000 })).toEqual(['principal:NOT_A_STRING']);
    expect(problemsOf({ ...valid, principal: '1e4' })).toEqual(['principal:MALFORMED_AMOUNT']);
    expect(problemsOf({ ...valid, principal: '10,000.00' })).toEqual(['principal:MALFORMED_AMOUNT']);
    expect(problemsOf({ ...valid, principal: '100.001' })).toEqual(['principal:TOO_MANY_DECIMALS']);
    expect(problemsOf({ ...valid, principal: '0.00' })).toEqual(['principal:NOT_POSITIVE']);
    expect(problemsOf({ ...valid, principal: '-5.00' })).toEqual(['principal:NOT_POSITIVE']);
    expect(problemsOf({ ...valid, principal: '100000000.01' })).toEqual(['principal:TOO_LARGE']);
    expect(problemsOf({ ...valid, principal: undefined })).toEqual(['principal:REQUIRED']);
    expect(validateQuoteRequest({ ...valid, principal: '100000000.00' }, TODAY).ok).toBe(true);
  });

  it('rates: negative, above 1 (100% a year), malformed', () => {
    expect(problemsOf({ ...valid, annualRate: '-0.01' })).toEqual(['annualRate:RATE_NEGATIVE']);
    expect(problemsOf({ ...valid, annualRate: '1.0001' })).toEqual(['annualRate:RATE_TOO_HIGH']);
    expect(problemsOf({ ...valid, annualRate: '12%' })).toEqual(['annualRate:MALFORMED_RATE']);
    expect(problemsOf({ ...valid, annualRate: 0.12 })).toEqual(['annualRate:NOT_A_STRING']);
    expect(validateQuoteRequest({ ...valid, annualRate: '1' }, TODAY).ok).toBe(true);
    expect(validateQuoteRequest({ ...valid, annualRate: '0' }, TODAY).ok).toBe(true);
  });

  it('unknown method, frequency, day count, fee kind', () => {
    expect(problemsOf({ ...valid, method: 'BALLOON' })).toEqual(['method:UNKNOWN_METHOD']);
    expect(problemsOf({ ...valid, frequency: 'YEARLY' })).toEqual(['frequency:UNKNOWN_FREQUENCY']);
    expect(problemsOf({ ...valid, dayCount: 'ACT/ACT' })).toEqual(['dayCount:UNKNOWN_DAY_COUNT']);
    expect(problemsOf({ ...valid, fees: [{ kind: 'MONTHLY', amount: '1.00' }] })).toEqual([
      'fees.0.kind:UNKNOWN_FEE_KIND',
    ]);
  });

  it('fee amounts report their path', () => {
    expect(
      problemsOf({
        ...valid,
        fees: [
          { kind: 'UPFRONT', amount: '1.00' },
          { kind: 'UPFRONT', amount: '1.001' },
        ],
      }),
    ).toEqual(['fees.1.amount:TOO_MANY_DECIMALS']);
    expect(problemsOf({ ...valid, fees: [{ kind: 'UPFRONT', amount: 5 }] })).toEqual(['fees.0.amount:NOT_A_STRING']);
    expect(problemsOf({ ...valid, fees: [{ kind: 'UPFRONT', amount: '0' }] })).toEqual(['fees.0.amount:NOT_POSITIVE']);
    expect(problemsOf({ ...valid, fees: 'none' })).toEqual(['fees:NOT_AN_ARRAY']);
    expect(problemsOf({ ...valid, fees: [42] })).toEqual(['fees.0:NOT_AN_OBJECT']);
    expect(problemsOf({ ...valid, fees: [{ kind: 'UPFRONT', amount: '10000.00' }] })).toEqual([
      'fees:UPFRONT_FEES_EXCEED_PRINCIPAL',
    ]);
  });

  it('impossible dates', () => {
    expect(problemsOf({ ...valid, startDate: '2026-02-30' })).toEqual(['startDate:INVALID_DATE']);
    expect(problemsOf({ ...valid, startDate: '2026-2-3' })).toEqual(['startDate:INVALID_DATE']);
    expect(problemsOf({ ...valid, startDate: '1800-01-01' })).toEqual(['startDate:DATE_OUT_OF_RANGE']);
    expect(problemsOf({ ...valid, startDate: '2026-01-31', firstDueDate: '2026-04-01' })).toEqual([
      'firstDueDate:FIRST_DUE_DATE_OUT_OF_RANGE',
    ]);
    expect(validateQuoteRequest({ ...valid, startDate: '2028-02-29' }, TODAY).ok).toBe(true);
  });

  it('termCount: not an integer, outside 1..360, daily up to 1095', () => {
    expect(problemsOf({ ...valid, termCount: 12.5 })).toEqual(['termCount:NOT_AN_INTEGER']);
    expect(problemsOf({ ...valid, termCount: '12' })).toEqual(['termCount:NOT_AN_INTEGER']);
    expect(problemsOf({ ...valid, termCount: 0 })).toEqual(['termCount:OUT_OF_RANGE']);
    expect(problemsOf({ ...valid, termCount: 361 })).toEqual(['termCount:OUT_OF_RANGE']);
    expect(validateQuoteRequest({ ...valid, termCount: 1095, frequency: 'DAILY' }, TODAY).ok).toBe(true);
    expect(problemsOf({ ...valid, termCount: 1096, frequency: 'DAILY' })).toEqual(['termCount:OUT_OF_RANGE']);
  });

  it('reports every problem at once, in both languages', () => {
    const r = validateQuoteRequest({ principal: 'x', annualRate: '2', termCount: 0, method: 'NOPE' }, TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field).sort()).toEqual(['annualRate', 'method', 'principal', 'termCount']);
    for (const p of r.problems) {
      expect(p.message.zh.length).toBeGreaterThan(0);
      expect(p.message.en.length).toBeGreaterThan(0);
    }
    expect(problemsOf(null)).toEqual([':NOT_AN_OBJECT']);
    expect(problemsOf([])).toEqual([':NOT_AN_OBJECT']);
  });
});
