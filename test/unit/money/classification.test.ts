import { describe, expect, it } from 'vitest';
import { classifyByDaysPastDue, validateClassificationThresholds } from '../../../domain/classification.js';
import { DomainError } from '../../../domain/errors.js';

describe('five-category classification 五级分类', () => {
  it('default boundaries 0 / 1–90 / 91–270 / 271–360 / >360', () => {
    const cases: [number, string][] = [
      [0, 'NORMAL'],
      [1, 'SPECIAL_MENTION'],
      [90, 'SPECIAL_MENTION'],
      [91, 'SUBSTANDARD'],
      [270, 'SUBSTANDARD'],
      [271, 'DOUBTFUL'],
      [360, 'DOUBTFUL'],
      [361, 'LOSS'],
      [5000, 'LOSS'],
    ];
    for (const [days, cls] of cases) expect(classifyByDaysPastDue(days), `${days} days`).toBe(cls);
  });

  it('configurable thresholds', () => {
    const t = { specialMentionFrom: 31, substandardFrom: 61, doubtfulFrom: 181, lossFrom: 366 };
    expect(classifyByDaysPastDue(30, t)).toBe('NORMAL');
    expect(classifyByDaysPastDue(31, t)).toBe('SPECIAL_MENTION');
    expect(classifyByDaysPastDue(61, t)).toBe('SUBSTANDARD');
    expect(classifyByDaysPastDue(365, t)).toBe('DOUBTFUL');
    expect(classifyByDaysPastDue(366, t)).toBe('LOSS');
  });

  it('validates thresholds: positive whole days, strictly increasing', () => {
    expect(
      validateClassificationThresholds({ specialMentionFrom: 1, substandardFrom: 91, doubtfulFrom: 271, lossFrom: 361 })
        .ok,
    ).toBe(true);
    const bad = validateClassificationThresholds({
      specialMentionFrom: 0,
      substandardFrom: 91,
      doubtfulFrom: 91,
      lossFrom: 1.5,
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems.map((p) => `${p.field}:${p.code}`)).toEqual([
        'classification.specialMentionFrom:NOT_A_POSITIVE_INTEGER',
        'classification.doubtfulFrom:NOT_INCREASING',
        'classification.lossFrom:NOT_A_POSITIVE_INTEGER',
      ]);
    }
    expect(validateClassificationThresholds('x').ok).toBe(false);
  });

  it('refuses negative or fractional days', () => {
    expect(() => classifyByDaysPastDue(-1)).toThrow(DomainError);
    expect(() => classifyByDaysPastDue(1.5)).toThrow(DomainError);
  });
});
