// What reconciliation reports: the finding codes, a finding, and the key that names it across runs
// (one finance task per key: the same difference found again is the same task). Pure.
import type { BilingualText } from './types.js';

export const FINDING_CODES = [
  'ENTRY_UNBALANCED',
  'LEDGER_UNBALANCED',
  'NEGATIVE_BALANCE',
  'PRINCIPAL_MISMATCH',
  'PROJECTION_MISMATCH',
  'PAYMENTS_MISMATCH',
  'TRANSFER_WITHOUT_ENTRY',
  'ENTRY_WITHOUT_TRANSFER',
  'DEBIT_WITHOUT_ENTRY',
  'ENTRY_WITHOUT_DEBIT',
  'INCOMING_WITHOUT_ENTRY',
  'ENTRY_WITHOUT_INCOMING',
  'DUPLICATE_BANK_ENTRY',
  'AMOUNT_MISMATCH',
  // Capital against the bank: its opening balance and the incoming payments that reference an injection.
  'CAPITAL_WITHOUT_DEPOSIT',
  'DEPOSIT_WITHOUT_CAPITAL',
  // The bank clearing account: a BANK line of any other entry must name a line of the bank's statement.
  'BANK_ENTRY_WITHOUT_STATEMENT_LINE',
  // The gateway clearing account against the gateway's daily settlement files.
  'GATEWAY_PAYMENT_NOT_SETTLED',
  'SETTLEMENT_WITHOUT_PAYMENT',
  'GATEWAY_AMOUNT_MISMATCH',
  'DUPLICATE_GATEWAY_ENTRY',
  // Cash on hand against the counter's approved postings.
  'CASH_ENTRY_WITHOUT_RECORD',
  'CASH_RECORD_WITHOUT_ENTRY',
  'CASH_AMOUNT_MISMATCH',
  'DUPLICATE_CASH_ENTRY',
  // Receivables against each loan's servicing account.
  'INTEREST_RECEIVABLE_MISMATCH',
  'FEE_RECEIVABLE_MISMATCH',
  'PENALTY_RECEIVABLE_MISMATCH',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export interface Finding {
  code: FindingCode;
  loanId: string | null;
  /** The business key or the partner's key the finding is about. */
  ref: string | null;
  text: BilingualText;
}

export function finding(code: FindingCode, loanId: string | null, ref: string | null, zh: string, en: string): Finding {
  return { code, loanId, ref, text: { zh, en } };
}

/** Names a finding across runs: the same code about the same loan and the same key. */
export function findingKey(f: Pick<Finding, 'code' | 'loanId' | 'ref'>): string {
  return `${f.code}|${f.loanId ?? '-'}|${f.ref ?? '-'}`;
}
