import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { toFieldProblems } from '../../../api/validation.js';

function problemsFor(schema: z.ZodType, body: unknown, prefix?: string) {
  const result = schema.safeParse(body);
  if (result.success) throw new Error('expected a refusal');
  return toFieldProblems(result.error, prefix);
}

describe('toFieldProblems', () => {
  const Strict = z.object({ amount: z.string(), fees: z.array(z.object({ kind: z.string() }).strict()) }).strict();

  it('names each unknown field itself, with its path, in both languages', () => {
    expect(problemsFor(Strict, { amount: '1.00', fees: [{ kind: 'A', note: 1 }], dayCnt: 'x', extra: 2 })).toEqual([
      {
        field: 'fees.0.note',
        code: 'UNKNOWN_FIELD',
        message: { zh: '不支持的字段：note', en: 'is not a known field: note' },
      },
      {
        field: 'dayCnt',
        code: 'UNKNOWN_FIELD',
        message: { zh: '不支持的字段：dayCnt', en: 'is not a known field: dayCnt' },
      },
      {
        field: 'extra',
        code: 'UNKNOWN_FIELD',
        message: { zh: '不支持的字段：extra', en: 'is not a known field: extra' },
      },
    ]);
  });

  it('puts the target in front of the path and reports other issues as before', () => {
    const problems = problemsFor(Strict, { fees: [], q: 1 }, 'query');
    expect(problems.map((p) => `${p.field}:${p.code}`)).toEqual(['query.amount:INVALID_TYPE', 'query.q:UNKNOWN_FIELD']);
    expect(problems[0]?.message).toEqual({ zh: '必填', en: 'is required' });
    expect(problemsFor(z.string(), 1).map((p) => p.field)).toEqual(['(body)']);
  });
});
