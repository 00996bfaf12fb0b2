import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classRank, effectiveClass, type OverrideTarget } from '../../../domain/classification.js';
import { LOAN_CLASSES, type LoanClass } from '../../../domain/types.js';

const aClass = fc.constantFrom<LoanClass>(...LOAN_CLASSES);
const aTarget = fc.constantFrom<OverrideTarget>(...LOAN_CLASSES, 'COMPUTED');

describe('classification override 五级分类调整: the class that holds', () => {
  it('without an override, or after a lift, the computed class holds', () => {
    for (const c of LOAN_CLASSES) {
      expect(effectiveClass(c, null)).toBe(c);
      expect(effectiveClass(c, 'COMPUTED')).toBe(c);
    }
  });

  it('the approved class holds over a computed class that is not worse', () => {
    expect(effectiveClass('NORMAL', 'SUBSTANDARD')).toBe('SUBSTANDARD');
    expect(effectiveClass('SPECIAL_MENTION', 'DOUBTFUL')).toBe('DOUBTFUL');
    expect(effectiveClass('SUBSTANDARD', 'SUBSTANDARD')).toBe('SUBSTANDARD');
    expect(effectiveClass('NORMAL', 'LOSS')).toBe('LOSS');
  });

  it('a worse computed class applies over the approved class', () => {
    expect(effectiveClass('DOUBTFUL', 'SUBSTANDARD')).toBe('DOUBTFUL');
    expect(effectiveClass('LOSS', 'SPECIAL_MENTION')).toBe('LOSS');
    expect(effectiveClass('SPECIAL_MENTION', 'NORMAL')).toBe('SPECIAL_MENTION');
  });

  it('ranks the classes NORMAL < SPECIAL_MENTION < SUBSTANDARD < DOUBTFUL < LOSS', () => {
    expect(LOAN_CLASSES.map(classRank)).toEqual([0, 1, 2, 3, 4]);
  });

  it('property: the class that holds is never better than the computed class', () => {
    fc.assert(
      fc.property(aClass, aTarget, (computed, target) => {
        expect(classRank(effectiveClass(computed, target))).toBeGreaterThanOrEqual(classRank(computed));
      }),
    );
  });

  it('property: it is the computed class or the approved one, whichever is worse', () => {
    fc.assert(
      fc.property(aClass, aClass, (computed, target) => {
        const held = effectiveClass(computed, target);
        expect([computed, target]).toContain(held);
        expect(classRank(held)).toBe(Math.max(classRank(computed), classRank(target)));
      }),
    );
  });

  it('property: as the computed class worsens, the class that holds never improves', () => {
    fc.assert(
      fc.property(aClass, aClass, aTarget, (a, b, target) => {
        const [better, worse] = classRank(a) <= classRank(b) ? [a, b] : [b, a];
        expect(classRank(effectiveClass(worse, target))).toBeGreaterThanOrEqual(
          classRank(effectiveClass(better, target)),
        );
      }),
    );
  });
});
