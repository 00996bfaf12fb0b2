// Overdue charges computed by hand. Installment due 2026-02-15: principal 788.49, interest
// 100.00 (888.49 in all); contract rate 12%, markup 0.5 → penalty rate 18% a year.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../domain/dates.js';
import { Dec } from '../../../domain/money.js';
import {
  overdueCharges,
  type ChargeTerms,
  type InstallmentReceipt,
  type OverdueInstallment,
} from '../../../domain/overdue.js';

const DUE = '2026-02-15';
const inst = (receipts: InstallmentReceipt[] = []): OverdueInstallment => ({
  dueDate: DUE,
  principal: '788.49',
  interest: '100.00',
  fee: '0.00',
  receipts,
});
const terms = (over: Partial<ChargeTerms['penalty']> = {}, rest: Partial<ChargeTerms> = {}): ChargeTerms => ({
  annualRate: '0.12',
  dayCount: 'ACT/365',
  chargesCap: '0.24',
  penalty: { penaltyMarkup: '0.5', graceDays: 0, lateFee: { kind: 'FLAT', value: '0.00' }, ...over },
  ...rest,
});
const paid = (date: string, principal: string, interest = '0.00', fee = '0.00'): InstallmentReceipt => ({
  date,
  principal,
  interest,
  fee,
});

describe('penalty interest 罚息', () => {
  it('nothing on or before the due date', () => {
    expect(overdueCharges(inst(), terms(), DUE)).toMatchObject({ daysLate: 0, penalty: '0.00', lateFee: '0.00' });
    expect(overdueCharges(inst(), terms(), '2026-02-01').penalty).toBe('0.00');
  });

  it('accrues daily on unpaid principal at rate × 1.5 on the day-count year', () => {
    // 788.49 × 18% × 10 / 365 = 3.8885… → 3.89
    expect(overdueCharges(inst(), terms(), '2026-02-25')).toMatchObject({ daysLate: 10, penalty: '3.89', cap: '5.84' });
    // ACT/360: 788.49 × 18% × 10 / 360 = 3.9424… → 3.94
    expect(overdueCharges(inst(), terms({}, { dayCount: 'ACT/360' }), '2026-02-25').penalty).toBe('3.94');
    // markup 1.0 → 24%: 788.49 × 24% × 10 / 365 = 5.1845… → 5.18
    expect(overdueCharges(inst(), terms({ penaltyMarkup: '1' }), '2026-02-25').penalty).toBe('5.18');
  });

  it('a partial payment stops accrual on what it paid from its date', () => {
    // 388.49 of principal paid on day 5: 18%/365 × (788.49 × 10 − 388.49 × 5) = 2.9305… → 2.93
    expect(overdueCharges(inst([paid('2026-02-20', '388.49')]), terms(), '2026-02-25').penalty).toBe('2.93');
    // interest paid does not reduce penalty interest (it runs on principal only)
    expect(overdueCharges(inst([paid('2026-02-20', '0.00', '100.00')]), terms(), '2026-02-25').penalty).toBe('3.89');
    // paid in full on day 4: accrual stops at 4 days, 788.49 × 18% × 4/365 = 1.5554… → 1.56
    const settled = inst([paid('2026-02-19', '788.49', '100.00')]);
    expect(overdueCharges(settled, terms(), '2026-02-19').penalty).toBe('1.56');
    expect(overdueCharges(settled, terms(), '2026-12-31').penalty).toBe('1.56');
  });

  it('payments after the as-of date are ignored', () => {
    expect(overdueCharges(inst([paid('2026-03-01', '788.49', '100.00')]), terms(), '2026-02-25').penalty).toBe('3.89');
  });
});

describe('grace days', () => {
  const grace = terms({ graceDays: 3, lateFee: { kind: 'FLAT', value: '5.00' } });

  it('paid within grace: no penalty and no late fee, ever', () => {
    const onLastGraceDay = inst([paid('2026-02-18', '788.49', '100.00')]);
    expect(overdueCharges(onLastGraceDay, grace, '2026-03-31')).toMatchObject({
      waived: true,
      penalty: '0.00',
      lateFee: '0.00',
    });
  });

  it('during grace nothing is charged yet', () => {
    expect(overdueCharges(inst(), grace, '2026-02-18')).toMatchObject({
      inGrace: true,
      penalty: '0.00',
      lateFee: '0.00',
    });
  });

  it('after grace the penalty counts from the due date, and the late fee is due', () => {
    // day 4: 788.49 × 18% × 4/365 = 1.56; late fee 5.00; cap 888.49 × 24% × 4/365 = 2.336… → 2.34
    // the late fee takes the cap's room first: late fee 2.34, penalty 0.00
    expect(overdueCharges(inst(), grace, '2026-02-19')).toMatchObject({
      inGrace: false,
      uncappedPenalty: '1.56',
      uncappedLateFee: '5.00',
      cap: '2.34',
      lateFee: '2.34',
      penalty: '0.00',
    });
    // day 30: penalty 11.67 (11.665…), cap 17.53 (17.526…): late fee 5.00 + penalty 11.67 fit
    expect(overdueCharges(inst(), grace, '2026-03-17')).toMatchObject({
      penalty: '11.67',
      lateFee: '5.00',
      cap: '17.53',
    });
  });

  it('paid one day after grace: penalty for those days and the late fee', () => {
    const late = inst([paid('2026-02-19', '788.49', '100.00')]);
    expect(
      overdueCharges(late, terms({ graceDays: 3, lateFee: { kind: 'FLAT', value: '1.00' } }), '2026-04-01'),
    ).toMatchObject({ waived: false, penalty: '1.34', lateFee: '1.00', cap: '2.34' });
  });
});

describe('late fee 滞纳金 and the cap', () => {
  it('a percentage of the installment still unpaid when grace ends', () => {
    const pct = terms({ graceDays: 3, lateFee: { kind: 'PERCENT_OF_OVERDUE_INSTALLMENT', value: '0.05' } });
    // 5% × 888.49 = 44.4245 → 44.42 (capped until enough days pass)
    expect(overdueCharges(inst(), pct, '2026-12-31')).toMatchObject({ uncappedLateFee: '44.42', lateFee: '44.42' });
    // 300.00 paid in grace leaves 588.49: 5% = 29.4245 → 29.42
    expect(overdueCharges(inst([paid('2026-02-17', '200.00', '100.00')]), pct, '2026-12-31').uncappedLateFee).toBe(
      '29.42',
    );
  });

  it('penalty + late fee never exceed overdue amount × cap × days / 365', () => {
    const heavy = terms({ penaltyMarkup: '3', lateFee: { kind: 'FLAT', value: '50.00' } }, { annualRate: '0.24' });
    // 130 days: cap = 888.49 × 24% × 130/365 = 75.946… → 75.95; uncapped 50 + 788.49 × 96% × 130/365 = 269.6…
    expect(overdueCharges(inst(), heavy, '2026-06-25')).toMatchObject({
      cap: '75.95',
      lateFee: '50.00',
      penalty: '25.95',
    });
  });

  it('charges only grow with the date and stay within the cap (property)', () => {
    const receiptArb = fc.record({
      day: fc.integer({ min: -20, max: 200 }),
      principal: fc.integer({ min: 0, max: 30_000 }),
      interest: fc.integer({ min: 0, max: 3_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(receiptArb, { maxLength: 5 }),
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom('FLAT', 'PERCENT_OF_OVERDUE_INSTALLMENT' as const),
        fc.integer({ min: 0, max: 300 }),
        (raw, graceDays, kind, markupPct) => {
          // Receipts never exceed what is owed (the allocation guarantees it).
          let principalLeft = 78_849;
          let interestLeft = 10_000;
          const receipts = raw.map((r) => {
            const p = Math.min(r.principal, principalLeft);
            const i = Math.min(r.interest, interestLeft);
            principalLeft -= p;
            interestLeft -= i;
            return paid(addDays(DUE, r.day), new Dec(p).div(100).toFixed(2), new Dec(i).div(100).toFixed(2));
          });
          const t = terms({
            graceDays,
            penaltyMarkup: new Dec(markupPct).div(100).toString(),
            lateFee: { kind, value: kind === 'FLAT' ? '30.00' : '0.1' },
          });
          let previous = { penalty: new Dec(0), lateFee: new Dec(0) };
          for (let day = 0; day <= 240; day += 7) {
            const c = overdueCharges(inst(receipts), t, addDays(DUE, day));
            const now = { penalty: new Dec(c.penalty), lateFee: new Dec(c.lateFee) };
            expect(now.penalty.gte(previous.penalty)).toBe(true);
            expect(now.lateFee.gte(previous.lateFee)).toBe(true);
            expect(now.penalty.plus(now.lateFee).lte(c.cap)).toBe(true);
            previous = now;
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
