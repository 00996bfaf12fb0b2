// Maker-checker for staff postings over HTTP on the running stack: a CASH or BANK_TRANSFER
// repayment recorded by finance changes nothing until a different finance user approves it (once,
// even when two approve at the same moment) or the bank's statement confirms it; a rejected one
// never reaches the loan; every step leaves an audit row.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { createSimulatorAdminClient } from '../../simulators/admin-client.js';
import '../setup/provided.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { anotherFinanceUser, financeMakerAndChecker } from './support/finance-users.js';
import { activeLoanOverHttp, findingsFor, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const admin = createSimulatorAdminClient({ baseUrl: stack.simulatorUrl, log: createLogger('test', 'silent') });
const sql = stackDb(stack.databaseUrl);
let maker: Session;
let checker: Session;
let collector: Session;
let loanId: string;
let borrower: Session;

beforeAll(async () => {
  [{ maker, checker }, collector] = await Promise.all([financeMakerAndChecker(api), api.login('collector')]);
  ({ loanId, session: borrower } = await activeLoanOverHttp(api));
});
afterAll(async () => {
  await sql.end();
});

interface Answer {
  status: number;
  body: { error?: { code: string; message: { zh: string; en: string }; fields?: Array<{ field: string }> } } & Record<
    string,
    unknown
  >;
}

async function send(method: string, path: string, token: string, body?: unknown): Promise<Answer> {
  const response = await api.fetch(method, path, { token, ...(body === undefined ? {} : { body }) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

function record(amount: string, channel: 'CASH' | 'BANK_TRANSFER' = 'CASH', reference?: string) {
  const paymentId = `staff-${randomUUID()}`;
  return send('POST', `/v1/loans/${loanId}/repayments`, maker.token, {
    paymentId,
    amount,
    channel,
    ...(reference ? { reference } : {}),
  }).then((answer) => ({ paymentId, answer }));
}

const approve = (paymentId: string, token: string) =>
  send('POST', `/v1/finance/repayments/${paymentId}/approve`, token);
const reject = (paymentId: string, token: string, body: unknown) =>
  send('POST', `/v1/finance/repayments/${paymentId}/reject`, token, body);

async function loanState() {
  const detail = await api.loan(borrower.token, loanId);
  const { items } = await api.call<{ items: Array<{ paymentId: string }> }>('GET', `/v1/loans/${loanId}/repayments`, {
    token: borrower.token,
  });
  const ledger = await api.call<{ entries: Array<{ kind: string; businessKey: string }> }>(
    'GET',
    `/v1/finance/ledger/loans/${loanId}`,
    { token: maker.token },
  );
  return {
    balances: (detail.servicing as { balances: Record<string, string> }).balances,
    payments: items.map((i) => i.paymentId),
    entries: ledger.entries.filter((e) => e.kind === 'REPAYMENT').map((e) => e.businessKey),
  };
}

async function auditRows(paymentId: string) {
  return sql<{ action: string; result: string; actor_id: string | null; detail: Record<string, unknown> }[]>`
    select action, result, actor_id, detail from audit_log where resource_id = ${paymentId} order by at, id`;
}

describe('staff postings need a maker and a checker', () => {
  it('keeps a recorded cash repayment pending and changes nothing on the loan', async () => {
    const before = await loanState();
    const { paymentId, answer } = await record('120.00');
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ paymentId, status: 'PENDING_APPROVAL' });
    const again = await send('POST', `/v1/loans/${loanId}/repayments`, maker.token, {
      paymentId,
      amount: '120.00',
      channel: 'CASH',
    });
    expect(again).toEqual({ status: 202, body: { paymentId, status: 'PENDING_APPROVAL' } });
    const future = await send('POST', `/v1/loans/${loanId}/repayments`, maker.token, {
      paymentId: `staff-${randomUUID()}`,
      amount: '5.00',
      channel: 'CASH',
      receivedOn: '2099-01-01',
    });
    expect(future.status).toBe(422);
    expect(future.body.error!.fields!.map((f) => f.field)).toEqual(['receivedOn']);
    // Not a date at all, also under a paymentId already recorded: 422 naming the field, never a 500.
    for (const id of [paymentId, `staff-${randomUUID()}`]) {
      const notADate = await send('POST', `/v1/loans/${loanId}/repayments`, maker.token, {
        paymentId: id,
        amount: '120.00',
        channel: 'CASH',
        receivedOn: '0000-00-00',
      });
      expect(notADate.status).toBe(422);
      expect(notADate.body.error!.fields!.map((f) => f.field)).toEqual(['receivedOn']);
    }
    expect(await loanState()).toEqual(before);

    const { items } = await api.call<{
      items: Array<{
        paymentId: string;
        maker: { username: string };
        loanId: string;
        amount: string;
        ageSeconds: number;
      }>;
    }>('GET', '/v1/finance/repayments?status=PENDING_APPROVAL', { token: checker.token });
    expect(items.find((i) => i.paymentId === paymentId)).toMatchObject({
      loanId,
      amount: '120.00',
      channel: 'CASH',
      reference: null,
      maker: { username: 'finance' },
    });
    expect(items.find((i) => i.paymentId === paymentId)!.ageSeconds).toBeGreaterThanOrEqual(0);
  });

  it('refuses the maker approving or rejecting their own posting, then applies the checker’s approval once', async () => {
    const before = await loanState();
    const { paymentId } = await record('200.00');

    const own = await approve(paymentId, maker.token);
    expect(own.status).toBe(403);
    expect(own.body.error!.code).toBe('OWN_POSTING');
    expect(own.body.error!.message.zh).toMatch(/自己/);
    expect(own.body.error!.message.en).toMatch(/yourself/);
    expect((await reject(paymentId, maker.token, { reason: '重复登记' })).status).toBe(403);
    expect(await loanState()).toEqual(before);

    const ok = await approve(paymentId, checker.token);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ paymentId, status: 'APPROVED', repayment: { paymentId, amount: '200.00' } });
    const after = await loanState();
    expect(after.payments.filter((p) => p === paymentId)).toHaveLength(1);
    expect(after.entries.filter((k) => k === `payment:${paymentId}`)).toHaveLength(1);
    expect(after.balances).not.toEqual(before.balances);

    const twice = await approve(paymentId, checker.token);
    expect(twice.status).toBe(409);
    expect(twice.body.error!.code).toBe('POSTING_ALREADY_DECIDED');
    expect((await reject(paymentId, checker.token, { reason: 'too late' })).status).toBe(409);
    expect(await loanState()).toEqual(after);

    const rows = await auditRows(paymentId);
    const checkerId = (await api.call<{ userId: string }>('GET', '/v1/auth/me', { token: checker.token })).userId;
    const makerId = (await api.call<{ userId: string }>('GET', '/v1/auth/me', { token: maker.token })).userId;
    expect(rows.map((r) => `${r.action}:${r.result}`)).toEqual([
      'REPAYMENT_RECORDED:SUCCESS',
      'REPAYMENT_APPROVE:DENIED',
      'REPAYMENT_REJECT:DENIED',
      'REPAYMENT_APPROVE:SUCCESS',
      'REPAYMENT_APPROVE:DENIED',
      'REPAYMENT_REJECT:DENIED',
    ]);
    expect(rows[0]!.actor_id).toBe(makerId);
    expect(rows[3]).toMatchObject({ actor_id: checkerId, detail: { maker: makerId, checker: checkerId } });
  });

  it('closes a rejected posting without posting it; a rejection needs a reason', async () => {
    const before = await loanState();
    const { paymentId } = await record('75.00', 'BANK_TRANSFER', 'slip-9931');
    const noReason = await reject(paymentId, checker.token, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error!.fields!.map((f) => f.field)).toContain('reason');
    expect((await reject(paymentId, checker.token, { reason: '  ' })).status).toBe(400);

    const rejected = await reject(paymentId, checker.token, { reason: '银行未见此笔来账' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ paymentId, status: 'REJECTED', rejectReason: '银行未见此笔来账' });
    const late = await approve(paymentId, checker.token);
    expect(late.status).toBe(409);
    expect(await loanState()).toEqual(before);
    const rows = await auditRows(paymentId);
    expect(rows.find((r) => r.action === 'REPAYMENT_REJECT' && r.result === 'SUCCESS')!.detail).toMatchObject({
      reason: '银行未见此笔来账',
    });
  });

  it('lets exactly one of two checkers approving at the same moment win, and applies the posting once', async () => {
    const ops = await api.login('ops');
    expect((await approve(`nobody-${randomUUID()}`, checker.token)).status).toBe(404);
    const { paymentId } = await record('50.00');
    // Two checkers, neither the maker: finance_checker and a finance user the administrator creates.
    const second = await anotherFinanceUser(api);

    const before = await loanState();
    const answers = await Promise.all([approve(paymentId, checker.token), approve(paymentId, second.token)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const after = await loanState();
    expect(after.payments.filter((p) => p === paymentId)).toHaveLength(1);
    expect(after.entries.filter((k) => k === `payment:${paymentId}`)).toHaveLength(1);
    expect(after.payments).toHaveLength(before.payments.length + 1);

    const other = await record('10.00');
    for (const token of [borrower.token, collector.token, ops.token]) {
      expect((await approve(other.paymentId, token)).status).toBe(403);
      expect((await reject(other.paymentId, token, { reason: 'x' })).status).toBe(403);
    }
    expect((await send('GET', '/v1/finance/repayments', collector.token)).status).toBe(403);
  });

  it('confirms a pending bank transfer by the matching line of the bank statement', async () => {
    const reference = `ZHANG-${randomUUID().slice(0, 8)}`;
    // The borrower's transfer names no loan, so the bank's notice cannot be applied by itself.
    const line = await admin.simulateIncomingPayment({
      reference,
      amount: '88.00',
      notifyUrl: `${stack.apiUrl}/v1/partners/bank/incoming`,
    });
    const wrongAmount = await record('87.00', 'BANK_TRANSFER', reference);
    const { paymentId } = await record('88.00', 'BANK_TRANSFER', reference);
    const before = await loanState();

    // Any finance user may run the match (another test file's run may take it first): the
    // posting ends approved by the line, whoever asked.
    const { matched } = await api.call<{ matched: Array<{ paymentId: string; statementLineId: string }> }>(
      'POST',
      '/v1/finance/repayments/statement-match',
      { token: checker.token },
    );
    expect(matched.filter((m) => m.paymentId === paymentId).map((m) => m.statementLineId)).toEqual(
      matched.some((m) => m.paymentId === paymentId) ? [line.paymentId] : [],
    );
    expect(matched.some((m) => m.paymentId === wrongAmount.paymentId)).toBe(false);
    const { items } = await api.call<{
      items: Array<{ paymentId: string; checkedBy: string; statementLineId: string; postedPaymentId: string }>;
    }>('GET', '/v1/finance/repayments?status=APPROVED', { token: checker.token });
    expect(items.find((i) => i.paymentId === paymentId)).toMatchObject({
      checkedBy: 'system:bank-statement',
      statementLineId: line.paymentId,
      postedPaymentId: line.paymentId,
    });
    const after = await loanState();
    expect(after.payments).toEqual([...before.payments, line.paymentId]);
    expect(after.entries.filter((k) => k === `payment:${line.paymentId}`)).toHaveLength(1);

    // Matching again takes nothing more: the line is used.
    const again = await api.call<{ matched: Array<{ paymentId: string }> }>(
      'POST',
      '/v1/finance/repayments/statement-match',
      { token: checker.token },
    );
    expect(again.matched.some((m) => m.paymentId === paymentId || m.paymentId === wrongAmount.paymentId)).toBe(false);
    expect(await loanState()).toEqual(after);
    expect(
      await findingsFor(sql, `${stack.simulatorUrl}/bank`, [line.paymentId], 5_000, `${stack.simulatorUrl}/gateway`),
    ).toEqual([]);
    // Close the wrong one so later runs on this stack see no leftovers.
    expect((await reject(wrongAmount.paymentId, checker.token, { reason: '金额不符' })).status).toBe(200);
  });
});
