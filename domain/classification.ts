// Five-category loan classification (五级分类) by days past due.
// Default: 0 NORMAL 正常 / 1–90 SPECIAL_MENTION 关注 / 91–270 SUBSTANDARD 次级 /
// 271–360 DOUBTFUL 可疑 / more than 360 LOSS 损失.
import { DomainError, fail, ok, problem, type FieldProblem, type Result } from './errors.js';
import { LOAN_CLASSES, type LoanClass } from './types.js';

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
  return classRank(computed) > classRank(override) ? computed : override;
}
