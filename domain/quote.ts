// 还款试算: the repayment quote a borrower sees before applying, and the validation of its request.
import { aprFromGrid } from './apr.js';
import { compareDates, parseLocalDateField, toCivilDate } from './dates.js';
import { DomainError, fail, ok, problem, type FieldProblem, type Result } from './errors.js';
import { Dec, money, sum } from './money.js';
import { rulesFor, type MoneyRules } from './money-rules.js';
import { CURRENT_RULES_VERSION } from './rules-version.js';
import { latestFirstDueDate, type Installment } from './schedule.js';
import {
  DAY_COUNTS,
  FEE_KINDS,
  FREQUENCIES,
  REPAYMENT_METHODS,
  type DayCount,
  type Fee,
  type Frequency,
  type LocalDate,
  type Money,
  type Rate,
  type RepaymentMethod,
} from './types.js';

export interface QuoteRequest {
  principal: Money;
  annualRate: Rate;
  termCount: number;
  /** Default MONTHLY. */
  frequency?: Frequency | undefined;
  method: RepaymentMethod;
  startDate: LocalDate;
  fees?: readonly Fee[] | undefined;
  /** Default ACT/365 (see day-count.ts). */
  dayCount?: DayCount | undefined;
  /** Optional irregular first due date (see schedule.ts). */
  firstDueDate?: LocalDate | null | undefined;
}

export interface QuoteResult {
  installments: Installment[];
  totalPrincipal: Money;
  totalInterest: Money;
  /** Upfront fees plus all per-installment fees. */
  totalFees: Money;
  /** Sum of installment totals (the upfront fee is deducted at payout, not repaid). */
  totalPayment: Money;
  /** Nominal APR per PBoC Announcement [2021] No. 3, decimal fraction, 6 decimals. */
  apr: Rate;
  effectiveAnnualRate: Rate;
}

/** Limits on a quote request. */
export const QUOTE_LIMITS = {
  maxAmount: '100000000.00',
  maxAnnualRate: '1',
  maxRateDecimals: 10,
  maxTermCount: 360,
  maxDailyTermCount: 1095,
  maxFees: 20,
  minYear: 1900,
  maxYear: 2200,
} as const;

/**
 * The repayment schedule, totals, APR and effective annual rate for the request, under a version of
 * the money rules: an offer passes the loan's (money-rules.ts); a quote before applying gets the
 * version new offers are made under.
 */
export function quote(req: QuoteRequest, rules: MoneyRules = rulesFor(CURRENT_RULES_VERSION)): QuoteResult {
  const { schedule, grid, payments } = rules.schedule(req);
  const { apr, effectiveAnnualRate } = aprFromGrid(schedule, grid, payments);
  return {
    installments: schedule.installments,
    totalPrincipal: schedule.totalPrincipal,
    totalInterest: schedule.totalInterest,
    totalFees: schedule.totalFees,
    totalPayment: schedule.totalPayment,
    apr,
    effectiveAnnualRate,
  };
}

// ---- validation ------------------------------------------------------------------------

type Problems = FieldProblem[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SIGNED_NUMBER = /^-?\d+(\.\d+)?$/;

/** Reads a positive money amount ≤ the quote limit, or records why not. */
function readAmount(value: unknown, field: string, problems: Problems): Money | null {
  if (value === undefined || value === null) {
    problems.push(problem(field, 'REQUIRED', '必填', 'is required'));
    return null;
  }
  if (typeof value !== 'string') {
    problems.push(
      problem(field, 'NOT_A_STRING', '金额须为字符串，例如 "1000.00"', 'must be a string such as "1000.00"'),
    );
    return null;
  }
  if (!SIGNED_NUMBER.test(value)) {
    problems.push(
      problem(field, 'MALFORMED_AMOUNT', '金额格式不正确，例如 "1000.00"', 'is not an amount such as "1000.00"'),
    );
    return null;
  }
  const decimals = value.split('.')[1]?.length ?? 0;
  if (decimals > 2) {
    problems.push(problem(field, 'TOO_MANY_DECIMALS', '金额最多两位小数', 'may have at most two decimals'));
    return null;
  }
  const amount = new Dec(value);
  if (amount.lte(0)) {
    problems.push(problem(field, 'NOT_POSITIVE', '金额须大于零', 'must be greater than zero'));
    return null;
  }
  if (amount.gt(QUOTE_LIMITS.maxAmount)) {
    problems.push(
      problem(
        field,
        'TOO_LARGE',
        `金额不得超过 ${QUOTE_LIMITS.maxAmount}`,
        `must not exceed ${QUOTE_LIMITS.maxAmount}`,
      ),
    );
    return null;
  }
  return amount.toFixed(2);
}

function readRate(value: unknown, field: string, problems: Problems): Rate | null {
  if (value === undefined || value === null) {
    problems.push(problem(field, 'REQUIRED', '必填', 'is required'));
    return null;
  }
  if (typeof value !== 'string') {
    problems.push(
      problem(
        field,
        'NOT_A_STRING',
        '利率须为小数字符串，例如 "0.12" 表示年利率 12%',
        'must be a decimal string such as "0.12" for 12% a year',
      ),
    );
    return null;
  }
  if (!SIGNED_NUMBER.test(value) || (value.split('.')[1]?.length ?? 0) > QUOTE_LIMITS.maxRateDecimals) {
    problems.push(
      problem(
        field,
        'MALFORMED_RATE',
        `利率格式不正确，须为小数（最多 ${QUOTE_LIMITS.maxRateDecimals} 位），例如 "0.12"`,
        `is not a decimal fraction (at most ${QUOTE_LIMITS.maxRateDecimals} decimals) such as "0.12"`,
      ),
    );
    return null;
  }
  const r = new Dec(value);
  if (r.isNeg()) {
    problems.push(problem(field, 'RATE_NEGATIVE', '利率不得为负', 'must not be negative'));
    return null;
  }
  if (r.gt(QUOTE_LIMITS.maxAnnualRate)) {
    problems.push(problem(field, 'RATE_TOO_HIGH', '年利率不得超过 1（即 100%）', 'must not exceed 1 (100% a year)'));
    return null;
  }
  return value;
}

function readEnum<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
  code: string,
  problems: Problems,
): T | null {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  problems.push(problem(field, code, `须为以下之一：${allowed.join('、')}`, `must be one of ${allowed.join(', ')}`));
  return null;
}

function readDate(value: unknown, field: string, problems: Problems): LocalDate | null {
  const parsed = parseLocalDateField(value, field, { minYear: QUOTE_LIMITS.minYear, maxYear: QUOTE_LIMITS.maxYear });
  if (parsed.ok) return parsed.value;
  problems.push(...parsed.problems);
  return null;
}

function readTermCount(value: unknown, frequency: Frequency | null, problems: Problems): number | null {
  if (value === undefined || value === null) {
    problems.push(problem('termCount', 'REQUIRED', '必填', 'is required'));
    return null;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    problems.push(problem('termCount', 'NOT_AN_INTEGER', '期数须为整数', 'must be a whole number'));
    return null;
  }
  const max = frequency === 'DAILY' ? QUOTE_LIMITS.maxDailyTermCount : QUOTE_LIMITS.maxTermCount;
  if (value < 1 || value > max) {
    problems.push(problem('termCount', 'OUT_OF_RANGE', `期数须在 1 至 ${max} 之间`, `must be between 1 and ${max}`));
    return null;
  }
  return value;
}

function readFees(value: unknown, problems: Problems): Fee[] | null {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(problem('fees', 'NOT_AN_ARRAY', '费用须为列表', 'must be a list'));
    return null;
  }
  if (value.length > QUOTE_LIMITS.maxFees) {
    problems.push(
      problem(
        'fees',
        'TOO_MANY_FEES',
        `费用最多 ${QUOTE_LIMITS.maxFees} 项`,
        `may list at most ${QUOTE_LIMITS.maxFees} fees`,
      ),
    );
    return null;
  }
  const fees: Fee[] = [];
  let complete = true;
  value.forEach((entry: unknown, i) => {
    if (!isRecord(entry)) {
      problems.push(
        problem(`fees.${i}`, 'NOT_AN_OBJECT', '每项费用须含 kind 与 amount', 'must be an object with kind and amount'),
      );
      complete = false;
      return;
    }
    refuseUnknownFields(entry, FEE_FIELDS, `fees.${i}`, problems);
    const kind = readEnum(entry.kind, FEE_KINDS, `fees.${i}.kind`, 'UNKNOWN_FEE_KIND', problems);
    const amount = readAmount(entry.amount, `fees.${i}.amount`, problems);
    if (kind && amount) fees.push({ kind, amount });
    else complete = false;
  });
  return complete ? fees : null;
}

function readFirstDueDate(
  value: unknown,
  startDate: LocalDate | null,
  frequency: Frequency | null,
  problems: Problems,
): LocalDate | null {
  const date = readDate(value, 'firstDueDate', problems);
  if (!date || !startDate || !frequency) return date;
  const latest = latestFirstDueDate(startDate, frequency);
  if (compareDates(date, startDate) <= 0 || compareDates(date, latest) > 0) {
    problems.push(
      problem(
        'firstDueDate',
        'FIRST_DUE_DATE_OUT_OF_RANGE',
        `首期还款日须晚于起始日，且不晚于 ${latest}`,
        `must be after the start date and no later than ${latest}`,
      ),
    );
    return null;
  }
  return date;
}

const REQUEST_FIELDS = [
  'principal',
  'annualRate',
  'termCount',
  'frequency',
  'method',
  'startDate',
  'dayCount',
  'firstDueDate',
  'fees',
] as const satisfies readonly (keyof QuoteRequest)[];
const FEE_FIELDS = ['kind', 'amount'] as const satisfies readonly (keyof Fee)[];

/** A field the request may not carry: refused, never ignored, so a misspelt term cannot quietly change the quote. */
function refuseUnknownFields(
  record: Record<string, unknown>,
  known: readonly string[],
  prefix: string,
  problems: Problems,
): void {
  for (const key of Object.keys(record)) {
    if (known.includes(key)) continue;
    const field = prefix ? `${prefix}.${key}` : key;
    problems.push(problem(field, 'UNKNOWN_FIELD', `不支持的字段：${key}`, `is not a known field: ${key}`));
  }
}

/**
 * Checks an untrusted quote request body. `today` (YYYY-MM-DD, from the caller's business
 * clock) is the start date when none is given. A field outside the request is refused.
 */
export function validateQuoteRequest(body: unknown, today: LocalDate): Result<QuoteRequest> {
  toCivilDate(today);
  if (!isRecord(body)) {
    return fail(problem('', 'NOT_AN_OBJECT', '请求须为 JSON 对象', 'the request must be a JSON object'));
  }
  const problems: Problems = [];
  refuseUnknownFields(body, REQUEST_FIELDS, '', problems);
  const principal = readAmount(body.principal, 'principal', problems);
  const annualRate = readRate(body.annualRate, 'annualRate', problems);
  const method = readEnum(body.method, REPAYMENT_METHODS, 'method', 'UNKNOWN_METHOD', problems);
  const frequency =
    body.frequency === undefined
      ? 'MONTHLY'
      : readEnum(body.frequency, FREQUENCIES, 'frequency', 'UNKNOWN_FREQUENCY', problems);
  const dayCount =
    body.dayCount === undefined
      ? undefined
      : readEnum(body.dayCount, DAY_COUNTS, 'dayCount', 'UNKNOWN_DAY_COUNT', problems);
  const termCount = readTermCount(body.termCount, frequency, problems);
  const startDate =
    body.startDate === undefined || body.startDate === null ? today : readDate(body.startDate, 'startDate', problems);
  const firstDueDate =
    body.firstDueDate === undefined || body.firstDueDate === null
      ? null
      : readFirstDueDate(body.firstDueDate, startDate, frequency, problems);
  const fees = readFees(body.fees, problems);
  if (principal && fees) {
    const upfront = sum(fees.filter((f) => f.kind === 'UPFRONT').map((f) => money(f.amount)));
    if (upfront.gte(money(principal))) {
      problems.push(
        problem(
          'fees',
          'UPFRONT_FEES_EXCEED_PRINCIPAL',
          '前置费用须小于借款本金',
          'upfront fees must be less than the principal',
        ),
      );
    }
  }
  if (problems.length > 0) return fail(...problems);
  if (!principal || !annualRate || !method || !frequency || !termCount || !startDate || !fees || dayCount === null) {
    throw new DomainError('VALIDATION_INCOMPLETE', { zh: '校验未完成', en: 'validation left a field unread' });
  }
  const request: QuoteRequest = { principal, annualRate, termCount, frequency, method, startDate, fees };
  if (dayCount) request.dayCount = dayCount;
  if (firstDueDate) request.firstDueDate = firstDueDate;
  return ok(request);
}
