// The collections queue's rules: buckets, the assignment rule, contact hours and promises to pay.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignAll,
  bucketOf,
  chooseCollector,
  CONTACT_OUTCOME_LABELS,
  CONTACT_OUTCOMES,
  nextContactTime,
  promiseStatus,
  provinceOfIdNumber,
  raisedPriority,
  withinContactHours,
  type Bucket,
  type CollectorLoad,
} from '../../../domain/collection-queue.js';
import { instantOf, localTimeOf } from '../../../domain/business-time.js';

const SH = 'Asia/Shanghai';
const at = (date: string, time: string) => instantOf(date, time, SH);

describe('buckets', () => {
  it('M1 is 1–30 days past due, M2 31–60, M3+ beyond', () => {
    expect([1, 30, 31, 60, 61, 400].map(bucketOf)).toEqual(['M1', 'M1', 'M2', 'M2', 'M3_PLUS', 'M3_PLUS']);
  });
  it('never goes down as days past due grow', () => {
    const order: Bucket[] = ['M1', 'M2', 'M3_PLUS'];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 500 }), (d, more) => {
        expect(order.indexOf(bucketOf(d + more))).toBeGreaterThanOrEqual(order.indexOf(bucketOf(d)));
      }),
    );
  });
});

describe('outcomes', () => {
  it('is a closed list with both names for each', () => {
    expect(Object.keys(CONTACT_OUTCOME_LABELS).sort()).toEqual([...CONTACT_OUTCOMES].sort());
    for (const o of CONTACT_OUTCOMES) {
      expect(CONTACT_OUTCOME_LABELS[o].zh).toMatch(/[\u4e00-\u9fff]/);
      expect(CONTACT_OUTCOME_LABELS[o].en).toMatch(/[a-z]/);
    }
    expect(CONTACT_OUTCOME_LABELS.PROMISE_TO_PAY.zh).toBe('联系上-承诺还款');
  });
});

describe('contact hours (08:00–21:00 local)', () => {
  it('opens at 08:00 and closes at 21:00 in the time zone', () => {
    expect(withinContactHours(at('2026-12-07', '07:59'), SH)).toBe(false);
    expect(withinContactHours(at('2026-12-07', '08:00'), SH)).toBe(true);
    expect(withinContactHours(at('2026-12-07', '20:59'), SH)).toBe(true);
    expect(withinContactHours(at('2026-12-07', '21:00'), SH)).toBe(false);
    // 13:30 UTC is 21:30 in Shanghai but 08:30 in New York.
    const t = Date.UTC(2026, 11, 7, 13, 30);
    expect(withinContactHours(t, SH)).toBe(false);
    expect(withinContactHours(t, 'America/New_York')).toBe(true);
  });

  it('the next contact time is the instant itself inside the hours, else the next 08:00', () => {
    expect(nextContactTime(at('2026-12-07', '10:00'), SH)).toBe(at('2026-12-07', '10:00'));
    expect(nextContactTime(at('2026-12-07', '00:05'), SH)).toBe(at('2026-12-07', '08:00'));
    expect(nextContactTime(at('2026-12-07', '21:00'), SH)).toBe(at('2026-12-08', '08:00'));
    expect(nextContactTime(at('2026-12-31', '23:30'), SH)).toBe(at('2027-01-01', '08:00'));
  });

  it('property: the next contact time is inside the hours, not before the instant and at most 11 hours on', () => {
    const zones = fc.constantFrom('Asia/Shanghai', 'Asia/Urumqi', 'America/New_York', 'Europe/London', 'UTC');
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2060, 0, 1) }), zones, (t, zone) => {
        const next = nextContactTime(t, zone);
        expect(withinContactHours(next, zone)).toBe(true);
        expect(next).toBeGreaterThanOrEqual(t);
        expect(next - t).toBeLessThanOrEqual(12 * 3_600_000);
        if (next > t) expect(localTimeOf(next, zone)).toBe('08:00');
      }),
    );
  });
});

const collector = (userId: string, openCases: number, more: Partial<CollectorLoad> = {}): CollectorLoad => ({
  userId,
  buckets: [],
  provinces: [],
  openCases,
  ...more,
});

describe('assignment rule', () => {
  it('prefers a collector of the borrower’s province, then one who covers every province', () => {
    const team = [
      collector('a', 0),
      collector('b', 9, { provinces: ['44'] }),
      collector('c', 1, { provinces: ['11'] }),
    ];
    expect(chooseCollector({ bucket: 'M1', province: '44' }, team)).toBe('b');
    expect(chooseCollector({ bucket: 'M1', province: '31' }, team)).toBe('a');
    expect(chooseCollector({ bucket: 'M1', province: null }, team)).toBe('a');
  });

  it('only collectors of the case’s bucket; none is null', () => {
    const team = [collector('m1', 0, { buckets: ['M1'] }), collector('late', 5, { buckets: ['M2', 'M3_PLUS'] })];
    expect(chooseCollector({ bucket: 'M3_PLUS', province: null }, team)).toBe('late');
    expect(chooseCollector({ bucket: 'M1', province: null }, team)).toBe('m1');
    expect(chooseCollector({ bucket: 'M2', province: null }, [collector('m1', 0, { buckets: ['M1'] })])).toBeNull();
    expect(chooseCollector({ bucket: 'M1', province: '44' }, [collector('x', 0, { provinces: ['11'] })])).toBeNull();
  });

  it('the fewest open cases wins; a tie goes to the lower user id', () => {
    expect(chooseCollector({ bucket: 'M1', province: null }, [collector('b', 2), collector('a', 3)])).toBe('b');
    expect(chooseCollector({ bucket: 'M1', province: null }, [collector('b', 2), collector('a', 2)])).toBe('a');
  });

  it('property: cases spread over collectors starting level stay within one case of each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 60 }), (size, n) => {
        const team = Array.from({ length: size }, (_, i) => collector(`u${i}`, 0));
        const cases = Array.from({ length: n }, () => ({ bucket: 'M1' as const, province: null }));
        const out = assignAll(cases, team);
        expect(out).toHaveLength(n);
        const counts = team.map((t) => out.filter((o) => o.userId === t.userId).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('property: a chosen collector always works the bucket and, when one exists, covers the province', () => {
    const bucket = fc.constantFrom<Bucket>('M1', 'M2', 'M3_PLUS');
    const province = fc.constantFrom('11', '31', '44', '51');
    const member = fc.record({
      userId: fc.uuid(),
      buckets: fc.subarray<Bucket>(['M1', 'M2', 'M3_PLUS']),
      provinces: fc.subarray(['11', '31', '44', '51']),
      openCases: fc.integer({ min: 0, max: 50 }),
    });
    fc.assert(
      fc.property(bucket, fc.option(province, { nil: null }), fc.array(member, { maxLength: 8 }), (b, p, team) => {
        const chosen = team.find((t) => t.userId === chooseCollector({ bucket: b, province: p }, team));
        const works = team.filter((t) => t.buckets.length === 0 || t.buckets.includes(b));
        const regional = works.filter((t) => p !== null && t.provinces.includes(p));
        if (!chosen) {
          expect(regional).toEqual([]);
          expect(works.filter((t) => t.provinces.length === 0)).toEqual([]);
          return;
        }
        expect(chosen.buckets.length === 0 || chosen.buckets.includes(b)).toBe(true);
        if (regional.length > 0) {
          expect(chosen.provinces).toContain(p);
          expect(chosen.openCases).toBe(Math.min(...regional.map((r) => r.openCases)));
        } else expect(chosen.provinces).toEqual([]);
      }),
    );
  });

  it('reads the province from the resident ID', () => {
    expect(provinceOfIdNumber('440106199001011234')).toBe('44');
    expect(provinceOfIdNumber('')).toBeNull();
  });
});

describe('promises to pay', () => {
  const promise = { promisedOn: '2026-12-10', amount: '500.00' };
  it('is kept once the promised amount came in, even before the date', () => {
    expect(promiseStatus(promise, '500.00', '2026-12-08')).toBe('KEPT');
    expect(promiseStatus(promise, '800.00', '2026-12-20')).toBe('KEPT');
  });
  it('is pending through the promised date and broken the day after, short of the amount', () => {
    expect(promiseStatus(promise, '499.99', '2026-12-10')).toBe('PENDING');
    expect(promiseStatus(promise, '499.99', '2026-12-11')).toBe('BROKEN');
    expect(promiseStatus(promise, '0.00', '2027-06-01')).toBe('BROKEN');
  });
  it('property: broken exactly when short of the amount after the date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: -40, max: 40 }),
        (amountCents, paidCents, offset) => {
          const today = new Date(Date.UTC(2026, 11, 10 + offset)).toISOString().slice(0, 10);
          const status = promiseStatus(
            { promisedOn: '2026-12-10', amount: (amountCents / 100).toFixed(2) },
            (paidCents / 100).toFixed(2),
            today,
          );
          const short = paidCents < amountCents;
          expect(status === 'BROKEN').toBe(short && offset > 0);
          expect(status === 'KEPT').toBe(!short);
        },
      ),
    );
  });
  it('a broken promise raises the priority one step, up to URGENT', () => {
    expect(raisedPriority('NORMAL')).toBe('HIGH');
    expect(raisedPriority('HIGH')).toBe('URGENT');
    expect(raisedPriority('URGENT')).toBe('URGENT');
  });
});
