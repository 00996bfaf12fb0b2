// Refunds over HTTP on the running stack: a product that refunds overpayments above a low
// approval threshold; an overpayment recorded by finance waits for a finance checker's approval
// (403 for other roles and for the payment's maker), bad requests name their field, two approvals
// at once pay once, a repeated request answers the same, and the bank pays the refund to the
// borrower's account with reconciliation clean. An approval and a rejection sent at the same moment:
// exactly one is applied. A rejected refund is REJECTED and stays owed as the borrower's credit.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { money } from '../../domain/money.js';
import '../setup/provided.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { financeMakerAndChecker } from './support/finance-users.js';
import { activeLoanOverHttp, findingsFor, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
let maker: Session;
let checker: Session;
let collector: Session;
let riskManager: Session;
let borrower: Session;
let loanId: string;
let productCode: string;

interface Answer {
  status: number;
  body: { error?: { code: string; message: { zh: string; en: string }; fields?: Array<{ field: string }> } } & Record<
    string,
    unknown
  >;
}

interface ShownRefund {
  refundId: string;
  amount: string;
  status: string;
  idempotencyKey?: string;
  approvedBy?: string;
}

async function send(
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await api.fetch(method, path, { token, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const decide = (action: string, token: string, refundId = 'R1', body?: unknown, key?: string) =>
  send(
    'POST',
    `/v1/finance/loans/${loanId}/refunds/${refundId}/${action}`,
    token,
    body,
    key ? { 'idempotency-key': key } : {},
  );

async function refunds(token: string): Promise<ShownRefund[]> {
  return ((await api.loan(token, loanId)).refunds ?? []) as ShownRefund[];
}

async function untilRefund(status: string, timeoutMs = 60_000): Promise<ShownRefund> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await refunds(maker.token)).find((r) => r.refundId === 'R1');
    if (found?.status === status) return found;
    if (Date.now() > deadline) throw new Error(`refund R1 is ${found?.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A new loan whose overpayment of `extra`, recorded by finance, waits in APPROVAL as R1. */
async function refundAwaitingApproval(extra: string): Promise<ShownRefund> {
  ({ loanId, session: borrower } = await activeLoanOverHttp(api, { productCode }));
  const detail = await api.loan(borrower.token, loanId);
  const due = (detail.servicing as { nextDue: { amount: string } }).nextDue.amount;
  const paymentId = `staff-${randomUUID()}`;
  const recorded = await send('POST', `/v1/loans/${loanId}/repayments`, maker.token, {
    paymentId,
    amount: money(due).plus(extra).toFixed(2),
    channel: 'CASH',
  });
  expect(recorded.status).toBe(202);
  expect((await send('POST', `/v1/finance/repayments/${paymentId}/approve`, checker.token)).status).toBe(200);
  return untilRefund('APPROVAL');
}

/** The lines of the entry that kept refund 1 as the borrower's credit. */
const keptAsCredit = () => sql<{ account: string; debit: string; credit: string }[]>`
  select l.account, l.debit::text as debit, l.credit::text as credit from journal_lines l
  join journal_entries e on e.id = l.entry_id
  where e.business_key = ${`loan:${loanId}:refund:1:to-credit`} order by l.line_no`;

beforeAll(async () => {
  [{ maker, checker }, collector, riskManager] = await Promise.all([
    financeMakerAndChecker(api),
    api.login('collector'),
    api.login('risk_manager'),
  ]);
}, 60_000);
afterAll(async () => {
  await sql.end();
});

describe('refunds over HTTP', () => {
  it('validates the product’s refundApprovalThreshold and refundHoldDays, naming the field', async () => {
    const { products } = await api.call<{ products: Array<Record<string, unknown>> }>('GET', '/v1/products', {
      token: riskManager.token,
    });
    const base = products.find((p) => p.loanType === 'PERSONAL_CONSUMER')!;
    productCode = `REFUND_${randomUUID().slice(0, 8).toUpperCase()}`;
    for (const bad of ['-1.00', 12, '1.234']) {
      const refused = await send('PUT', `/v1/products/${productCode}`, riskManager.token, {
        ...base,
        code: productCode,
        overpayment: 'REFUND',
        refundApprovalThreshold: bad,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error!.fields!.map((f) => f.field)).toEqual(['refundApprovalThreshold']);
      expect(refused.body.error!.message.zh).toMatch(/refundApprovalThreshold/);
    }
    for (const bad of [-1, 31, '3']) {
      const refused = await send('PUT', `/v1/products/${productCode}`, riskManager.token, {
        ...base,
        code: productCode,
        overpayment: 'REFUND',
        refundHoldDays: bad,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error!.fields!.map((f) => f.field)).toEqual(['refundHoldDays']);
    }
    const saved = await send('PUT', `/v1/products/${productCode}`, riskManager.token, {
      ...base,
      code: productCode,
      overpayment: 'REFUND',
      refundApprovalThreshold: '50.00',
      // No hold here: the stack runs in real time (the hold is tested in test/workflow/refunds.test.ts).
      refundHoldDays: 0,
    });
    expect(saved.status).toBe(200);
  });

  it('holds an overpayment above the threshold for a finance checker, refuses everyone else, and pays it once', async () => {
    ({ loanId, session: borrower } = await activeLoanOverHttp(api, { productCode }));
    const detail = await api.loan(borrower.token, loanId);
    const due = (detail.servicing as { nextDue: { amount: string } }).nextDue.amount;
    const paymentId = `staff-${randomUUID()}`;
    const recorded = await send('POST', `/v1/loans/${loanId}/repayments`, maker.token, {
      paymentId,
      amount: money(due).plus('80.00').toFixed(2),
      channel: 'CASH',
    });
    expect(recorded.status).toBe(202);
    expect((await send('POST', `/v1/finance/repayments/${paymentId}/approve`, checker.token)).status).toBe(200);

    const waiting = await untilRefund('APPROVAL');
    expect(money(waiting.amount).gte('80.00')).toBe(true);
    // The borrower sees the amount and the state, never the bank keys.
    const shown = (await refunds(borrower.token))[0]!;
    expect(shown).toMatchObject({ refundId: 'R1', status: 'APPROVAL', amount: waiting.amount });
    expect(shown.idempotencyKey).toBeUndefined();

    // Other roles: refused by the permission check. The payment's maker: refused by the loan.
    for (const session of [collector, riskManager, borrower])
      expect((await decide('approve', session.token)).status).toBe(403);
    const own = await decide('approve', maker.token);
    expect(own.status).toBe(403);
    expect(own.body.error!.message.en).toMatch(/recorded the payment/);
    // Bad requests name their field.
    const unknown = await decide('approve', checker.token, 'R9');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error!.fields!.map((f) => f.field)).toEqual(['refundId']);
    const malformed = await decide('approve', checker.token, 'X1');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error!.fields!.map((f) => f.field)).toEqual(['param.refundId']);
    const noReason = await decide('reject', checker.token, 'R1', {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error!.fields!.map((f) => f.field)).toContain('reason');
    expect((await decide('retry', checker.token)).status).toBe(409);
    expect((await untilRefund('APPROVAL')).status).toBe('APPROVAL');

    // Two approvals at the same moment: one wins, the other is told it was decided.
    const keys = [`refund-${randomUUID()}`, `refund-${randomUUID()}`];
    const both = await Promise.all(keys.map((key) => decide('approve', checker.token, 'R1', undefined, key)));
    expect(both.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = both.findIndex((a) => a.status === 200);
    expect(both[1 - winner]!.body.error!.code).toBe('WRONG_STAGE');
    // The winner's request again (a retry after a timeout) gets its first answer.
    const repeat = await decide('approve', checker.token, 'R1', undefined, keys[winner]);
    expect(repeat.status).toBe(200);
    expect((repeat.body.refund as ShownRefund).refundId).toBe('R1');

    const paid = await untilRefund('PAID');
    const checkerId = (await api.call<{ userId: string }>('GET', '/v1/auth/me', { token: checker.token })).userId;
    expect(paid).toMatchObject({ approvedBy: checkerId, idempotencyKey: `loan:${loanId}:refund:1` });
    const entries = await sql<{ n: number }[]>`
      select count(*)::int as n from journal_entries where loan_id = ${loanId} and kind = 'REFUND'`;
    expect(entries[0]!.n).toBe(1);
    const audit = await sql<{ action: string; actor_id: string }[]>`
      select action, actor_id from audit_log where resource_id = ${`${loanId}:R1`} and result = 'SUCCESS'`;
    // The winning approval and its repeat; the refused ones are not successes.
    expect(audit).toEqual([
      { action: 'REFUND_APPROVED', actor_id: checkerId },
      { action: 'REFUND_APPROVED', actor_id: checkerId },
    ]);
    const tasks = await sql<{ status: string }[]>`
      select status from tasks where loan_id = ${loanId} and task_key = 'REFUND_APPROVAL:R1'`;
    expect(tasks).toEqual([{ status: 'DONE' }]);
    expect(await findingsFor(sql, `${stack.simulatorUrl}/bank`, [loanId])).toEqual([]);
  });
  it('applies exactly one of an approval and a rejection sent at the same moment; a rejection keeps the money as credit', async () => {
    const waiting = await refundAwaitingApproval('90.00');

    const answers = await Promise.all([
      decide('approve', checker.token, 'R1', undefined, `refund-${randomUUID()}`),
      decide('reject', checker.token, 'R1', { reason: '借款人要求留作后续还款' }, `refund-${randomUUID()}`),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const loser = answers.find((a) => a.status === 409)!;
    expect(loser.body.error!.code).toBe('WRONG_STAGE');
    const approved = answers[0].status === 200;

    const final = await untilRefund(approved ? 'PAID' : 'REJECTED');
    const entries = await sql<{ business_key: string }[]>`
      select business_key from journal_entries
      where loan_id = ${loanId} and business_key like ${`loan:${loanId}:refund:1%`} order by business_key`;
    const audit = await sql<{ action: string }[]>`
      select action from audit_log where resource_id = ${`${loanId}:R1`} and result = 'SUCCESS'`;
    if (approved) {
      expect(entries.map((e) => e.business_key)).toEqual([`loan:${loanId}:refund:1`]);
      expect(audit.map((a) => a.action)).toEqual(['REFUND_APPROVED']);
    } else {
      // Rejected: nothing goes to the bank; REFUND_PAYABLE → BORROWER_CREDIT keeps it owed.
      expect(final).toMatchObject({ status: 'REJECTED', amount: waiting.amount });
      expect(entries.map((e) => e.business_key)).toEqual([`loan:${loanId}:refund:1:to-credit`]);
      expect(audit.map((a) => a.action)).toEqual(['REFUND_REJECTED']);
      expect(await keptAsCredit()).toEqual([
        { account: 'REFUND_PAYABLE', debit: waiting.amount, credit: '0.00' },
        { account: 'BORROWER_CREDIT', debit: '0.00', credit: waiting.amount },
      ]);
    }
    // Whatever won, the refund is decided: a further decision is refused.
    expect((await decide('approve', checker.token, 'R1', undefined, `refund-${randomUUID()}`)).status).toBe(409);
    const tasks = await sql<{ status: string }[]>`
      select status from tasks where loan_id = ${loanId} and task_key = 'REFUND_APPROVAL:R1'`;
    expect(tasks).toEqual([{ status: 'DONE' }]);
    expect(await findingsFor(sql, `${stack.simulatorUrl}/bank`, [loanId])).toEqual([]);
  });
  it('rejects a refund with a reason: REJECTED, nothing sent to the bank, the amount kept as the borrower’s credit', async () => {
    const waiting = await refundAwaitingApproval('70.00');
    const rejected = await decide('reject', checker.token, 'R1', { reason: '借款人要求抵扣下期' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.refund).toMatchObject({ refundId: 'R1', status: 'REJECTED' });
    expect(await untilRefund('REJECTED')).toMatchObject({ amount: waiting.amount });
    expect(await keptAsCredit()).toEqual([
      { account: 'REFUND_PAYABLE', debit: waiting.amount, credit: '0.00' },
      { account: 'BORROWER_CREDIT', debit: '0.00', credit: waiting.amount },
    ]);
    const paid = await sql<{ n: number }[]>`
      select count(*)::int as n from journal_entries where loan_id = ${loanId} and kind = 'REFUND'`;
    expect(paid[0]!.n).toBe(0);
    // Final: neither an approval nor a retry reopens it.
    expect((await decide('approve', checker.token)).status).toBe(409);
    expect((await decide('retry', checker.token)).status).toBe(409);
    const tasks = await sql<{ task_key: string; status: string }[]>`
      select task_key, status from tasks where loan_id = ${loanId} and task_key like 'REFUND_%' order by task_key`;
    expect(tasks).toEqual([{ task_key: 'REFUND_APPROVAL:R1', status: 'DONE' }]);
    expect(await findingsFor(sql, `${stack.simulatorUrl}/bank`, [loanId])).toEqual([]);
  });
});
