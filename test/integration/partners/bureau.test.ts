import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { PartnerError } from '../../../partners/http.js';
import { bureauProfileOf, idNumberHash, PROFILE_BY_SEQUENCE_DIGIT } from '../../../simulators/bureau/profiles.js';
import { startPartnersHarness, type PartnersHarness } from '../../setup/partners-harness.js';

let h: PartnersHarness;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A valid 18-digit ID born 1990-01-0`day` whose 17th digit (and so the profile) is `digit`. */
function idWithProfileDigit(digit: number, day = 1): string {
  const first17 = `1101011990010${day}` + `12${digit}`;
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i]!, 0);
  return first17 + '10X98765432'[sum % 11];
}

const consent = { name: '王五', consentId: 'consent-123', purpose: 'LOAN_APPLICATION' };

beforeAll(async () => {
  h = await startPartnersHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('credit reports', () => {
  it('maps the last digit of the sequence code to the documented profile', () => {
    expect(PROFILE_BY_SEQUENCE_DIGIT).toEqual([
      'CLEAN',
      'CLEAN',
      'CLEAN',
      'CLEAN',
      'CLEAN',
      'CLEAN',
      'THIN_FILE',
      'DELINQUENT',
      'MULTI_LENDER',
      'BLACKLISTED',
    ]);
    expect(bureauProfileOf('11010119900101123X')).toBe('CLEAN');
    for (let digit = 0; digit <= 9; digit += 1)
      expect(bureauProfileOf(idWithProfileDigit(digit))).toBe(PROFILE_BY_SEQUENCE_DIGIT[digit]);
  });

  it.each([0, 1, 2, 3, 4, 5])('sequence digit %i is a CLEAN file with a good score', async (digit) => {
    const report = await h.bureau.fetchReport({ ...consent, idNumber: idWithProfileDigit(digit) });
    expect(report.profile).toBe('CLEAN');
    expect(report.score).toBeGreaterThanOrEqual(700);
    expect(report.score).toBeLessThanOrEqual(800);
    expect(report).toMatchObject({ blacklisted: false, currentOverdueAmount: '0.00', maxOverdueDaysLast24Months: 0 });
    expect(report.queriesLast3Months).toBeLessThanOrEqual(2);
    expect(report.creditHistoryMonths).toBeGreaterThanOrEqual(24);
  });

  it('digit 6 is a THIN_FILE without a score', async () => {
    const report = await h.bureau.fetchReport({ ...consent, idNumber: idWithProfileDigit(6) });
    expect(report).toMatchObject({
      profile: 'THIN_FILE',
      score: null,
      blacklisted: false,
      openLoans: 0,
      monthlyDebtPayments: '0.00',
    });
    expect(report.creditHistoryMonths).toBeLessThanOrEqual(3);
  });

  it('digit 7 is DELINQUENT: overdue now, 60+ days at worst', async () => {
    const report = await h.bureau.fetchReport({ ...consent, idNumber: idWithProfileDigit(7) });
    expect(report.profile).toBe('DELINQUENT');
    expect(new Decimal(report.currentOverdueAmount).gt(0)).toBe(true);
    expect(report.maxOverdueDaysLast24Months).toBeGreaterThanOrEqual(60);
    expect(report.blacklisted).toBe(false);
  });

  it('digit 8 is MULTI_LENDER: 8 or more enquiries in three months', async () => {
    const report = await h.bureau.fetchReport({ ...consent, idNumber: idWithProfileDigit(8) });
    expect(report.profile).toBe('MULTI_LENDER');
    expect(report.queriesLast3Months).toBeGreaterThanOrEqual(8);
    expect(report.openLoans).toBeGreaterThanOrEqual(4);
  });

  it('digit 9 is BLACKLISTED', async () => {
    const report = await h.bureau.fetchReport({ ...consent, idNumber: idWithProfileDigit(9) });
    expect(report).toMatchObject({ profile: 'BLACKLISTED', blacklisted: true });
    expect(report.score).toBeLessThanOrEqual(400);
  });

  it('is fully deterministic: same ID, same report (but for reportedAt); another ID of the profile, other numbers', async () => {
    const idNumber = idWithProfileDigit(3);
    const { reportedAt: _a, ...first } = await h.bureau.fetchReport({ ...consent, idNumber });
    const { reportedAt: _b, ...second } = await h.bureau.fetchReport({
      ...consent,
      idNumber,
      consentId: 'consent-456',
    });
    expect(second).toEqual(first);
    expect(first.idNumberHash).toBe(idNumberHash(idNumber));
    expect(JSON.stringify(first)).not.toContain(idNumber);

    const others = await Promise.all(
      [2, 3, 4, 5, 6].map((day) => h.bureau.fetchReport({ ...consent, idNumber: idWithProfileDigit(3, day) })),
    );
    expect(new Set(others.map((r) => r.score)).size).toBeGreaterThan(1);
  });

  it('refuses without consent, as a non-retryable BAD_REQUEST, and records nothing', async () => {
    const idNumber = idWithProfileDigit(1, 9);
    for (const consentId of [undefined, '', '   ']) {
      const err = await h.bureau
        .fetchReport({ ...consent, idNumber, consentId: consentId as string })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PartnerError);
      expect(err).toMatchObject({
        partner: 'bureau',
        code: 'BAD_REQUEST',
        status: 400,
        retryable: false,
        partnerCode: 'CONSENT_REQUIRED',
      });
    }
    expect(await h.admin.bureauEnquiryCount(idNumber)).toBe(0);
  });

  it('records every enquiry durably, counted per ID', async () => {
    const idNumber = idWithProfileDigit(8, 7);
    for (let i = 0; i < 3; i += 1) await h.bureau.fetchReport({ ...consent, idNumber, consentId: `consent-${i}` });
    expect(await h.admin.bureauEnquiryCount(idNumber)).toBe(3);
    const rows = await h.sql<
      { consent_id: string }[]
    >`select consent_id from bureau_enquiries where id_number_hash = ${idNumberHash(idNumber)} order by enquiry_id`;
    expect(rows.map((r) => r.consent_id)).toEqual(['consent-0', 'consent-1', 'consent-2']);
  });

  it('refuses a malformed ID number', async () => {
    const err = await h.bureau.fetchReport({ ...consent, idNumber: '12345' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_REQUEST', retryable: false });
  });
});

describe('bank-statement analysis', () => {
  it('is deterministic from the ID and consistent with the declared income', async () => {
    const idNumber = idWithProfileDigit(2);
    const first = await h.bureau.analyzeStatement({ idNumber, declaredMonthlyIncome: '10000.00' });
    expect(await h.bureau.analyzeStatement({ idNumber, declaredMonthlyIncome: '10000.00' })).toEqual(first);
    const inflow = new Decimal(first.averageMonthlyInflow);
    expect(inflow.gte(8000) && inflow.lte(12000)).toBe(true);
    expect(new Decimal(first.averageMonthlyOutflow).lte(inflow)).toBe(true);
    expect(first.monthsCovered).toBeGreaterThanOrEqual(6);
    expect(first.inflowVariability).toMatch(/^0\.\d{4}$/);

    const doubled = await h.bureau.analyzeStatement({ idNumber, declaredMonthlyIncome: '20000.00' });
    expect(new Decimal(doubled.averageMonthlyInflow).toFixed(2)).toBe(inflow.times(2).toFixed(2));
  });

  it('shows bounced payments for delinquent and blacklisted people', async () => {
    for (const digit of [7, 9]) {
      const summary = await h.bureau.analyzeStatement({
        idNumber: idWithProfileDigit(digit),
        declaredMonthlyIncome: '6000.00',
      });
      expect(summary.bouncedPayments).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses an income that is not a two-decimal amount', async () => {
    const err = await h.bureau
      .analyzeStatement({ idNumber: idWithProfileDigit(2), declaredMonthlyIncome: '6000' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_REQUEST' });
  });
});
