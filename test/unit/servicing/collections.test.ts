import { describe, expect, it } from 'vitest';
import {
  autoDebitByDefault,
  DEFAULT_LADDER,
  daysPastDue,
  ladderOf,
  nextStep,
  STEP_WORK,
  stepDate,
  stepsDue,
  stepTaskKey,
} from '../../../domain/collections.js';
import { defaultProductFor } from '../../../domain/default-products.js';

describe('escalation ladder', () => {
  it('defaults to D+1 SMS, D+3 call, D+15 supervisor, D+30 legal, D+90 write-off review', () => {
    expect(DEFAULT_LADDER.map((s) => `${s.daysPastDue}:${s.action}`)).toEqual([
      '1:SMS',
      '3:COLLECTOR_CALL',
      '15:SUPERVISOR',
      '30:LEGAL',
      '90:WRITE_OFF_REVIEW',
    ]);
    expect(ladderOf({ escalation: [] })).toEqual(DEFAULT_LADDER);
  });

  it('uses the product’s own ladder, in ascending order', () => {
    const ladder = ladderOf({
      escalation: [
        { daysPastDue: 10, action: 'COLLECTOR_CALL' },
        { daysPastDue: 2, action: 'SMS' },
      ],
    });
    expect(ladder.map((s) => s.daysPastDue)).toEqual([2, 10]);
  });

  it('takes every step passed and not yet taken, so a loan found late skips none', () => {
    expect(stepsDue(DEFAULT_LADDER, 0, []).map((s) => s.action)).toEqual([]);
    expect(stepsDue(DEFAULT_LADDER, 3, []).map((s) => s.action)).toEqual(['SMS', 'COLLECTOR_CALL']);
    expect(stepsDue(DEFAULT_LADDER, 3, [1]).map((s) => s.action)).toEqual(['COLLECTOR_CALL']);
    expect(stepsDue(DEFAULT_LADDER, 120, [1, 3]).map((s) => s.daysPastDue)).toEqual([15, 30, 90]);
    expect(stepsDue(DEFAULT_LADDER, 120, [1, 3, 15, 30, 90])).toEqual([]);
  });

  it('knows the next step and the date it falls on within an episode', () => {
    expect(nextStep(DEFAULT_LADDER, [1, 3])).toEqual({ daysPastDue: 15, action: 'SUPERVISOR' });
    expect(nextStep(DEFAULT_LADDER, [1, 3, 15, 30, 90])).toBeNull();
    expect(stepDate({ daysPastDue: 30, action: 'LEGAL' }, '2026-01-31')).toBe('2026-03-02');
  });

  it('gives collector calls to COLLECTOR, later steps to the risk manager, and SMS to nobody', () => {
    expect(STEP_WORK.SMS.task).toBeNull();
    expect(STEP_WORK.COLLECTOR_CALL.task).toEqual({ kind: 'COLLECTION_CALL', role: 'COLLECTOR' });
    expect(STEP_WORK.WRITE_OFF_REVIEW.task).toEqual({ kind: 'WRITE_OFF_REVIEW', role: 'RISK_MANAGER' });
    expect(stepTaskKey({ daysPastDue: 3, action: 'COLLECTOR_CALL' }, '2026-02-15')).toBe('COLLECTION_CALL:2026-02-15');
  });
});

describe('days past due', () => {
  it('counts from the oldest unpaid due date; zero on the due date and when nothing is unpaid', () => {
    expect(daysPastDue(null, '2026-03-01')).toBe(0);
    expect(daysPastDue('2026-03-01', '2026-03-01')).toBe(0);
    expect(daysPastDue('2026-03-01', '2026-03-02')).toBe(1);
    expect(daysPastDue('2026-01-31', '2026-05-31')).toBe(120);
  });
});

describe('auto-debit default', () => {
  it('is on unless the product turns it off', () => {
    const product = defaultProductFor('PERSONAL_CONSUMER');
    expect(autoDebitByDefault(product)).toBe(true);
    expect(autoDebitByDefault({ ...product, autoDebit: false } as typeof product)).toBe(false);
  });
});
