// Borrowers' disputes (异议) about what was reported. 征信业管理条例 第二十五条: the lender checks and
// answers within 20 days of receiving the dispute, correcting the record when it was wrong. Pure.
import { addDays, compareDates } from '../dates.js';
import { problem, type FieldProblem } from '../errors.js';
import type { LocalDate } from '../types.js';

export const DISPUTE_ANSWER_DAYS = 20;
export const DISPUTE_FINDINGS = ['UPHELD', 'NOT_UPHELD'] as const;
export type DisputeFinding = (typeof DISPUTE_FINDINGS)[number];

/** The last day to answer (and correct) a dispute raised on `raisedOn`. */
export function disputeDueOn(raisedOn: LocalDate): LocalDate {
  return addDays(raisedOn, DISPUTE_ANSWER_DAYS);
}

/** An open dispute is overdue from the day after its due date. */
export function disputeOverdue(dispute: { status: 'OPEN' | 'RESOLVED'; dueOn: LocalDate }, today: LocalDate): boolean {
  return dispute.status === 'OPEN' && compareDates(today, dispute.dueOn) > 0;
}

/** The borrower's words: 5 to 500 characters. */
export function disputeReasonProblems(reason: string): FieldProblem[] {
  const length = Array.from(reason.trim()).length;
  if (length < 5 || length > 500)
    return [
      problem('reason', 'INVALID_LENGTH', '异议理由须为 5 至 500 个字', 'the reason must have 5 to 500 characters'),
    ];
  return [];
}
