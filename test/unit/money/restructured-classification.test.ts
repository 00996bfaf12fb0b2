// 《商业银行金融资产风险分类办法》(2023): restructured loans during the observation period.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyRestructured,
  countsAsRestructuring,
  latestRestructuring,
  observationOf,
  worseClass,
  type RestructuringRecord,
} from '../../../domain/classification.js';
import { addDays } from '../../../domain/dates.js';
import { LOAN_CLASSES } from '../../../domain/types.js';

const mark = { on: '2026-03-01', classBefore: 'NORMAL' as const };

describe('restructured loans', () => {
  it('are at least 关注 for a year from the restructuring, then by days past due again', () => {
    expect(classifyRestructured('NORMAL', mark, [], '2026-03-01')).toBe('SPECIAL_MENTION');
    expect(classifyRestructured('NORMAL', mark, [], '2027-02-28')).toBe('SPECIAL_MENTION');
    expect(classifyRestructured('NORMAL', mark, [], '2027-03-01')).toBe('NORMAL');
    expect(classifyRestructured('DOUBTFUL', mark, [], '2026-06-01')).toBe('DOUBTFUL');
  });

  it('are never better than before the restructuring during observation', () => {
    expect(classifyRestructured('NORMAL', { ...mark, classBefore: 'DOUBTFUL' }, [], '2026-04-01')).toBe('DOUBTFUL');
  });

  it('overdue in the observation period: at least 次级, and the period starts again from the miss', () => {
    const dues = [{ dueDate: '2026-12-15', paidOn: '2026-12-20' }];
    expect(classifyRestructured('NORMAL', mark, dues, '2026-12-15')).toBe('SPECIAL_MENTION');
    expect(classifyRestructured('NORMAL', mark, dues, '2026-12-16')).toBe('SUBSTANDARD');
    // Paid on the 20th: still 次级 until a year after the miss (2026-12-16), not after the restructuring.
    expect(classifyRestructured('NORMAL', mark, dues, '2027-06-01')).toBe('SUBSTANDARD');
    expect(observationOf(mark, dues, '2027-06-01')).toEqual({ endsOn: '2027-12-16', missed: true });
    expect(classifyRestructured('NORMAL', mark, dues, '2027-12-16')).toBe('NORMAL');
  });

  it('arrears left unpaid after the restructuring day are a miss; paid that day they are not', () => {
    expect(classifyRestructured('NORMAL', mark, [{ dueDate: '2026-01-15', paidOn: '2026-03-01' }], '2026-04-01')).toBe(
      'SPECIAL_MENTION',
    );
    expect(classifyRestructured('NORMAL', mark, [{ dueDate: '2026-01-15', paidOn: null }], '2026-03-02')).toBe(
      'SUBSTANDARD',
    );
  });

  it('a payment late after the observation period ended does not bring it back', () => {
    expect(classifyRestructured('SPECIAL_MENTION', mark, [{ dueDate: '2027-04-15', paidOn: null }], '2027-04-20')).toBe(
      'SPECIAL_MENTION',
    );
  });

  it('an extension counts as restructuring only when the borrower is in difficulty', () => {
    expect(countsAsRestructuring('EXTENSION', false)).toBe(false);
    expect(countsAsRestructuring('EXTENSION', true)).toBe(true);
    expect(countsAsRestructuring('RESTRUCTURING', false)).toBe(true);
    const ext: RestructuringRecord = {
      ...mark,
      kind: 'EXTENSION',
      countsAsRestructuring: false,
      originalMaturity: '2027-01-15',
      firstNumber: 3,
    };
    expect(latestRestructuring([ext])).toBeNull();
    expect(latestRestructuring([{ ...ext, countsAsRestructuring: true }, ext])?.countsAsRestructuring).toBe(true);
  });

  it('is never better than the class by days past due, nor better than 关注 within a year (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LOAN_CLASSES),
        fc.constantFrom(...LOAN_CLASSES),
        fc.integer({ min: 0, max: 900 }),
        fc.array(
          fc.record({ due: fc.integer({ min: -60, max: 800 }), late: fc.option(fc.integer({ min: 0, max: 90 })) }),
        ),
        (base, before, day, rows) => {
          const today = addDays(mark.on, day);
          const dues = rows.map((r) => ({
            dueDate: addDays(mark.on, r.due),
            paidOn: r.late === null ? null : addDays(mark.on, r.due + r.late),
          }));
          const got = classifyRestructured(base, { ...mark, classBefore: before }, dues, today);
          expect(worseClass(got, base)).toBe(got);
          if (day < 365) expect(worseClass(got, worseClass('SPECIAL_MENTION', before))).toBe(got);
        },
      ),
      { seed: 7 },
    );
  });
});
