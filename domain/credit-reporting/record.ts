// The personal lending-account record (个人借贷账户信息) sent to the credit reference center: the
// account basics (基础段) and its repayment status on the report date (表现信息). Pure.
import type { Frequency, LoanClass, LoanType, LocalDate, Money } from '../types.js';
import type { AccountState, AccountStatus, ReportableEvent, StatusCode } from './account-state.js';

export const RECORD_TYPES = ['NEW', 'CORRECTION', 'DELETION'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** The center's codes for the fields we fill with our own names. */
export const FIVE_LEVEL_CODES: Readonly<Record<LoanClass, string>> = {
  NORMAL: '1',
  SPECIAL_MENTION: '2',
  SUBSTANDARD: '3',
  DOUBTFUL: '4',
  LOSS: '5',
};
export const ACCOUNT_STATUS_CODES: Readonly<Record<AccountStatus, string>> = {
  NORMAL: '1', // 正常
  OVERDUE: '2', // 逾期
  CLOSED: '3', // 结清
  BAD_DEBT: '4', // 呆账
};
export const FREQUENCY_CODES: Readonly<Record<Frequency, string>> = {
  DAILY: '01',
  WEEKLY: '02',
  BIWEEKLY: '99', // 其他: the layout has no fortnightly code
  MONTHLY: '03',
};

export interface AccountBasics {
  /** Our account id: the loan id. */
  accountId: string;
  /** D1: a non-revolving loan account (非循环贷账户). */
  accountType: 'D1';
  loanType: LoanType;
  openDate: LocalDate;
  currency: 'CNY';
  amount: Money;
  installmentCount: number;
  maturityDate: LocalDate;
  repaymentFrequency: Frequency;
  frequencyCode: string;
  /** 10: resident identity card. */
  idType: '10';
  idNumber: string;
  name: string;
}

export interface RepaymentPerformance {
  balance: Money;
  fiveLevelClass: LoanClass;
  fiveLevelCode: string;
  statusCode: StatusCode;
  overdueAmount: Money;
  overdueDays: number;
  overduePeriods: number;
  lastPaymentDate: LocalDate | null;
  lastPaymentAmount: Money | null;
  accountStatus: AccountStatus;
  accountStatusCode: string;
}

export interface LendingAccountRecord {
  recordId: string;
  recordType: RecordType;
  /** The record a correction or deletion replaces. */
  correctsRecordId: string | null;
  reportDate: LocalDate;
  basics: AccountBasics;
  performance: RepaymentPerformance;
  events: ReportableEvent[];
}

export interface AccountIdentity {
  loanId: string;
  loanType: LoanType;
  openDate: LocalDate;
  amount: Money;
  frequency: Frequency;
  idNumber: string;
  name: string;
}

/** The id of a day's record of a loan, and of its n-th correction or deletion. */
export function recordIdFor(loanId: string, date: LocalDate, type: RecordType = 'NEW', n = 1): string {
  return type === 'NEW' ? `${loanId}:${date}` : `${loanId}:${date}:${type}:${n}`;
}

export function buildRecord(
  account: AccountIdentity,
  state: AccountState,
  options: { recordType?: RecordType; correctsRecordId?: string | null; recordId?: string } = {},
): LendingAccountRecord {
  const recordType = options.recordType ?? 'NEW';
  return {
    recordId: options.recordId ?? recordIdFor(account.loanId, state.reportDate, recordType),
    recordType,
    correctsRecordId: options.correctsRecordId ?? null,
    reportDate: state.reportDate,
    basics: {
      accountId: account.loanId,
      accountType: 'D1',
      loanType: account.loanType,
      openDate: account.openDate,
      currency: 'CNY',
      amount: account.amount,
      installmentCount: state.installmentCount,
      maturityDate: state.maturityDate,
      repaymentFrequency: account.frequency,
      frequencyCode: FREQUENCY_CODES[account.frequency],
      idType: '10',
      idNumber: account.idNumber,
      name: account.name,
    },
    performance: {
      balance: state.balance,
      fiveLevelClass: state.fiveLevelClass,
      fiveLevelCode: FIVE_LEVEL_CODES[state.fiveLevelClass],
      statusCode: state.statusCode,
      overdueAmount: state.overdueAmount,
      overdueDays: state.overdueDays,
      overduePeriods: state.overduePeriods,
      lastPaymentDate: state.lastPaymentDate,
      lastPaymentAmount: state.lastPaymentAmount,
      accountStatus: state.accountStatus,
      accountStatusCode: ACCOUNT_STATUS_CODES[state.accountStatus],
    },
    events: state.events,
  };
}

/** The submission file's text: one record per line, in the given order, each line canonical JSON. */
export function submissionLines(records: readonly LendingAccountRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length > 0 ? '\n' : '');
}
