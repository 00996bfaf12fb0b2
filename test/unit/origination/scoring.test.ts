import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradeForScore } from '../../../domain/credit-grade.js';
import { internalHistoryOf } from '../../../domain/internal-history.js';
import { assessCredit, BASE_SCORE, type CreditAssessment } from '../../../domain/scoring.js';
import type { BureauReport, StatementSummary } from '../../../domain/types.js';
import {
  APPLICANT_ID,
  assessmentInput,
  blacklistedBureau,
  cleanBureau,
  delinquentBureau,
  newCustomer,
  steadyStatement,
  thinBureau,
  TODAY,
} from './fixtures.js';

const warningCodes = (a: CreditAssessment) => a.warnings.map((w) => w.code);
const factor = (a: CreditAssessment, code: string) => a.factors.find((f) => f.code === code);
const sumsToScore = (a: CreditAssessment) => a.factors.reduce((s, f) => s + f.contribution, BASE_SCORE) === a.score;

describe('assessCredit: profiles', () => {
  const clean = assessCredit(assessmentInput('PERSONAL_CONSUMER'));
  const thin = assessCredit(assessmentInput('PERSONAL_CONSUMER', { bureau: thinBureau() }));
  const delinquent = assessCredit(assessmentInput('PERSONAL_CONSUMER', { bureau: delinquentBureau() }));
  const blacklisted = assessCredit(assessmentInput('PERSONAL_CONSUMER', { bureau: blacklistedBureau() }));

  it('orders clean > thin file > delinquent > blacklisted', () => {
    expect(clean.score).toBeGreaterThan(thin.score);
    expect(thin.score).toBeGreaterThan(delinquent.score);
    expect(delinquent.score).toBeGreaterThan(blacklisted.score);
    expect(clean.grade).toBe('A');
    expect(['B', 'C']).toContain(thin.grade);
    expect(blacklisted.grade).toBe('E');
  });

  it('contributions plus the base equal the score', () => {
    for (const a of [clean, thin, delinquent, blacklisted]) {
      expect(sumsToScore(a)).toBe(true);
      expect(Number.isInteger(a.score)).toBe(true);
      expect(a.grade).toBe(gradeForScore(a.score));
    }
  });

  it('warns as each profile deserves', () => {
    expect(clean.warnings).toEqual([]);
    expect(warningCodes(thin)).toEqual(['THIN_FILE']);
    expect(warningCodes(delinquent)).toEqual(expect.arrayContaining(['BUREAU_CURRENT_OVERDUE', 'MULTI_LENDING']));
    expect(delinquent.warnings.find((w) => w.code === 'BUREAU_CURRENT_OVERDUE')?.severity).toBe('HIGH');
    expect(blacklisted.warnings).toContainEqual(expect.objectContaining({ code: 'BLACKLISTED', severity: 'HIGH' }));
    expect(blacklisted.signals.blacklisted).toBe(true);
    expect(delinquent.signals.bureauCurrentOverdue).toBe('3200.00');
    expect(thin.signals.thinFile).toBe(true);
  });

  it('explains every factor in both languages', () => {
    for (const f of [...clean.factors, ...delinquent.factors, ...thin.factors]) {
      expect(f.label.zh && f.label.en && f.detail.zh && f.detail.en).toBeTruthy();
    }
    expect(factor(clean, 'REPAYMENT_CAPACITY')?.detail.zh).toContain('负债收入比');
  });

  it('is deterministic', () => {
    expect(assessCredit(assessmentInput('PERSONAL_CONSUMER'))).toEqual(clean);
  });

  it('offers nothing to blacklisted or currently overdue applicants', () => {
    expect(blacklisted.recommendedLimit).toBe('0.00');
    expect(delinquent.recommendedLimit).toBe('0.00');
  });

  it('prices better grades lower within the product range', () => {
    expect(clean.rateBand).toEqual({ min: '0.0720', max: '0.0990' });
    expect(blacklisted.rateBand).toEqual({ min: '0.1800', max: '0.1800' });
    expect(Number(thin.rateBand.min)).toBeGreaterThanOrEqual(Number(clean.rateBand.max));
  });
});

describe('assessCredit: repayment capacity', () => {
  // Declared 10,000 and a 12-month statement of 10,000 inflow: assessed income is 10,000.
  const capacity = (newInstallment: string) =>
    assessCredit(
      assessmentInput(
        'PERSONAL_CONSUMER',
        {
          bureau: cleanBureau({ monthlyDebtPayments: '1500.00' }),
          statement: steadyStatement({ averageMonthlyInflow: '10000.00' }),
          newInstallment,
        },
        { applicant: { name: '王小明', idNumber: APPLICANT_ID, phone: '13800138000', monthlyIncome: '10000.00' } },
      ),
    );

  it('counts the new installment in DTI and warns only above 50%', () => {
    const atLimit = capacity('3500.00');
    expect(atLimit.dti).toBe('0.5000');
    expect(warningCodes(atLimit)).not.toContain('HIGH_DTI');
    const above = capacity('3500.01');
    expect(above.dti).toBe('0.5000');
    expect(above.warnings).toContainEqual(expect.objectContaining({ code: 'HIGH_DTI', severity: 'HIGH' }));
    expect(factor(above, 'REPAYMENT_CAPACITY')!.contribution).toBeLessThan(
      factor(atLimit, 'REPAYMENT_CAPACITY')!.contribution,
    );
    expect(capacity('500.00').dti).toBe('0.2000');
  });

  it('does not take declared income far above the statement at face value', () => {
    const a = assessCredit(
      assessmentInput(
        'PERSONAL_CONSUMER',
        { statement: steadyStatement({ averageMonthlyInflow: '8000.00' }) },
        {
          applicant: { name: '王小明', idNumber: APPLICANT_ID, phone: '13800138000', monthlyIncome: '50000.00' },
        },
      ),
    );
    expect(a.signals.assessedMonthlyIncome).toBe('12000.00');
    expect(warningCodes(a)).toContain('INCOME_NOT_SUPPORTED');
  });

  it('uses the statement when it shows more than was declared, with a haircut', () => {
    const a = assessCredit(
      assessmentInput(
        'PERSONAL_CONSUMER',
        { statement: steadyStatement({ averageMonthlyInflow: '30000.00' }) },
        {
          applicant: { name: '王小明', idNumber: APPLICANT_ID, phone: '13800138000', monthlyIncome: '5000.00' },
        },
      ),
    );
    expect(a.signals.assessedMonthlyIncome).toBe('24000.00');
  });

  it('discounts declared income when there is no usable statement', () => {
    const a = assessCredit(assessmentInput('PERSONAL_CONSUMER', { statement: steadyStatement({ monthsCovered: 2 }) }));
    expect(a.signals.assessedMonthlyIncome).toBe('10500.00');
    expect(warningCodes(a)).toContain('SHORT_STATEMENT');
  });

  it('treats no income at all as the highest DTI', () => {
    const a = assessCredit(
      assessmentInput(
        'PERSONAL_CONSUMER',
        { statement: steadyStatement({ monthsCovered: 0, averageMonthlyInflow: '0.00' }) },
        {
          applicant: { name: '王小明', idNumber: APPLICANT_ID, phone: '13800138000', monthlyIncome: '0.01' },
        },
      ),
    );
    expect(a.dti).toBe('9.9999');
    expect(a.recommendedLimit).toBe('0.00');
  });
});

describe('assessCredit: other warnings', () => {
  it('flags 多头借贷 from six enquiries in three months', () => {
    const five = assessCredit(assessmentInput('CREDIT', { bureau: cleanBureau({ queriesLast3Months: 5 }) }));
    const six = assessCredit(assessmentInput('CREDIT', { bureau: cleanBureau({ queriesLast3Months: 6 }) }));
    const ten = assessCredit(assessmentInput('CREDIT', { bureau: cleanBureau({ queriesLast3Months: 10 }) }));
    expect(warningCodes(five)).not.toContain('MULTI_LENDING');
    expect(six.warnings).toContainEqual(expect.objectContaining({ code: 'MULTI_LENDING', severity: 'MEDIUM' }));
    expect(six.warnings[0]!.message.zh).toContain('多头借贷');
    expect(ten.warnings).toContainEqual(expect.objectContaining({ code: 'MULTI_LENDING', severity: 'HIGH' }));
  });

  it('penalizes bounced payments and our own bad history', () => {
    const bounced = assessCredit(assessmentInput('CREDIT', { statement: steadyStatement({ bouncedPayments: 3 }) }));
    expect(factor(bounced, 'BOUNCED_PAYMENTS')!.contribution).toBe(-75);
    expect(bounced.warnings).toContainEqual(expect.objectContaining({ code: 'BOUNCED_PAYMENTS', severity: 'MEDIUM' }));

    const repeat = assessCredit(assessmentInput('CREDIT', { history: newCustomer({ loansRepaid: 2 }) }));
    const overdue = assessCredit(
      assessmentInput('CREDIT', {
        history: newCustomer({ loansRepaid: 2, currentlyOverdue: true, maxDaysPastDue: 12 }),
      }),
    );
    const writtenOff = assessCredit(
      assessmentInput('CREDIT', { history: newCustomer({ loansWrittenOff: 1, maxDaysPastDue: 200 }) }),
    );
    expect(factor(repeat, 'REPEAT_CUSTOMER')!.contribution).toBe(30);
    expect(overdue.signals.internalCurrentlyOverdue).toBe(true);
    expect(warningCodes(overdue)).toContain('INTERNAL_OVERDUE');
    expect(warningCodes(writtenOff)).toContain('PRIOR_WRITE_OFF');
    expect(repeat.score).toBeGreaterThan(overdue.score);
    expect(repeat.score).toBeGreaterThan(writtenOff.score);
  });

  it('costs nothing for a prior loan paid within grace; lateness beyond grace counts from the due date', () => {
    // A loan of the default consumer product (3 grace days) paid off; its worst lateness as recorded.
    const priorLoan = (maxDaysPastDue: number) =>
      internalHistoryOf([{ status: 'PAID_OFF', daysPastDue: 0, maxDaysPastDue, graceDays: 3 }]);
    const onTime = assessCredit(assessmentInput('CREDIT', { history: priorLoan(0) }));
    // Recorded before the grace rule: 3 days within grace were counted as days past due.
    const withinGrace = assessCredit(assessmentInput('CREDIT', { history: priorLoan(3) }));
    const afterGrace = assessCredit(assessmentInput('CREDIT', { history: priorLoan(5) }));

    expect(priorLoan(3)).toEqual(newCustomer({ loansRepaid: 1 }));
    expect(withinGrace.score).toBe(onTime.score);
    expect(factor(withinGrace, 'INTERNAL_LATE_PAYMENTS')).toBeUndefined();
    expect(factor(withinGrace, 'REPEAT_CUSTOMER')!.contribution).toBe(15);
    expect(factor(afterGrace, 'INTERNAL_LATE_PAYMENTS')!.contribution).toBe(-20);
    expect(factor(afterGrace, 'INTERNAL_LATE_PAYMENTS')!.detail.en).toBe('Longest delay with us: 5 days');
    expect(factor(afterGrace, 'REPEAT_CUSTOMER')).toBeUndefined();
  });

  it('counts a loan overdue now only once its grace has passed', () => {
    const loan = (daysPastDue: number) =>
      internalHistoryOf([{ status: 'OVERDUE', daysPastDue, maxDaysPastDue: daysPastDue, graceDays: 3 }]);
    expect(loan(2)).toMatchObject({ currentlyOverdue: false, maxDaysPastDue: 0, activeLoans: 1 });
    expect(loan(4)).toMatchObject({ currentlyOverdue: true, maxDaysPastDue: 4, activeLoans: 1 });
    expect(
      internalHistoryOf([
        { status: 'WRITTEN_OFF', daysPastDue: 0, maxDaysPastDue: 120, graceDays: 3 },
        { status: 'ACTIVE', daysPastDue: 0, maxDaysPastDue: 0, graceDays: 0 },
      ]),
    ).toEqual({ loansRepaid: 0, loansWrittenOff: 1, maxDaysPastDue: 120, currentlyOverdue: false, activeLoans: 1 });
  });

  it('notes a bureau report older than 30 days', () => {
    const stale = assessCredit(
      assessmentInput('CREDIT', { bureau: cleanBureau({ reportedAt: '2026-05-01T00:00:00Z' }) }),
    );
    expect(stale.warnings).toContainEqual(expect.objectContaining({ code: 'STALE_BUREAU_REPORT', severity: 'LOW' }));
  });
});

describe('assessCredit: loan-type factors', () => {
  it('business: industry risk tier and revenue scale', () => {
    const retail = assessCredit(assessmentInput('INDIVIDUAL_BUSINESS'));
    const catering = assessCredit(
      assessmentInput(
        'INDIVIDUAL_BUSINESS',
        {},
        { business: { licenseNumber: '92110105MA01ABCD23', industry: 'CATERING', monthlyRevenue: '30000.00' } },
      ),
    );
    expect(factor(retail, 'INDUSTRY_RISK')!.contribution).toBe(0);
    expect(factor(catering, 'INDUSTRY_RISK')!.contribution).toBe(-40);
    expect(factor(catering, 'INDUSTRY_RISK')!.detail.zh).toContain('餐饮');
    expect(factor(retail, 'BUSINESS_SCALE')!.contribution).toBe(30);
    const big = assessCredit(
      assessmentInput(
        'INDIVIDUAL_BUSINESS',
        {},
        {
          amount: '500000.00',
          business: { licenseNumber: '92110105MA01ABCD23', industry: 'SERVICES', monthlyRevenue: '30000.00' },
        },
      ),
    );
    expect(factor(big, 'BUSINESS_SCALE')!.contribution).toBe(-60);
    expect(warningCodes(big)).toContain('LOAN_EXCEEDS_REVENUE');
  });

  it('farmer: land scale, cooperative, and seasonality instead of plain stability', () => {
    const steady = assessCredit(
      assessmentInput('FARMER', { statement: steadyStatement({ inflowVariability: '0.3' }) }),
    );
    const seasonal = assessCredit(
      assessmentInput('FARMER', { statement: steadyStatement({ inflowVariability: '1.2' }) }),
    );
    expect(factor(steady, 'FARM_SCALE')!.contribution).toBe(15);
    expect(factor(steady, 'COOPERATIVE_MEMBER')!.contribution).toBe(15);
    expect(factor(steady, 'INCOME_STABILITY')).toBeUndefined();
    expect(factor(steady, 'SEASONALITY')!.contribution).toBe(10);
    expect(factor(seasonal, 'SEASONALITY')!.contribution).toBe(-30);
    expect(factor(seasonal, 'SCHEDULE_VS_SEASONALITY')!.contribution).toBe(-15);
    expect(warningCodes(seasonal)).toContain('SEASONAL_INCOME');
    const bullet = assessCredit(
      assessmentInput('FARMER', { statement: steadyStatement({ inflowVariability: '1.2' }) }, { method: 'BULLET' }),
    );
    expect(factor(bullet, 'SCHEDULE_VS_SEASONALITY')).toBeUndefined();
  });

  it('collateral: LTV counts existing liens and warns above the product maximum', () => {
    const low = assessCredit(assessmentInput('COLLATERAL'));
    expect(low.signals.ltv).toBe('0.2500');
    expect(factor(low, 'LOAN_TO_VALUE')!.contribution).toBe(80);
    const high = assessCredit(
      assessmentInput(
        'COLLATERAL',
        {},
        {
          collateral: {
            type: 'REAL_ESTATE',
            description: '某房产',
            appraisedValue: '800000.00',
            existingLiens: '500000.00',
          },
        },
      ),
    );
    expect(high.signals.ltv).toBe('0.8750');
    expect(high.warnings).toContainEqual(expect.objectContaining({ code: 'HIGH_LTV', severity: 'HIGH' }));
    // room under 70% LTV: 560,000 − 500,000 = 60,000, above the product minimum of 50,000
    expect(Number(high.recommendedLimit)).toBeLessThanOrEqual(60000);
  });

  it('guaranteed: the guarantor’s own bureau and income count', () => {
    const strong = assessCredit(assessmentInput('GUARANTEED', { guarantorBureau: cleanBureau({ score: 780 }) }));
    const none = assessCredit(assessmentInput('GUARANTEED'));
    const blacklisted = assessCredit(assessmentInput('GUARANTEED', { guarantorBureau: blacklistedBureau() }));
    expect(factor(strong, 'GUARANTOR_CREDIT')!.contribution).toBe(54);
    expect(factor(strong, 'GUARANTOR_CAPACITY')!.contribution).toBe(40);
    expect(warningCodes(none)).toContain('GUARANTOR_NOT_ASSESSED');
    expect(blacklisted.warnings).toContainEqual(
      expect.objectContaining({ code: 'GUARANTOR_BLACKLISTED', severity: 'HIGH' }),
    );
    expect(strong.score).toBeGreaterThan(none.score);
    expect(none.score).toBeGreaterThan(blacklisted.score);
    const weak = assessCredit(
      assessmentInput('GUARANTEED', { guarantorBureau: cleanBureau({ monthlyDebtPayments: '9500.00' }) }),
    );
    expect(warningCodes(weak)).toContain('GUARANTOR_WEAK_CAPACITY');
  });
});

describe('assessCredit: properties', () => {
  const money = (max: number) => fc.integer({ min: 0, max: max * 100 }).map((c) => (c / 100).toFixed(2));
  const bureau: fc.Arbitrary<BureauReport> = fc.record({
    idNumberHash: fc.constant('h'),
    profile: fc.constantFrom('CLEAN', 'THIN_FILE', 'DELINQUENT', 'BLACKLISTED'),
    score: fc.option(fc.integer({ min: 300, max: 850 }), { nil: null }),
    blacklisted: fc.boolean(),
    currentOverdueAmount: fc.oneof(fc.constant('0.00'), money(50000)),
    maxOverdueDaysLast24Months: fc.integer({ min: 0, max: 400 }),
    openLoans: fc.integer({ min: 0, max: 12 }),
    monthlyDebtPayments: money(40000),
    queriesLast3Months: fc.integer({ min: 0, max: 20 }),
    creditHistoryMonths: fc.integer({ min: 0, max: 300 }),
    reportedAt: fc.constant(`${TODAY}T00:00:00Z`),
  });
  const statement: fc.Arbitrary<StatementSummary> = fc.record({
    monthsCovered: fc.integer({ min: 0, max: 24 }),
    averageMonthlyInflow: money(200000),
    averageMonthlyOutflow: money(200000),
    inflowVariability: fc.integer({ min: 0, max: 300 }).map((n) => (n / 100).toFixed(2)),
    bouncedPayments: fc.integer({ min: 0, max: 10 }),
  });
  const history = fc.record({
    loansRepaid: fc.integer({ min: 0, max: 10 }),
    loansWrittenOff: fc.integer({ min: 0, max: 2 }),
    maxDaysPastDue: fc.integer({ min: 0, max: 400 }),
    currentlyOverdue: fc.boolean(),
    activeLoans: fc.integer({ min: 0, max: 4 }),
  });
  const loanType = fc.constantFrom(
    'PERSONAL_CONSUMER',
    'INDIVIDUAL_BUSINESS',
    'FARMER',
    'CREDIT',
    'COLLATERAL',
    'GUARANTEED' as const,
  );

  it('score is an integer in 0–1000 equal to base plus contributions; limit and band stay within the product', () => {
    fc.assert(
      fc.property(
        loanType,
        bureau,
        statement,
        history,
        money(30000),
        fc.option(bureau, { nil: undefined }),
        (type, b, s, h, installment, gb) => {
          const input = assessmentInput(type, {
            bureau: b,
            statement: s,
            history: h,
            newInstallment: installment,
            guarantorBureau: gb,
          });
          const a = assessCredit(input);
          expect(Number.isInteger(a.score)).toBe(true);
          expect(a.score).toBeGreaterThanOrEqual(0);
          expect(a.score).toBeLessThanOrEqual(1000);
          expect(sumsToScore(a)).toBe(true);
          expect(a.grade).toBe(gradeForScore(a.score));
          const limit = Number(a.recommendedLimit);
          expect(
            limit === 0 || (limit >= Number(input.product.minAmount) && limit <= Number(input.product.maxAmount)),
          ).toBe(true);
          expect(limit % 100).toBe(0);
          expect(Number(a.rateBand.min)).toBeGreaterThanOrEqual(Number(input.product.minRate));
          expect(Number(a.rateBand.max)).toBeLessThanOrEqual(Number(input.product.maxRate));
          expect(a.recommendedLimit).toMatch(/^\d+\.\d{2}$/);
          expect(a.dti).toMatch(/^\d+\.\d{4}$/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a blacklist hit never raises the score', () => {
    fc.assert(
      fc.property(bureau, statement, history, (b, s, h) => {
        const off = assessCredit(
          assessmentInput('CREDIT', { bureau: { ...b, blacklisted: false }, statement: s, history: h }),
        );
        const on = assessCredit(
          assessmentInput('CREDIT', { bureau: { ...b, blacklisted: true }, statement: s, history: h }),
        );
        expect(on.score).toBeLessThanOrEqual(off.score);
      }),
      { numRuns: 200 },
    );
  });
});
