import type { z } from 'zod';
import type { FieldProblem } from '../domain/errors.js';
import type { BilingualText } from '../domain/types.js';

/** A refinement message that carries both languages; read back by `toFieldProblems`. */
export function bilingual(zh: string, en: string): string {
  return JSON.stringify({ zh, en });
}

function readBilingual(message: string): BilingualText | null {
  if (!message.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(message) as Partial<BilingualText>;
    return typeof parsed.zh === 'string' && typeof parsed.en === 'string' ? { zh: parsed.zh, en: parsed.en } : null;
  } catch {
    return null;
  }
}

function describe(issue: z.core.$ZodIssue): BilingualText {
  const own = readBilingual(issue.message);
  if (own) return own;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined && /received undefined/.test(issue.message)
        ? { zh: '必填', en: 'is required' }
        : { zh: `类型错误，应为 ${issue.expected}`, en: `must be of type ${issue.expected}` };
    case 'too_small':
      return { zh: `不能小于 ${String(issue.minimum)}`, en: `must be at least ${String(issue.minimum)}` };
    case 'too_big':
      return { zh: `不能大于 ${String(issue.maximum)}`, en: `must be at most ${String(issue.maximum)}` };
    case 'invalid_value':
      return { zh: `取值无效，可选：${issue.values.join(', ')}`, en: `must be one of: ${issue.values.join(', ')}` };
    case 'invalid_format':
      return { zh: '格式不正确', en: `has an invalid format (${issue.format})` };
    default:
      return { zh: '取值无效', en: issue.message || 'is invalid' };
  }
}

function fieldName(path: readonly PropertyKey[], prefix: string): string {
  const joined = path.map(String).join('.');
  return prefix ? (joined ? `${prefix}.${joined}` : prefix) : joined || '(body)';
}

/** One problem per issue; an unknown field is named itself, one problem each, so a client sees which to remove. */
export function toFieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: fieldName([...issue.path, key], prefix),
        code: 'UNKNOWN_FIELD',
        message: { zh: `不支持的字段：${key}`, en: `is not a known field: ${key}` },
      }));
    }
    return [{ field: fieldName(issue.path, prefix), code: issue.code.toUpperCase(), message: describe(issue) }];
  });
}
