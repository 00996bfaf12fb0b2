// The borrower's history with us, as the scorecard reads it (scoring.ts `InternalHistory`), from
// their other loans. Lateness counts only beyond grace (the contract: 宽限期内还清的，不视为逾期):
// a loan paid within its grace days was never overdue and costs the next application nothing.
import { beyondGrace } from './collections.js';
import type { InternalHistory, LoanStatus } from './types.js';

/** One of the borrower's other loans, as the loans projection holds it. */
export interface PriorLoan {
  status: LoanStatus;
  /** Days past due now, and the most it ever reached (counted from the due date). */
  daysPastDue: number;
  maxDaysPastDue: number;
  /** The loan's grace days. */
  graceDays: number;
}

/** Statuses of a loan still being repaid (or about to be). */
const ACTIVE_STATUSES: readonly LoanStatus[] = ['ACTIVE', 'OVERDUE', 'DISBURSING'];

/**
 * Figures recorded before the grace rule counted the grace days as days past due. A figure within
 * grace is therefore read as 0; one beyond it already counts from the due date.
 */
export function internalHistoryOf(loans: readonly PriorLoan[]): InternalHistory {
  let maxDaysPastDue = 0;
  let currentlyOverdue = false;
  for (const loan of loans) {
    maxDaysPastDue = Math.max(
      maxDaysPastDue,
      beyondGrace(Math.max(loan.daysPastDue, loan.maxDaysPastDue), loan.graceDays),
    );
    if (loan.status === 'OVERDUE' && beyondGrace(loan.daysPastDue, loan.graceDays) > 0) currentlyOverdue = true;
  }
  return {
    loansRepaid: loans.filter((l) => l.status === 'PAID_OFF').length,
    loansWrittenOff: loans.filter((l) => l.status === 'WRITTEN_OFF').length,
    maxDaysPastDue,
    currentlyOverdue,
    activeLoans: loans.filter((l) => ACTIVE_STATUSES.includes(l.status)).length,
  };
}
