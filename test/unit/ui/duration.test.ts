import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { durationParts, formatDuration, UNIT_SECONDS } from '../../../ui/assets/duration.js';

const ORDER = ['SECONDS', 'MINUTES', 'HOURS', 'DAYS'] as const;
const LIMIT = { SECONDS: 60, MINUTES: 60, HOURS: 24, DAYS: Infinity } as const;
const anyDuration = fc.double({ min: 0, max: 5e9, noNaN: true, noDefaultInfinity: true });

describe('durations as people read them', () => {
  it('picks seconds, minutes, hours or days by size, in Chinese and English', () => {
    expect(formatDuration(0.4, 'zh')).toBe('0.4 秒');
    expect(formatDuration(42, 'zh')).toBe('42 秒');
    expect(formatDuration(150, 'zh')).toBe('2.5 分钟');
    expect(formatDuration(45 * 60, 'zh')).toBe('45 分钟');
    expect(formatDuration(2.5 * 3600, 'zh')).toBe('2.5 小时');
    expect(formatDuration(3 * 86_400, 'zh')).toBe('3 天');
    expect(formatDuration(40 * 86_400, 'zh')).toBe('40 天');
    expect(formatDuration(150, 'en')).toBe('2.5 min');
    expect(formatDuration(3 * 86_400, 'en')).toBe('3 days');
  });

  it('never says 0 秒 for a duration that is not zero', () => {
    expect(formatDuration(0.0004, 'zh')).toBe('<0.1 秒');
    expect(formatDuration(0.06, 'zh')).toBe('0.1 秒');
    expect(formatDuration(0, 'zh')).toBe('0 秒');
    fc.assert(
      fc.property(
        anyDuration.filter((s) => s > 0),
        (s) => {
          expect(formatDuration(s, 'zh')).not.toMatch(/^0 /);
          expect(durationParts(s)!.value).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('moves to the next unit when rounding reaches it: 1 分钟, never 60 秒', () => {
    expect(formatDuration(59.96, 'zh')).toBe('1 分钟');
    expect(formatDuration(59.4, 'zh')).toBe('59 秒');
    expect(formatDuration(3599, 'zh')).toBe('1 小时');
    expect(formatDuration(23.97 * 3600, 'zh')).toBe('1 天');
    fc.assert(
      fc.property(anyDuration, (s) => {
        const parts = durationParts(s)!;
        expect(parts.value).toBeLessThan(LIMIT[parts.unit]);
      }),
    );
  });

  it('shows a value within half its last digit of the duration', () => {
    fc.assert(
      fc.property(
        anyDuration.filter((s) => s >= 0.05),
        (s) => {
          const { value, unit, lessThan } = durationParts(s)!;
          expect(lessThan).toBe(false);
          const step = value < 10 ? 0.1 : 1;
          expect(Math.abs(value * UNIT_SECONDS[unit] - s)).toBeLessThanOrEqual(
            (step / 2) * UNIT_SECONDS[unit] * 1.000001,
          );
        },
      ),
    );
  });

  it('never picks a smaller unit for a longer duration', () => {
    fc.assert(
      fc.property(anyDuration, anyDuration, (a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        expect(ORDER.indexOf(durationParts(short)!.unit)).toBeLessThanOrEqual(ORDER.indexOf(durationParts(long)!.unit));
      }),
    );
  });

  it('has no duration for nothing, a negative or a non-number', () => {
    for (const s of [null, undefined, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(durationParts(s)).toBeNull();
      expect(formatDuration(s, 'zh')).toBe('—');
    }
  });
});
