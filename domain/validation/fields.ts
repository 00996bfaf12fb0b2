import { problem, type FieldProblem, type Result } from '../errors.js';

// Small readers for untrusted objects. Each reports into a shared problem list and returns
// undefined when the field is unusable, so a validator can go on and collect every problem.

export type Problems = FieldProblem[];

export function path(prefix: string, key: string | number): string {
  return prefix ? `${prefix}.${key}` : String(key);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function take<T>(result: Result<T>, problems: Problems): T | undefined {
  if (result.ok) return result.value;
  problems.push(...result.problems);
  return undefined;
}

export function required(field: string): FieldProblem {
  return problem(field, 'REQUIRED', '必填', 'is required');
}

export function readObject(value: unknown, field: string, problems: Problems): Record<string, unknown> | undefined {
  if (value === undefined || value === null) {
    problems.push(required(field));
    return undefined;
  }
  if (!isRecord(value)) {
    problems.push(problem(field, 'NOT_AN_OBJECT', '格式不正确，应为对象', 'must be an object'));
    return undefined;
  }
  return value;
}

export interface TextRule {
  optional?: boolean;
  maxLength?: number;
  minLength?: number;
}

// Control characters have no place in names and free text that end up in contracts.
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's job
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A trimmed, non-empty string (unless optional) of bounded length, counted in characters. */
export function readText(value: unknown, field: string, problems: Problems, rule: TextRule = {}): string | undefined {
  const { optional = false, maxLength = 200, minLength = 1 } = rule;
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (!optional) problems.push(required(field));
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push(problem(field, 'NOT_A_STRING', '应为文本', 'must be a string'));
    return undefined;
  }
  const text = value.trim();
  const length = Array.from(text).length;
  if (length < minLength) {
    problems.push(
      problem(field, 'TOO_SHORT', `至少 ${minLength} 个字符`, `must have at least ${minLength} characters`),
    );
    return undefined;
  }
  if (length > maxLength) {
    problems.push(
      problem(field, 'TOO_LONG', `不能超过 ${maxLength} 个字符`, `must have at most ${maxLength} characters`),
    );
    return undefined;
  }
  if (CONTROL_CHARS.test(text)) {
    problems.push(problem(field, 'INVALID_CHARACTERS', '含有不允许的控制字符', 'contains control characters'));
    return undefined;
  }
  return text;
}

export function readInteger(
  value: unknown,
  field: string,
  problems: Problems,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined || value === null) {
    problems.push(required(field));
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    problems.push(problem(field, 'NOT_AN_INTEGER', '应为整数', 'must be a whole number'));
    return undefined;
  }
  if (value < min || value > max) {
    problems.push(problem(field, 'OUT_OF_RANGE', `应在 ${min} 至 ${max} 之间`, `must be between ${min} and ${max}`));
    return undefined;
  }
  return value;
}

export function readBoolean(value: unknown, field: string, problems: Problems): boolean | undefined {
  if (typeof value === 'boolean') return value;
  problems.push(
    value === undefined
      ? required(field)
      : problem(field, 'NOT_A_BOOLEAN', '应为 true 或 false', 'must be true or false'),
  );
  return undefined;
}

export function readEnum<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
  problems: Problems,
): T | undefined {
  if (value === undefined || value === null || value === '') {
    problems.push(required(field));
    return undefined;
  }
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    problems.push(
      problem(field, 'INVALID_VALUE', `取值无效，可选：${allowed.join(', ')}`, `must be one of: ${allowed.join(', ')}`),
    );
    return undefined;
  }
  return value as T;
}

/** A non-empty list of distinct allowed values. */
export function readEnumList<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
  problems: Problems,
): T[] | undefined {
  if (!Array.isArray(value)) {
    problems.push(value === undefined ? required(field) : problem(field, 'NOT_AN_ARRAY', '应为数组', 'must be a list'));
    return undefined;
  }
  if (value.length === 0) {
    problems.push(problem(field, 'EMPTY_LIST', '至少选择一项', 'must contain at least one value'));
    return undefined;
  }
  const before = problems.length;
  const items = value.map((item, index) => readEnum(item, allowed, path(field, index), problems));
  if (problems.length > before) return undefined;
  if (new Set(items).size !== items.length) {
    problems.push(problem(field, 'DUPLICATE_VALUES', '不能包含重复项', 'must not contain duplicates'));
    return undefined;
  }
  return items as T[];
}
