// The account on a report date, derived from the schedule, the repayments and the timeline.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountStateOn,
  eventsOn,
  overdueStatusCode,
  reportableOn,
  type AccountHistory,
  type ScheduledInstallment,
} from '../../../domain/credit-reporting/account-state.js';
import { addDays, addMonths } from '../../../domain/dates.js';

/** Three monthly installments of 1000 principal + 50 interest, from 2026-01-15. */
function history(
  paid: Array<{ paidOn: string | null; paidAmount?: string }> = [],
  events: AccountHistory['events'] = [],
) {
  const installments: ScheduledInstallment[] = [1, 2, 3].map((n) => {
    const p = paid[n - 1];
    const full = p?.paidOn != null;
    return {
      number: n,
      dueDate: addMonths('2026-01-15', n),
      principal: '1000.00',
      amountDue: '1050.00',
      paidPrincipal: full ? '1000.00' : '0.00',
      paidAmount: p?.paidAmount ?? (full ? '1050.00' : '0.00'),
      paidOn: p?.paidOn ?? null,
    };
  });
  return {
    openDate: '2026-01-15',
    amount: '3000.00',
    installments,
    repayments: paid.filter((p) => p.paidOn).map((p) => ({ receivedOn: p.paidOn!, amount: '1050.00' })),
    events,
  } satisfies AccountHistory;
}

describe('accountStateOn', () => {
  it('opens with nothing due yet (status *) and the full balance', () => {
    const s = accountStateOn(history(), '2026-01-15');
    expect(s).toMatchObject({
      balance: '3000.00',
      statusCode: '*',
      accountStatus: 'NORMAL',
      fiveLevelClass: 'NORMAL',
      overdueDays: 0,
      maturityDate: '2026-04-15',
      installmentCount: 3,
    });
    expect(s.events).toEqual([{ kind: 'OPENED', amount: '3000.00' }]);
  });

  it('an installment paid on its due date is on time; balance falls by its principal', () => {
    const s = accountStateOn(history([{ paidOn: '2026-02-15' }]), '2026-02-15');
    expect(s).toMatchObject({
      balance: '2000.00',
      statusCode: 'N',
      lastPaymentDate: '2026-02-15',
      lastPaymentAmount: '1050.00',
    });
    expect(s.events).toEqual([{ kind: 'INSTALLMENT_PAID_ON_TIME', installment: 1 }]);
  });

  it('an unpaid installment is overdue from the next day: amount, days, periods, class and code', () => {
    const h = history();
    expect(accountStateOn(h, '2026-02-15').accountStatus).toBe('NORMAL');
    const s = accountStateOn(h, '2026-02-16');
    expect(s).toMatchObject({
      accountStatus: 'OVERDUE',
      overdueDays: 1,
      overduePeriods: 1,
      overdueAmount: '1050.00',
      statusCode: '1',
      fiveLevelClass: 'SPECIAL_MENTION',
    });
    expect(s.events).toEqual([{ kind: 'INSTALLMENT_OVERDUE', installment: 1 }]);
    const later = accountStateOn(h, '2026-04-20');
    expect(later).toMatchObject({ overduePeriods: 3, overdueAmount: '3150.00', overdueDays: 64, statusCode: '3' });
  });

  it('a partly paid overdue installment owes the rest', () => {
    const s = accountStateOn(history([{ paidOn: null, paidAmount: '50.00' }]), '2026-03-01');
    expect(s.overdueAmount).toBe('1000.00');
  });

  it('an installment paid after its due date is paid late, and the account is normal again', () => {
    const s = accountStateOn(history([{ paidOn: '2026-02-20' }]), '2026-02-20');
    expect(s.events).toEqual([{ kind: 'INSTALLMENT_PAID_LATE', installment: 1 }]);
    expect(s.accountStatus).toBe('NORMAL');
    // The day before, the same history shows it overdue: a payment after the date does not count.
    expect(accountStateOn(history([{ paidOn: '2026-02-20' }]), '2026-02-19')).toMatchObject({
      accountStatus: 'OVERDUE',
      overdueDays: 4,
      balance: '3000.00',
      lastPaymentDate: null,
    });
  });

  it('paid off: closed, C, no balance; not reported after the day it closed', () => {
    const h = history(
      [{ paidOn: '2026-02-15' }, { paidOn: '2026-03-10' }, { paidOn: '2026-03-10' }],
      [{ kind: 'STATUS_PAID_OFF', on: '2026-03-10', detail: {} }],
    );
    const s = accountStateOn(h, '2026-03-10');
    expect(s).toMatchObject({ accountStatus: 'CLOSED', statusCode: 'C', balance: '0.00', overdueAmount: '0.00' });
    expect(s.events.map((e) => e.kind)).toContain('PAID_OFF');
    expect(reportableOn(h, '2026-03-10')).toBe(true);
    expect(reportableOn(h, '2026-03-11')).toBe(false);
  });

  it('written off: bad debt, B, LOSS; a recovery later is reported on its day', () => {
    const h = history(
      [],
      [
        { kind: 'STATUS_WRITTEN_OFF', on: '2026-09-01', detail: {} },
        { kind: 'WRITE_OFF_RECOVERY', on: '2027-01-05', detail: { amount: '200.00' } },
      ],
    );
    expect(accountStateOn(h, '2026-09-01')).toMatchObject({
      accountStatus: 'BAD_DEBT',
      statusCode: 'B',
      fiveLevelClass: 'LOSS',
    });
    expect(reportableOn(h, '2026-10-01')).toBe(false);
    expect(reportableOn(h, '2027-01-05')).toBe(true);
    expect(eventsOn(h, '2027-01-05')).toEqual([{ kind: 'WRITE_OFF_RECOVERY', amount: '200.00' }]);
  });

  it('an extension moves the maturity date and count; an override sets the class', () => {
    const h = history(
      [],
      [
        {
          kind: 'EXTENDED',
          on: '2026-02-10',
          detail: { newMaturityDate: '2026-07-15', outstandingPrincipal: '3000.00', installmentCount: 6 },
        },
        { kind: 'CLASSIFICATION_OVERRIDDEN', on: '2026-02-11', detail: { from: 'NORMAL', to: 'SUBSTANDARD' } },
      ],
    );
    expect(accountStateOn(h, '2026-02-09')).toMatchObject({
      maturityDate: '2026-04-15',
      installmentCount: 3,
      fiveLevelClass: 'NORMAL',
    });
    expect(accountStateOn(h, '2026-02-10')).toMatchObject({ maturityDate: '2026-07-15', installmentCount: 6 });
    expect(accountStateOn(h, '2026-02-10').events).toEqual([{ kind: 'EXTENDED' }]);
    expect(accountStateOn(h, '2026-02-11')).toMatchObject({ fiveLevelClass: 'SUBSTANDARD' });
  });

  it('builds decades later, and never before the open date', () => {
    const s = accountStateOn(history(), '2056-01-15');
    expect(s.overdueDays).toBe(10_957 - 31);
    expect(s.statusCode).toBe('7');
    expect(s.fiveLevelClass).toBe('LOSS');
    expect(() => accountStateOn(history(), '2026-01-14')).toThrow(RangeError);
    expect(reportableOn(history(), '2026-01-14')).toBe(false);
  });

  it('status codes by overdue days', () => {
    expect([0, 1, 30, 31, 60, 61, 180, 181, 5000].map(overdueStatusCode)).toEqual([
      'N',
      '1',
      '1',
      '2',
      '2',
      '3',
      '6',
      '7',
      '7',
    ]);
  });

  it('property: balance within [0, amount]; overdue iff days > 0; figures in cents', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -10, max: 200 }), { nil: null }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 0, max: 3000 }),
        (payDelays, offset) => {
          const paid = payDelays.map((d, i) => ({
            paidOn: d === null ? null : addDays(addMonths('2026-01-15', i + 1), d),
          }));
          const date = addDays('2026-01-15', offset);
          const s = accountStateOn(history(paid), date);
          expect(Number(s.balance)).toBeGreaterThanOrEqual(0);
          expect(Number(s.balance)).toBeLessThanOrEqual(3000);
          expect(s.accountStatus === 'OVERDUE').toBe(s.overdueDays > 0);
          expect(Number(s.overdueAmount) > 0).toBe(s.overdueDays > 0);
          for (const m of [s.balance, s.overdueAmount]) expect(m).toMatch(/^\d+\.\d{2}$/);
        },
      ),
    );
  });
});
