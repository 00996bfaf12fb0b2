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
        extra: 'ignored',
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
