// Collections: what the escalation ladder asks for at each day past due, who works each step,
// and days past due (classification by days past due is domain/classification.ts). Pure functions.
import { addDays, compareDates, daysBetween } from './dates.js';
import type { EscalationAction, EscalationStep, LoanProduct } from './products.js';
import type { LocalDate, Role } from './types.js';

/**
 * Whether a new loan is collected by auto-debit (代扣) unless the borrower chose otherwise: yes,
 * unless the product says `autoDebit: false` (a field products may carry; absent means allowed).
 */
export function autoDebitByDefault(product: LoanProduct): boolean {
  return (product as LoanProduct & { autoDebit?: boolean }).autoDebit !== false;
}

/** The ladder when a product sets none: D+1 SMS, D+3 call, D+15 supervisor, D+30 legal, D+90 write-off review. */
export const DEFAULT_LADDER: readonly EscalationStep[] = [
  { daysPastDue: 1, action: 'SMS' },
  { daysPastDue: 3, action: 'COLLECTOR_CALL' },
  { daysPastDue: 15, action: 'SUPERVISOR' },
  { daysPastDue: 30, action: 'LEGAL' },
  { daysPastDue: 90, action: 'WRITE_OFF_REVIEW' },
];

export function ladderOf(product: Pick<LoanProduct, 'escalation'>): readonly EscalationStep[] {
  const steps = product.escalation.length > 0 ? product.escalation : DEFAULT_LADDER;
  return [...steps].sort((a, b) => a.daysPastDue - b.daysPastDue);
}

/** Who works a step: a task for a role, or (SMS) only a message to the borrower. */
export interface StepWork {
  task: { kind: string; role: Role } | null;
  /** The borrower gets an SMS at this step (template name). */
  sms: string | null;
}

export const STEP_WORK: Readonly<Record<EscalationAction, StepWork>> = {
  SMS: { task: null, sms: 'OVERDUE_NOTICE' },
  COLLECTOR_CALL: { task: { kind: 'COLLECTION_CALL', role: 'COLLECTOR' }, sms: null },
  SUPERVISOR: { task: { kind: 'SUPERVISOR', role: 'RISK_MANAGER' }, sms: 'OVERDUE_ESCALATED' },
  LEGAL: { task: { kind: 'LEGAL', role: 'RISK_MANAGER' }, sms: 'OVERDUE_LEGAL_NOTICE' },
  WRITE_OFF_REVIEW: { task: { kind: 'WRITE_OFF_REVIEW', role: 'RISK_MANAGER' }, sms: null },
};

/** Task key of a step within one overdue episode (an episode starts on the first missed due date). */
export function stepTaskKey(step: EscalationStep, episodeStart: LocalDate): string {
  return `${STEP_WORK[step.action].task?.kind ?? step.action}:${episodeStart}`;
}

/**
 * Steps due at `daysPastDue` that have not been taken yet, in ladder order. A loan found late
 * (after a long outage, say) takes every step it has passed, so none is skipped.
 */
export function stepsDue(
  ladder: readonly EscalationStep[],
  daysPastDue: number,
  taken: readonly number[],
): EscalationStep[] {
  return ladder.filter((s) => s.daysPastDue <= daysPastDue && !taken.includes(s.daysPastDue));
}

/** The next step still ahead, or null when the ladder is done. */
export function nextStep(ladder: readonly EscalationStep[], taken: readonly number[]): EscalationStep | null {
  return ladder.find((s) => !taken.includes(s.daysPastDue)) ?? null;
}

/** The local date a step falls due within an episode that started (first missed due date) on `episodeStart`. */
export function stepDate(step: EscalationStep, episodeStart: LocalDate): LocalDate {
  return addDays(episodeStart, step.daysPastDue);
}

/** Days past due on `today` of the oldest unpaid installment due on `oldestUnpaidDue`; 0 when none. */
export function daysPastDue(oldestUnpaidDue: LocalDate | null, today: LocalDate): number {
  if (oldestUnpaidDue === null || compareDates(today, oldestUnpaidDue) <= 0) return 0;
  return daysBetween(oldestUnpaidDue, today);
}

// GRACE (the contract: 宽限期内还清的，不计罚息和滞纳金，不视为逾期): an installment unpaid after its
// due date is not overdue until its grace days have passed. From the day after grace it is, and
// its days past due count from the due date, as its penalty interest does (overdue.ts).

/** The last day of an installment's grace: paid in full by then, it was never overdue. */
export function graceEndsOn(dueDate: LocalDate, graceDays: number): LocalDate {
  return addDays(dueDate, graceDays);
}

/** The first day an installment still unpaid is overdue: the day after its grace ends. */
export function overdueFrom(dueDate: LocalDate, graceDays: number): LocalDate {
  return addDays(dueDate, graceDays + 1);
}

/** Lateness as the contract counts it: 0 within grace, else every day since the due date. */
export function beyondGrace(daysPastDue: number, graceDays: number): number {
  return daysPastDue > graceDays ? daysPastDue : 0;
}

/** Days past due under the grace rule: 0 while the oldest unpaid installment is within grace. */
export function daysPastDueAfterGrace(oldestUnpaidDue: LocalDate | null, today: LocalDate, graceDays: number): number {
  return beyondGrace(daysPastDue(oldestUnpaidDue, today), graceDays);
}
