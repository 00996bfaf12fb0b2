import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shareOf } from '../../../domain/ratio.js';
import {
  RATE_DEFINITIONS,
  RATES,
  breakdownOf,
  funnelOf,
  ratesOf,
  totalsOf,
  type FunnelCounts,
} from '../../../domain/reports.js';

/** Counts a real cohort could have: each stage within the one before it on its path. */
const cohort: fc.Arbitrary<FunnelCounts> = fc
  .array(fc.nat(40), { minLength: 11, maxLength: 11 })
  .map(
    ([
      applied,
      dc,
      auto,
      autoSigned,
      autoPaid,
      manual,
      manualApproved,
      manualSigned,
      manualPaid,
      rejected,
      manualRejected,
    ]) => {
      const documentsComplete = Math.min(dc!, applied!);
      const autoApproved = Math.min(auto!, documentsComplete);
      const manualReview = Math.min(manual!, documentsComplete - autoApproved);
      const approvedManually = Math.min(manualApproved!, manualReview);
      const refusedManually = Math.min(manualRejected!, manualReview - approvedManually);
      return {
        applied: applied!,
        documentsComplete,
        autoApproved,
        autoSigned: Math.min(autoSigned!, autoApproved),
        autoDisbursed: Math.min(autoPaid!, autoSigned!, autoApproved),
        manualReview,
        manualApproved: approvedManually,
        manualSigned: Math.min(manualSigned!, approvedManually),
        manualDisbursed: Math.min(manualPaid!, manualSigned!, approvedManually),
        autoRejected: Math.min(rejected!, applied! - autoApproved - manualReview),
        manualRejected: refusedManually,
      };
    },
  );

describe('dashboard rates', () => {
  it('has one definition per rate, and every rate is that division, rounded as shareOf', () => {
    expect(Object.keys(RATE_DEFINITIONS)).toEqual([...RATES]);
    fc.assert(
      fc.property(cohort, (counts) => {
        const terms: Record<string, number> = { ...counts, ...totalsOf(counts) };
        for (const figure of ratesOf(counts)) {
          const { numerator, denominator } = RATE_DEFINITIONS[figure.rate];
          expect([figure.numerator, figure.denominator]).toEqual([terms[numerator], terms[denominator]]);
          expect(figure.value).toBe(shareOf(figure.numerator, figure.denominator));
          expect(figure.numerator).toBeLessThanOrEqual(figure.denominator);
        }
      }),
    );
  });

  it('gives the approval rate as approved ÷ (approved + rejected), both paths together', () => {
    const counts = {
      ...{ applied: 160, documentsComplete: 150, autoApproved: 2, autoSigned: 1, autoDisbursed: 1 },
      ...{ manualReview: 100, manualApproved: 1, manualSigned: 0, manualDisbursed: 0 },
      ...{ autoRejected: 57, manualRejected: 100 },
    };
    const approval = ratesOf(counts).find((r) => r.rate === 'APPROVAL_RATE')!;
    expect(approval).toEqual({ rate: 'APPROVAL_RATE', value: '0.0188', numerator: 3, denominator: 160 });
    expect(breakdownOf(counts).approvalRate).toBe(approval.value);
    expect(
      ratesOf({ ...counts, autoApproved: 0, manualApproved: 0, autoRejected: 0, manualRejected: 0 })[0]!.value,
    ).toBeNull();
  });

  it('keeps each stage of the funnel within the one before it on its path', () => {
    fc.assert(
      fc.property(cohort, (counts) => {
        const f = funnelOf(counts);
        expect(f.documentsComplete).toBeLessThanOrEqual(f.applied);
        for (const path of f.paths) {
          let before = f.documentsComplete;
          for (const stage of path.stages) {
            expect(stage.loans).toBeLessThanOrEqual(before);
            before = stage.loans;
          }
        }
        expect(f.paths[0]!.stages[0]!.loans + f.paths[1]!.stages[0]!.loans).toBeLessThanOrEqual(f.documentsComplete);
        expect(f.approved).toBe(f.paths[0]!.stages[0]!.loans + f.paths[1]!.stages[1]!.loans);
        expect(f.decided).toBe(f.approved + f.rejected);
      }),
    );
  });
});
