// Reversals over HTTP on the running stack: a bank transfer finance posted that the bank never
// received is reversed by maker and checker. The maker cannot approve, other roles cannot touch
// it, bad input is a 4xx naming the field, two approvals at once reverse once, every step is
// audited, and reconciliation's finding for the mistaken posting clears.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runReconciliation } from '../../db/ledger-reads.js';
import { createLogger } from '../../lib/logger.js';
import { createBankClient } from '../../partners/bank-client.js';
import '../setup/provided.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { financeMakerAndChecker } from './support/finance-users.js';
import { activeLoanOverHttp, findingsFor, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
const bankUrl = `${stack.simulatorUrl}/bank`;
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
  body: { error?: { code: string; fields?: Array<{ field: string; message: { zh: string; en: string } }> } } & Record<
    string,
    unknown
  >;
}

async function send(method: string, path: string, token: string, body?: unknown): Promise<Answer> {
  const response = await api.fetch(method, path, { token, ...(body === undefined ? {} : { body }) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** A staff posting made and approved: it is applied to the loan. */
async function posted(amount: string, channel: 'CASH' | 'BANK_TRANSFER'): Promise<string> {
  const paymentId = `staff-${randomUUID()}`;
  const made = await send('POST', `/v1/loans/${loanId}/repayments`, maker.token, { paymentId, amount, channel });
  expect(made.status).toBe(202);
  const approved = await send('POST', `/v1/finance/repayments/${paymentId}/approve`, checker.token);
  expect(approved.status).toBe(200);
  return paymentId;
}

const requestReversal = (paymentId: string, token: string, body: unknown = { reason: 'the bank never received it' }) =>
  send('POST', `/v1/finance/repayments/${paymentId}/reversal`, token, body);
const approveReversal = (paymentId: string, token: string) =>
  send('POST', `/v1/finance/repayments/${paymentId}/reversal/approve`, token);
const rejectReversal = (paymentId: string, token: string, body: unknown) =>
  send('POST', `/v1/finance/repayments/${paymentId}/reversal/reject`, token, body);

async function balances() {
  const detail = await api.loan(borrower.token, loanId);
  return (detail.servicing as { balances: Record<string, string> }).balances;
}

async function reconciliationCodes(paymentId: string): Promise<string[]> {
  const bank = createBankClient({ baseUrl: bankUrl, log: createLogger('reversal-test', 'silent'), timeoutMs: 20_000 });
  const report = await runReconciliation(sql, bank);
  return report.findings.filter((f) => f.ref === `payment:${paymentId}`).map((f) => f.code);
}

describe('reversing a repayment needs a maker and a checker', () => {
  it('reverses a mistaken bank transfer once, refuses everyone but a second finance user, and clears reconciliation', async () => {
    const before = await balances();
    const paymentId = await posted('150.00', 'BANK_TRANSFER');
    expect(await reconciliationCodes(paymentId)).toEqual(['ENTRY_WITHOUT_INCOMING']);

    // Other roles, an unknown payment, a missing reason.
    expect((await requestReversal(paymentId, collector.token)).status).toBe(403);
    expect((await requestReversal(paymentId, borrower.token)).status).toBe(403);
    expect((await requestReversal('no-such-payment', maker.token)).status).toBe(404);
    for (const body of [{}, { reason: '   ' }, { reason: 'x'.repeat(501) }]) {
      const bad = await requestReversal(paymentId, maker.token, body);
      expect(bad.status).toBe(400);
      expect(bad.body.error!.fields!.map((f) => f.field)).toEqual(['reason']);
      expect(bad.body.error!.fields![0]!.message.zh).toBeTruthy();
    }

    const requested = await requestReversal(paymentId, maker.token);
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({
      paymentId,
      loanId,
      status: 'PENDING_APPROVAL',
      maker: { username: 'finance' },
    });
    expect((await requestReversal(paymentId, maker.token)).body).toMatchObject({ status: 'PENDING_APPROVAL' });
    const { items } = await api.call<{ items: Array<{ paymentId: string }> }>('GET', '/v1/finance/reversals', {
      token: checker.token,
    });
    expect(items.map((i) => i.paymentId)).toContain(paymentId);

    // The maker cannot approve it; nor can a collector; nothing changed yet.
    const own = await approveReversal(paymentId, maker.token);
    expect(own.status).toBe(403);
    expect(own.body.error!.code).toBe('OWN_REVERSAL');
    expect((await approveReversal(paymentId, collector.token)).status).toBe(403);
    expect(await reconciliationCodes(paymentId)).toEqual(['ENTRY_WITHOUT_INCOMING']);

    // The checker's approval, sent twice at once: one reversal. The second either finds it done (409)
    // or reaches the loan while the first is running and is answered as a duplicate.
    const both = await Promise.all([
      approveReversal(paymentId, checker.token),
      approveReversal(paymentId, checker.token),
    ]);
    const applied = both
      .filter((x) => x.status === 200)
      .map((x) => x.body.reversal as { duplicate: boolean; entries: string[] });
    expect(applied.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(both.every((x) => x.status === 200 || x.status === 409)).toBe(true);
    expect(applied.find((r) => !r.duplicate)!.entries).toContain(`reversal:payment:${paymentId}`);
    const [reversals] = await sql<{ n: number }[]>`
      select count(*)::int as n from journal_entries where business_key = ${`reversal:payment:${paymentId}`}`;
    expect(reversals!.n).toBe(1);
    // The checker approving again (say after a lost answer) hears the recorded reversal, not a second one.
    const again = await approveReversal(paymentId, checker.token);
    expect(again.status).toBe(200);
    expect(again.body.reversal).toMatchObject({ paymentId, duplicate: true });
    const [row] = await sql<{ status: string; reversed_at: Date | null }[]>`
      select status, reversed_at from payment_reversals where payment_id = ${paymentId}`;
    expect(row!.status).toBe('APPROVED');
    expect(row!.reversed_at).not.toBeNull();

    // The loan is as if the transfer never came; the repayment row and its entry stay.
    expect(await balances()).toEqual(before);
    const [kept] = await sql<
      { n: number }[]
    >`select count(*)::int as n from repayments where payment_id = ${paymentId}`;
    expect(kept!.n).toBe(1);
    expect(await findingsFor(sql, bankUrl, [loanId], 10_000)).toEqual([]);

    const audit = await sql<{ action: string; result: string }[]>`
      select action, result from audit_log where resource_id = ${paymentId} and action like 'REVERSAL%' order by at, id`;
    expect(audit.slice(0, 2)).toEqual([
      { action: 'REVERSAL_REQUESTED', result: 'SUCCESS' },
      { action: 'REVERSAL_APPROVE', result: 'DENIED' },
    ]);
    expect(
      audit.filter((r) => r.action === 'REVERSAL_APPROVE' && r.result === 'SUCCESS').length,
    ).toBeGreaterThanOrEqual(1);
    // The approval after it was done answers the recorded reversal and is audited as such.
    expect(audit.at(-1)).toEqual({ action: 'REVERSAL_APPROVE', result: 'SUCCESS' });
  });

  it('a rejected request reverses nothing and says why; the maker cannot reject their own', async () => {
    const paymentId = await posted('60.00', 'CASH');
    const withPayment = await balances();
    expect((await requestReversal(paymentId, maker.token, { reason: 'counted twice' })).status).toBe(202);
    expect((await rejectReversal(paymentId, maker.token, { reason: 'no' })).status).toBe(403);
    const noReason = await rejectReversal(paymentId, checker.token, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error!.fields!.map((f) => f.field)).toEqual(['reason']);
    const rejected = await rejectReversal(paymentId, checker.token, { reason: 'the cash was counted once' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', rejectReason: 'the cash was counted once' });
    expect((await approveReversal(paymentId, checker.token)).status).toBe(409);
    expect(await balances()).toEqual(withPayment);
    expect(await findingsFor(sql, bankUrl, [loanId], 10_000)).toEqual([]);
  });
});
