import { describe, expect, it } from 'vitest';
import { annualPercentageRate, checkAprCap, solvePeriodicIrr } from '../../../domain/apr.js';
import { Dec } from '../../../domain/money.js';
import { buildSchedule, periodGrid, type ScheduleTerms } from '../../../domain/schedule.js';

/** An independent float IRR by bisection: payments at times first + k. For cross-checks only. */
function floatIrr(received: number, payments: number[], first = 1): number {
  const npv = (i: number) => payments.reduce((s, p, k) => s + p / (1 + i) ** (first + k), -received);
  let lo = -0.5;
  let hi = 1;
  for (let n = 0; n < 200; n++) {
    const mid = (lo + hi) / 2;
    if (npv(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const base: ScheduleTerms = {
  principal: '10000.00',
  annualRate: '0.12',
  termCount: 12,
  method: 'EQUAL_INSTALLMENT',
  startDate: '2026-01-10',
};

describe('APR (PBoC Announcement [2021] No. 3: IRR of the real cash flows)', () => {
  it('equals the nominal rate for a fee-free loan; EAR = (1 + r/12)^12 − 1', () => {
    const r = annualPercentageRate(
      buildSchedule({ ...base, principal: '1000000.00', annualRate: '0.049', termCount: 360 }),
    );
    expect(r.apr).toBe('0.049000');
    expect(r.effectiveAnnualRate).toBe('0.050116'); // (1 + 0.049/12)^12 − 1 = 0.0501156…
    const small = annualPercentageRate(buildSchedule(base));
    expect(small.apr).toBe('0.120001'); // the last installment is 2 cents short of 888.49: IRR moves in the 6th decimal
    expect(small.effectiveAnnualRate).toBe('0.126826');
  });

  it('reproduces the Microsoft Excel RATE help example: 48 × 200.00 for 8,000 → 9.24% a year', () => {
    // support.microsoft.com "RATE function": =RATE(A2*12, A3, A4)*12 with 4 years, -200, 8000 → 9.24%.
    const i = solvePeriodicIrr({
      received: new Dec(8000),
      payments: Array.from({ length: 48 }, () => new Dec(200)),
      firstPeriodLength: new Dec(1),
    });
    expect(i.times(12).toDecimalPlaces(4).toFixed(4)).toBe('0.0924');
    // docs.valq.com RATE example: 12 × 2,000 against 20,000 → 2.92% a period.
    const j = solvePeriodicIrr({
      received: new Dec(20000),
      payments: Array.from({ length: 12 }, () => new Dec(2000)),
      firstPeriodLength: new Dec(1),
    });
    expect(j.times(100).toDecimalPlaces(2).toFixed(2)).toBe('2.92');
  });

  it('counts upfront fees: the borrower receives principal − fees but repays on the principal', () => {
    const s = buildSchedule({ ...base, fees: [{ kind: 'UPFRONT', amount: '300.00' }] });
    const r = annualPercentageRate(s);
    const expected =
      floatIrr(
        9700,
        s.installments.map((i) => Number(i.total)),
      ) * 12;
    expect(Number(r.apr)).toBeCloseTo(expected, 6);
    expect(Number(r.apr)).toBeGreaterThan(0.17); // 3% off the top of a one-year loan costs about 5.7 points
  });

  it('counts per-installment fees: a “0.6% a month” flat fee on a zero-rate loan (等本等息) is about 13% APR, not 7.2%', () => {
    const s = buildSchedule({
      ...base,
      annualRate: '0',
      method: 'EQUAL_PRINCIPAL',
      fees: [{ kind: 'PER_INSTALLMENT', amount: '60.00' }],
    });
    const r = annualPercentageRate(s);
    const expected =
      floatIrr(
        10000,
        s.installments.map((i) => Number(i.total)),
      ) * 12;
    expect(Number(r.apr)).toBeCloseTo(expected, 6);
    expect(r.apr.slice(0, 5)).toBe('0.130');
  });

  it('BULLET: one period, the whole term; APR is simple interest per year', () => {
    const s = buildSchedule({ ...base, method: 'BULLET', fees: [{ kind: 'UPFRONT', amount: '100.00' }] });
    const r = annualPercentageRate(s);
    expect(r.apr).toBe('0.131313'); // 11,200 / 9,900 − 1 over one year
    expect(r.effectiveAnnualRate).toBe('0.131313');
    const sixMonths = annualPercentageRate(buildSchedule({ ...base, method: 'BULLET', termCount: 6 }));
    expect(sixMonths.apr).toBe('0.120000');
    expect(sixMonths.effectiveAnnualRate).toBe('0.123600'); // 1.06² − 1
  });

  it('day-based frequencies annualize on the day count’s year: weekly ACT/365 × 365/7, ACT/360 × 360/7', () => {
    const weekly = { ...base, principal: '500000.00', frequency: 'WEEKLY' as const, termCount: 52 };
    expect(annualPercentageRate(buildSchedule({ ...weekly, dayCount: 'ACT/365' })).apr).toBe('0.120000');
    expect(annualPercentageRate(buildSchedule({ ...weekly, dayCount: 'ACT/360' })).apr).toBe('0.120000');
    const daily = annualPercentageRate(
      buildSchedule({ ...base, principal: '500000.00', frequency: 'DAILY', termCount: 90 }),
    );
    expect(daily.apr).toBe('0.120000');
    expect(daily.effectiveAnnualRate).toBe('0.127474'); // (1 + 0.12/365)^365 − 1
  });

  it('zero rate without fees has a zero APR', () => {
    const r = annualPercentageRate(buildSchedule({ ...base, annualRate: '0' }));
    expect(r).toMatchObject({ apr: '0.000000', effectiveAnnualRate: '0.000000' });
  });

  it('irregular first period: IRR on the periodic grid with the first payment at its fractional time', () => {
    // 15 Jan → 1 Mar is 1 month + 17/365 years = 1.5589… monthly periods.
    const s = buildSchedule({ ...base, startDate: '2026-01-15', firstDueDate: '2026-03-01' });
    const L = Number(periodGrid(s.terms).firstPeriodLength.toString());
    expect(L).toBeCloseTo(1 + (17 / 365) * 12, 12);
    const r = annualPercentageRate(s);
    expect(Number(r.apr)).toBeCloseTo(
      floatIrr(
        10000,
        s.installments.map((i) => Number(i.total)),
        L,
      ) * 12,
      6,
    );
    // Simple interest for the broken period keeps it close to the nominal rate.
    expect(Math.abs(Number(r.apr) - 0.12)).toBeLessThan(0.0005);
  });

  it('falls back to bisection when Newton is sent astray, with the same answer', () => {
    const flows = {
      received: new Dec(9700),
      payments: Array.from({ length: 12 }, () => new Dec('888.49')),
      firstPeriodLength: new Dec(1),
    };
    const good = solvePeriodicIrr(flows, new Dec('0.01'));
    const bad = solvePeriodicIrr(flows, new Dec('1000000'));
    expect(bad.toDecimalPlaces(12).eq(good.toDecimalPlaces(12))).toBe(true);
  });

  it('is deterministic', () => {
    const terms: ScheduleTerms = {
      ...base,
      fees: [
        { kind: 'UPFRONT', amount: '123.45' },
        { kind: 'PER_INSTALLMENT', amount: '9.99' },
      ],
    };
    const first = annualPercentageRate(buildSchedule(terms));
    for (let k = 0; k < 5; k++) expect(annualPercentageRate(buildSchedule(terms))).toEqual(first);
  });
});

describe('checkAprCap', () => {
  it('passes at or under the cap (default 24%)', () => {
    expect(checkAprCap('0.240000')).toBeNull();
    expect(checkAprCap('0.12')).toBeNull();
  });

  it('refuses above the cap with a bilingual problem', () => {
    const p = checkAprCap('0.240001');
    expect(p).toMatchObject({ field: 'annualRate', code: 'APR_ABOVE_CAP' });
    expect(p?.message.en).toContain('24.00%');
    expect(p?.message.zh).toContain('24.00%');
    expect(checkAprCap('0.20', '0.18', 'fees')).toMatchObject({ field: 'fees', code: 'APR_ABOVE_CAP' });
  });

  it('catches a nominal rate under the cap that fees push over it', () => {
    const s = buildSchedule({ ...base, annualRate: '0.2', fees: [{ kind: 'UPFRONT', amount: '300.00' }] });
    expect(checkAprCap(annualPercentageRate(s).apr)).not.toBeNull();
  });
});
