// Request bodies that carry loan terms, over real HTTP on the running API: every term is
// honoured or refused, never dropped; an unknown field is a 400 that names it in both languages.
// 还款试算 (POST /v1/quotes) and review decisions (a misspelt change must not approve unchanged).
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { ApiCallError, ApiClient } from '../../drivers/api-client.js';
import '../setup/provided.js';

const stack = inject('stack');

interface Problem {
  field: string;
  code: string;
  message: { zh: string; en: string };
}

async function postQuote(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(new URL('/v1/quotes', stack.apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function problemsOf(json: Record<string, unknown>): Problem[] {
  const error = json.error as { code: string; fields: Problem[] };
  expect(error.code).toBe('VALIDATION_FAILED');
  return error.fields;
}

const bullet = {
  principal: '100000.00',
  annualRate: '0.01',
  termCount: 60,
  frequency: 'DAILY',
  method: 'BULLET',
  startDate: '2026-12-01',
};

describe('POST /v1/quotes', () => {
  it('honours dayCount: 100,000 at 1% for 60 days, BULLET, DAILY on ACT/360 is 166.67 of interest', async () => {
    const act360 = await postQuote({ ...bullet, dayCount: 'ACT/360' });
    expect(act360.status).toBe(200);
    expect(act360.json).toMatchObject({ totalInterest: '166.67', totalPayment: '100166.67' });
    expect(act360.json.installments).toEqual([
      {
        number: 1,
        dueDate: '2027-01-30',
        principal: '100000.00',
        interest: '166.67',
        fee: '0.00',
        total: '100166.67',
        remainingPrincipal: '0.00',
      },
    ]);
    const byDefault = await postQuote(bullet);
    expect(byDefault.status).toBe(200);
    expect(byDefault.json.totalInterest).toBe('164.38');
  });

  it('honours firstDueDate', async () => {
    const terms = { principal: '12000.00', annualRate: '0.12', termCount: 12, method: 'EQUAL_INSTALLMENT' };
    const answer = await postQuote({ ...terms, startDate: '2026-12-01', firstDueDate: '2027-01-15' });
    expect(answer.status).toBe(200);
    const installments = answer.json.installments as Array<{ dueDate: string; interest: string }>;
    expect(installments).toHaveLength(12);
    expect(installments.slice(0, 3).map((i) => i.dueDate)).toEqual(['2027-01-15', '2027-02-15', '2027-03-15']);
    expect(installments[0]?.interest).toBe('175.23');
  });

  it('refuses a day count it does not support, naming the field', async () => {
    const answer = await postQuote({ ...bullet, dayCount: 'BOGUS' });
    expect(answer.status).toBe(400);
    const [problem, ...rest] = problemsOf(answer.json);
    expect(rest).toEqual([]);
    expect(problem?.field).toBe('dayCount');
    expect(problem?.message.en).toMatch(/ACT\/365/);
    expect(problem?.message.zh).toMatch(/ACT\/360/);
  });

  it('refuses a first due date that is not a date, not after the start or beyond two periods', async () => {
    for (const firstDueDate of ['2027-02-30', '2026-12-01', '2027-02-02']) {
      const answer = await postQuote({ ...bullet, frequency: 'MONTHLY', termCount: 3, firstDueDate });
      expect(answer.status, firstDueDate).toBe(400);
      expect(
        problemsOf(answer.json).map((p) => p.field),
        firstDueDate,
      ).toEqual(['firstDueDate']);
    }
  });

  it('refuses unknown fields, each named, in Chinese and English', async () => {
    const answer = await postQuote({
      ...bullet,
      daycount: 'ACT/360',
      gracePeriod: 3,
      fees: [{ kind: 'UPFRONT', amount: '10.00', vat: '0.60' }],
    });
    expect(answer.status).toBe(400);
    const problems = problemsOf(answer.json);
    expect(problems.map((p) => `${p.field}:${p.code}`).sort()).toEqual([
      'daycount:UNKNOWN_FIELD',
      'fees.0.vat:UNKNOWN_FIELD',
      'gracePeriod:UNKNOWN_FIELD',
    ]);
    for (const p of problems) {
      expect(p.message.zh).toContain(p.field.split('.').at(-1));
      expect(p.message.en).toContain(p.field.split('.').at(-1));
    }
  });
});

describe('POST /v1/loans/{loanId}/reviews', () => {
  it('refuses a change it does not know before it reaches the loan, naming the field', async () => {
    const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
    const reviewer = await api.login('final_reviewer');
    const loanId = `loan-20260101-${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const refusal = await api
      .call('POST', `/v1/loans/${loanId}/reviews`, {
        token: reviewer.token,
        body: { stage: 'FINAL', decision: 'APPROVE', comment: '调低利率后同意', annualrate: '0.1000' },
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refusal).toBeInstanceOf(ApiCallError);
    const { status, body } = refusal as ApiCallError;
    expect(status).toBe(400);
    expect(body?.error?.code).toBe('VALIDATION_FAILED');
    expect(body?.error?.fields).toEqual([
      {
        field: 'annualrate',
        code: 'UNKNOWN_FIELD',
        message: { zh: '不支持的字段：annualrate', en: 'is not a known field: annualrate' },
      },
    ]);
  });
});
