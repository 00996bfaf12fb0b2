import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';
import type { BureauReport } from '../../domain/types.js';

export const BUREAU_PROFILES = ['CLEAN', 'THIN_FILE', 'DELINQUENT', 'MULTI_LENDER', 'BLACKLISTED'] as const;
export type BureauProfile = (typeof BUREAU_PROFILES)[number];

/**
 * Which profile the simulated bureau reports, chosen by the sequence code: the four digits before
 * the check character (1-based positions 14–17, `idNumber.slice(13, 17)`), modulo 10 — that is,
 * by the 17th digit.
 *
 *   0–5  CLEAN         score 700–800, nothing overdue, 0–2 open loans, 0–2 enquiries, 24–120 months of history
 *   6    THIN_FILE     score null, 0–3 months of history, no loans, 0–1 enquiries
 *   7    DELINQUENT    score 450–580, 500.00–20,499.99 overdue now, worst overdue 60–180 days
 *   8    MULTI_LENDER  score 560–650, 8–15 enquiries in the last 3 months, 4–8 open loans, nothing overdue now
 *   9    BLACKLISTED   score 300–400, blacklisted, 1,000.00–50,999.99 overdue now, worst overdue 180–360 days
 *
 * Every number comes from the SHA-256 of the ID number, so one ID always gets the same report
 * (apart from reportedAt). Example: 11010119900101123X → sequence 1123 → 3 → CLEAN.
 */
export const PROFILE_BY_SEQUENCE_DIGIT: readonly BureauProfile[] = [
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
];

export function sequenceCode(idNumber: string): number {
  return Number(idNumber.slice(13, 17));
}

export function bureauProfileOf(idNumber: string): BureauProfile {
  return PROFILE_BY_SEQUENCE_DIGIT[sequenceCode(idNumber) % 10]!;
}

export function normalizeIdNumber(idNumber: string): string {
  return idNumber.trim().toUpperCase();
}

/** How the bureau identifies a person in its answers: SHA-256 hex of the upper-case ID number. */
export function idNumberHash(idNumber: string): string {
  return createHash('sha256').update(normalizeIdNumber(idNumber), 'utf8').digest('hex');
}

/** Eight independent unsigned 32-bit numbers from the ID number's hash. */
export function hashSlots(idNumber: string): number[] {
  const digest = createHash('sha256').update(normalizeIdNumber(idNumber), 'utf8').digest();
  return Array.from({ length: 8 }, (_, i) => digest.readUInt32BE(i * 4));
}

function between(slot: number, min: number, max: number): number {
  return min + (slot % (max - min + 1));
}

function centsToMoney(cents: number): string {
  return new Decimal(cents).dividedBy(100).toFixed(2);
}

type ReportFigures = Omit<BureauReport, 'idNumberHash' | 'profile' | 'reportedAt'>;

function figuresFor(profile: BureauProfile, s: number[]): ReportFigures {
  const [score, overdue, worstDays, loans, debt, enquiries, history] = [
    s[0]!,
    s[1]!,
    s[2]!,
    s[3]!,
    s[4]!,
    s[5]!,
    s[6]!,
  ];
  const monthlyDebt = (openLoans: number, minCents: number, maxCents: number) =>
    centsToMoney(openLoans * between(debt, minCents, maxCents));
  switch (profile) {
    case 'CLEAN': {
      const openLoans = between(loans, 0, 2);
      return {
        score: between(score, 700, 800),
        blacklisted: false,
        currentOverdueAmount: '0.00',
        maxOverdueDaysLast24Months: 0,
        openLoans,
        monthlyDebtPayments: monthlyDebt(openLoans, 30_000, 179_999),
        queriesLast3Months: between(enquiries, 0, 2),
        creditHistoryMonths: between(history, 24, 120),
      };
    }
    case 'THIN_FILE':
      return {
        score: null,
        blacklisted: false,
        currentOverdueAmount: '0.00',
        maxOverdueDaysLast24Months: 0,
        openLoans: 0,
        monthlyDebtPayments: '0.00',
        queriesLast3Months: between(enquiries, 0, 1),
        creditHistoryMonths: between(history, 0, 3),
      };
    case 'DELINQUENT': {
      const openLoans = between(loans, 1, 3);
      return {
        score: between(score, 450, 580),
        blacklisted: false,
        currentOverdueAmount: centsToMoney(between(overdue, 50_000, 2_049_999)),
        maxOverdueDaysLast24Months: between(worstDays, 60, 180),
        openLoans,
        monthlyDebtPayments: monthlyDebt(openLoans, 50_000, 299_999),
        queriesLast3Months: between(enquiries, 0, 4),
        creditHistoryMonths: between(history, 12, 96),
      };
    }
    case 'MULTI_LENDER': {
      const openLoans = between(loans, 4, 8);
      return {
        score: between(score, 560, 650),
        blacklisted: false,
        currentOverdueAmount: '0.00',
        maxOverdueDaysLast24Months: between(worstDays, 0, 29),
        openLoans,
        monthlyDebtPayments: monthlyDebt(openLoans, 40_000, 199_999),
        queriesLast3Months: between(enquiries, 8, 15),
        creditHistoryMonths: between(history, 6, 60),
      };
    }
    case 'BLACKLISTED': {
      const openLoans = between(loans, 1, 4);
      return {
        score: between(score, 300, 400),
        blacklisted: true,
        currentOverdueAmount: centsToMoney(between(overdue, 100_000, 5_099_999)),
        maxOverdueDaysLast24Months: between(worstDays, 180, 360),
        openLoans,
        monthlyDebtPayments: monthlyDebt(openLoans, 50_000, 299_999),
        queriesLast3Months: between(enquiries, 0, 9),
        creditHistoryMonths: between(history, 12, 120),
      };
    }
  }
}

export function buildBureauReport(idNumber: string, reportedAt: Date): BureauReport {
  const profile = bureauProfileOf(idNumber);
  return {
    idNumberHash: idNumberHash(idNumber),
    profile,
    ...figuresFor(profile, hashSlots(idNumber)),
    reportedAt: reportedAt.toISOString(),
  };
}
