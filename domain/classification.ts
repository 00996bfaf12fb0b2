// Five-category loan classification (五级分类) by days past due.
// Default: 0 NORMAL 正常 / 1–90 SPECIAL_MENTION 关注 / 91–270 SUBSTANDARD 次级 /
// 271–360 DOUBTFUL 可疑 / more than 360 LOSS 损失.
import { DomainError, fail, ok, problem, type FieldProblem, type Result } from './errors.js';
import { addDays, addMonths, compareDates } from './dates.js';
import { LOAN_CLASSES, type LoanClass, type LocalDate } from './types.js';

/** The first day past due of each class after NORMAL; each must exceed the one before. */
export interface ClassificationThresholds {
  specialMentionFrom: number;
  substandardFrom: number;
  doubtfulFrom: number;
  lossFrom: number;
}

export const DEFAULT_CLASSIFICATION_THRESHOLDS: Readonly<ClassificationThresholds> = Object.freeze({
  specialMentionFrom: 1,
  substandardFrom: 91,
  doubtfulFrom: 271,
  lossFrom: 361,
});

const KEYS = ['specialMentionFrom', 'substandardFrom', 'doubtfulFrom', 'lossFrom'] as const;

/** Checks configured thresholds: whole numbers, at least 1, strictly increasing. */
export function validateClassificationThresholds(
  input: unknown,
  field = 'classification',
): Result<ClassificationThresholds> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail(problem(field, 'NOT_AN_OBJECT', '分类阈值须为对象', 'thresholds must be an object'));
  }
  const record = input as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  let previous = 0;
  for (const key of KEYS) {
    const value = record[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      problems.push(
        problem(
          `${field}.${key}`,
          'NOT_A_POSITIVE_INTEGER',
          '须为正整数天数',
          'must be a whole number of days, at least 1',
        ),
      );
      continue;
    }
    if (value <= previous) {
      problems.push(
        problem(`${field}.${key}`, 'NOT_INCREASING', '须大于前一档阈值', 'must be greater than the previous threshold'),
      );
    }
    previous = value;
  }
  if (problems.length > 0) return fail(...problems);
  return ok({
    specialMentionFrom: record.specialMentionFrom as number,
    substandardFrom: record.substandardFrom as number,
    doubtfulFrom: record.doubtfulFrom as number,
    lossFrom: record.lossFrom as number,
  });
}

/** The class of a loan whose oldest unpaid amount is `daysPastDue` days late. */
export function classifyByDaysPastDue(
  daysPastDue: number,
  thresholds: ClassificationThresholds = DEFAULT_CLASSIFICATION_THRESHOLDS,
): LoanClass {
  if (!Number.isInteger(daysPastDue) || daysPastDue < 0) {
    throw new DomainError('INVALID_DAYS_PAST_DUE', {
      zh: '逾期天数须为非负整数',
      en: 'Days past due must be a non-negative integer',
    });
  }
  if (daysPastDue >= thresholds.lossFrom) return 'LOSS';
  if (daysPastDue >= thresholds.doubtfulFrom) return 'DOUBTFUL';
  if (daysPastDue >= thresholds.substandardFrom) return 'SUBSTANDARD';
  if (daysPastDue >= thresholds.specialMentionFrom) return 'SPECIAL_MENTION';
  return 'NORMAL';
}

// ---- restructured loans (《商业银行金融资产风险分类办法》, 2023, articles 18–21) ----------------------
// A restructured loan (重组资产: terms changed because the borrower is in financial difficulty) is at
// least SPECIAL_MENTION 关注 during its observation period, and never better than it was classed just
// before the restructuring. The observation period runs at least one year from the restructuring.
// A payment not made in full by its due date within the observation period makes the loan at least
// SUBSTANDARD 次级, and the observation period starts again from that day. When the observation
// period ends the loan is classed by its days past due again. An extension (展期) of a loan whose
// borrower is not in difficulty is not a restructuring and changes nothing here.

/** The worse of two classes. */
export function worseClass(a: LoanClass, b: LoanClass): LoanClass {
  return classRank(a) >= classRank(b) ? a : b;
}

/** Months of observation after a restructuring (and after each payment missed within it). */
export const RESTRUCTURING_OBSERVATION_MONTHS = 12;

/** A restructuring as classification needs it: when it took effect and the class just before. */
export interface RestructuringMark {
  on: LocalDate;
  classBefore: LoanClass;
}

export const RESTRUCTURE_KINDS = ['EXTENSION', 'RESTRUCTURING'] as const;
export type RestructureKind = (typeof RESTRUCTURE_KINDS)[number];

/** One change of terms a loan's account went through (LoanAccount.restructurings, loan-restructuring.ts). */
export interface RestructuringRecord extends RestructuringMark {
  kind: RestructureKind;
  /** False for an extension of a loan whose borrower was not in difficulty: classification ignores it. */
  countsAsRestructuring: boolean;
  /** The maturity of the loan as first disbursed (extension limits count from it). */
  originalMaturity: LocalDate;
  /** The number of the first installment of the new schedule. */
  firstNumber: number;
}

/** The restructuring whose observation rules apply: the latest that counts as one, or null. */
export function latestRestructuring(records: readonly RestructuringRecord[] | undefined): RestructuringRecord | null {
  const counted = (records ?? []).filter((r) => r.countsAsRestructuring);
  return counted.length > 0 ? counted[counted.length - 1]! : null;
}

/** An amount that fell due: its due date and the day it was paid in full (null while unpaid). */
export interface DueAmount {
  dueDate: LocalDate;
  paidOn: LocalDate | null;
}

/** Is a change of terms a restructuring? An extension counts only when the borrower is in difficulty. */
export function countsAsRestructuring(kind: RestructureKind, borrowerInDifficulty: boolean): boolean {
  return kind === 'RESTRUCTURING' || borrowerInDifficulty;
}

/**
 * When the observation period of `mark` ends as of `today`, and whether a payment was missed in it:
 * each amount unpaid after max(its due date, the restructuring day) within the period is a miss, and a
 * miss starts the period again from the day after that date.
 */
export function observationOf(
  mark: RestructuringMark,
  dues: readonly DueAmount[],
  today: LocalDate,
): { endsOn: LocalDate; missed: boolean } {
  const misses = dues
    .map((d) => {
      const lateFrom = compareDates(d.dueDate, mark.on) > 0 ? d.dueDate : mark.on;
      const settledOn = d.paidOn ?? today;
      return compareDates(settledOn, lateFrom) > 0 && compareDates(lateFrom, today) < 0 ? addDays(lateFrom, 1) : null;
    })
    .filter((d): d is LocalDate => d !== null)
    .sort(compareDates);
  let endsOn = addMonths(mark.on, RESTRUCTURING_OBSERVATION_MONTHS);
  let missed = false;
  for (const miss of misses) {
    if (compareDates(miss, endsOn) >= 0) break;
    missed = true;
    const restarted = addMonths(miss, RESTRUCTURING_OBSERVATION_MONTHS);
    if (compareDates(restarted, endsOn) > 0) endsOn = restarted;
  }
  return { endsOn, missed };
}

/** The class of a restructured loan on `today`: `byDaysPastDue` floored by the observation rules above. */
export function classifyRestructured(
  byDaysPastDue: LoanClass,
  mark: RestructuringMark,
  dues: readonly DueAmount[],
  today: LocalDate,
): LoanClass {
  const { endsOn, missed } = observationOf(mark, dues, today);
  if (compareDates(today, endsOn) >= 0) return byDaysPastDue;
  const floor = worseClass(missed ? 'SUBSTANDARD' : 'SPECIAL_MENTION', mark.classBefore);
  return worseClass(byDaysPastDue, floor);
}

/** What an approved override sets: a class, or COMPUTED (the override is lifted). */
export type OverrideTarget = LoanClass | 'COMPUTED';

/** 0 (NORMAL) … 4 (LOSS): the higher, the worse. */
export function classRank(c: LoanClass): number {
  return LOAN_CLASSES.indexOf(c);
}

/**
 * The class that holds (五级分类调整): the latest approved override holds over the computed class
 * until it is lifted (COMPUTED) or the computed class is worse, in which case the computed class
 * applies. Mirrored in SQL by effective_classification() (migration 0038).
 */
export function effectiveClass(computed: LoanClass, override: OverrideTarget | null): LoanClass {
  if (override === null || override === 'COMPUTED') return computed;
  return worseClass(override, computed);
}
