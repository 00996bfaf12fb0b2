// Servicing over HTTP on the running stack: schedule, repayments from each channel (idempotent; online
// ones through the payment gateway),
// the signed bank notification of an incoming transfer, finance's ledger and reconciliation.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { ROOT } from '../../lib/tools.js';
import { callbackSignatureHeaders } from '../../partners/signature.js';
import { createSimulatorAdminClient } from '../../simulators/admin-client.js';
import '../setup/provided.js';
import { ApiCallError, ApiClient, type Session } from '../../drivers/api-client.js';
import {
  gatewayCard,
  orderOnlinePayment,
  payOnHostedPage,
  waitForOnlinePayment,
} from '../../drivers/online-payments.js';
import { financeMakerAndChecker } from './support/finance-users.js';
import { activeLoanOverHttp, findingsFor, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const admin = createSimulatorAdminClient({ baseUrl: stack.simulatorUrl, log: createLogger('test', 'silent') });
const sql = stackDb(stack.databaseUrl);
let finance: Session;
let checker: Session;
let auditor: Session;

beforeAll(async () => {
  [{ maker: finance, checker }, auditor] = await Promise.all([financeMakerAndChecker(api), api.login('auditor')]);
});
afterAll(async () => {
  await sql.end();
});

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (err) {
    if (err instanceof ApiCallError) return err.status;
    throw err;
  }
}

describe('servicing over HTTP', () => {
  it('shows the schedule, takes online, cash and bank-transfer repayments once each, and reconciles', async () => {
    const { session, loanId } = await activeLoanOverHttp(api);
    const { installments } = await api.call<{
      installments: Array<{ number: number; dueDate: string; total: string; status: string }>;
    }>('GET', `/v1/loans/${loanId}/schedule`, { token: session.token });
    expect(installments).toHaveLength(6);
    expect(installments.every((i) => i.status === 'UPCOMING')).toBe(true);
    const detail = await api.loan(session.token, loanId);
    const servicing = detail.servicing as {
      balances: { principal: string };
      payoffToday: string;
      nextDue: { number: number };
    };
    expect(servicing.balances.principal).toBe('8000.00');
    expect(servicing.nextDue.number).toBe(1);

    // Online: an order at the payment gateway; the loan changes only once the gateway confirms it.
    const ordered = await orderOnlinePayment(api, session.token, loanId, { amount: '300.00' });
    expect(ordered).toMatchObject({ status: 'PENDING', payUrl: expect.stringContaining('/gateway/pay/') });
    const repeated = await orderOnlinePayment(api, session.token, loanId, {
      amount: '300.00',
      paymentId: ordered.paymentId,
    });
    expect(repeated.payUrl).toBe(ordered.payUrl);
    expect(await payOnHostedPage(ordered.payUrl!, gatewayCard())).toMatchObject({ status: 200 });
    const applied = await waitForOnlinePayment(api, session.token, loanId, ordered.paymentId);
    expect(applied).toMatchObject({ status: 'APPLIED', confirmedAmount: '300.00', appliedAfterExpiry: false });
    // Nothing is due yet: under money rules version 2 no installment is paid ahead, and the
    // consumer product keeps the money as credit for the first due date (CARRY_FORWARD).
    const result = applied.result as { allocation: { toCredit: string; installments: Array<{ number: number }> } };
    expect(result.allocation).toMatchObject({ toCredit: '300.00', installments: [] });

    expect(
      await status(
        api.call('POST', `/v1/loans/${loanId}/repayments`, {
          token: session.token,
          body: { paymentId: `cash-${randomUUID()}`, amount: '10.00', channel: 'CASH' },
        }),
      ),
    ).toBe(403);
    expect(
      await status(
        api.call('POST', `/v1/loans/${loanId}/repayments`, {
          token: auditor.token,
          body: { paymentId: `x-${randomUUID()}`, amount: '10.00', channel: 'CASH' },
        }),
      ),
    ).toBe(403);
    expect(
      await status(
        api.call('POST', `/v1/loans/${loanId}/repayments`, {
          token: finance.token,
          body: { paymentId: `cash-${randomUUID()}`, amount: '0.00', channel: 'CASH' },
        }),
      ),
    ).toBe(422);
    // Cash recorded by finance waits for a second finance user (maker-checker).
    const cashId = `cash-${randomUUID()}`;
    const cash = await api.fetch('POST', `/v1/loans/${loanId}/repayments`, {
      token: finance.token,
      body: { paymentId: cashId, amount: '200.00', channel: 'CASH' },
    });
    expect(cash.status).toBe(202);
    const approved = await api.fetch('POST', `/v1/finance/repayments/${cashId}/approve`, { token: checker.token });
    expect(approved.status).toBe(200);

    const other = await api.registerBorrower({ profileDigit: 1 });
    const otherSession = await api.login(other.phone, other.password);
    expect(
      await status(
        api.call('POST', `/v1/loans/${loanId}/repayments`, {
          token: otherSession.token,
          body: { paymentId: `x-${randomUUID()}`, amount: '10.00', channel: 'ONLINE' },
        }),
      ),
    ).toBe(404);
    // The hidden loan answered 404 like any unknown one, and the refusal is audited.
    const refusals = await sql<{ actor_role: string; result: string; detail: Record<string, unknown> }[]>`
      select actor_role, result, detail from audit_log where action = 'ACCESS_DENIED' and loan_id = ${loanId}`;
    expect(refusals).toEqual([
      {
        actor_role: 'BORROWER',
        result: 'DENIED',
        detail: expect.objectContaining({ reason: 'OUT_OF_SCOPE', route: 'POST /v1/loans/:loanId/repayments' }),
      },
    ]);

    // The borrower transfers money to us; the bank's signed notice becomes a BANK_TRANSFER repayment.
    const notice = await admin.simulateIncomingPayment({
      reference: loanId,
      amount: '150.00',
      notifyUrl: `${stack.apiUrl}/v1/partners/bank/incoming`,
    });
    const deadline = Date.now() + 30_000;
    let items: Array<{ paymentId: string; channel: string }> = [];
    while (Date.now() < deadline) {
      ({ items } = await api.call<{ items: Array<{ paymentId: string; channel: string }> }>(
        'GET',
        `/v1/loans/${loanId}/repayments`,
        { token: session.token },
      ));
      if (items.some((i) => i.paymentId === notice.paymentId)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(items.map((i) => i.channel).sort()).toEqual(['BANK_TRANSFER', 'CASH', 'ONLINE']);
    // The payment applied from the bank's callback is audited with its amount and reference (the
    // route writes the row once the workflow answered, which may be just after the list shows it).
    const auditedAt = Date.now() + 30_000;
    let fromBank: { actor_id: string; result: string; loan_id: string; detail: Record<string, unknown> } | undefined;
    while (!fromBank && Date.now() < auditedAt) {
      [fromBank] = await sql<NonNullable<typeof fromBank>[]>`
        select actor_id, result, loan_id, detail from audit_log
        where action = 'BANK_INCOMING_PAYMENT' and resource_id = ${notice.paymentId} order by id limit 1`;
      if (!fromBank) await new Promise((r) => setTimeout(r, 300));
    }
    expect(fromBank).toEqual({
      actor_id: 'system:bank',
      result: 'SUCCESS',
      loan_id: loanId,
      detail: expect.objectContaining({ amount: '150.00', reference: loanId, outcome: 'applied' }),
    });

    const ledger = await api.call<{ balances: { principal: string }; entries: Array<{ kind: string }> }>(
      'GET',
      `/v1/finance/ledger/loans/${loanId}`,
      { token: finance.token },
    );
    expect(ledger.entries.filter((e) => e.kind === 'DISBURSEMENT')).toHaveLength(1);
    expect(ledger.entries.filter((e) => e.kind === 'REPAYMENT')).toHaveLength(3);
    const after = await api.loan(session.token, loanId);
    expect((after.servicing as { balances: { principal: string } }).balances.principal).toBe(ledger.balances.principal);

    expect(
      await findingsFor(
        sql,
        `${stack.simulatorUrl}/bank`,
        [loanId, notice.paymentId],
        60_000,
        `${stack.simulatorUrl}/gateway`,
      ),
    ).toEqual([]);
    const report = await api.call<{ clean: boolean; counts: { entries: number } }>(
      'GET',
      '/v1/finance/reconciliation',
      { token: finance.token },
    );
    expect(report.counts.entries).toBeGreaterThan(0);
    expect(await status(api.call('GET', '/v1/finance/reconciliation', { token: session.token }))).toBe(403);
  });

  it('refuses bank callbacks without a valid signature and accepts signed ones', async () => {
    const body = JSON.stringify({
      kind: 'TRANSFER',
      transferId: 'trf_x',
      idempotencyKey: 'loan:none:disbursement',
      reference: 'loan-20260101-0000000000',
      status: 'SUCCEEDED',
      amount: '1.00',
      currency: 'CNY',
      createdAt: new Date().toISOString(),
    });
    const unsigned = await fetch(`${stack.apiUrl}/v1/partners/bank/callbacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unsigned.status).toBe(401);
    const forged = await fetch(`${stack.apiUrl}/v1/partners/bank/callbacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...callbackSignatureHeaders('not-the-secret-at-all', body) },
      body,
    });
    expect(forged.status).toBe(401);
    const signed = await fetch(`${stack.apiUrl}/v1/partners/bank/callbacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...callbackSignatureHeaders(stack.bankCallbackSecret, body) },
      body,
    });
    expect(signed.status).toBe(200);
    expect(await signed.json()).toEqual({ accepted: false, detail: 'NOT_FOUND' });
    // The forged ones and the signed one are each audited: refused, and delivered to no loan.
    const rows = await sql<{ result: string; resource_id: string | null; detail: Record<string, unknown> }[]>`
      select result, resource_id, detail from audit_log where action = 'BANK_SETTLEMENT_CALLBACK'
        and (resource_id = 'trf_x' or (result = 'DENIED' and resource_id is null)) order by id desc limit 3`;
    expect(rows.reverse()).toEqual([
      { result: 'DENIED', resource_id: null, detail: expect.objectContaining({ reason: 'BAD_SIGNATURE' }) },
      { result: 'DENIED', resource_id: null, detail: expect.objectContaining({ reason: 'BAD_SIGNATURE' }) },
      {
        result: 'FAILURE',
        resource_id: 'trf_x',
        detail: expect.objectContaining({
          amount: '1.00',
          reference: 'loan-20260101-0000000000',
          outcome: 'NOT_FOUND',
        }),
      },
    ]);
  });

  it('pauses and resumes disbursements for ops, and refuses a retry of a loan that did not fail', async () => {
    const ops = await api.login('ops');
    const paused = await api.call<{ paused: boolean; reason: string }>('PUT', '/v1/finance/disbursements/pause', {
      token: ops.token,
      body: { paused: true, reason: '银行系统维护' },
    });
    expect(paused).toMatchObject({ paused: true, reason: '银行系统维护' });
    const resumed = await api.call<{ paused: boolean }>('PUT', '/v1/finance/disbursements/pause', {
      token: ops.token,
      body: { paused: false, reason: '维护结束' },
    });
    expect(resumed.paused).toBe(false);
    expect(
      await status(
        api.call('PUT', '/v1/finance/disbursements/pause', {
          token: finance.token,
          body: { paused: true, reason: 'x' },
        }),
      ),
    ).toBe(403);
    const { loanId } = await activeLoanOverHttp(api);
    const error = await api
      .call('POST', `/v1/finance/loans/${loanId}/disbursement/retry`, { token: ops.token })
      .catch((err: ApiCallError) => err);
    expect(error).toBeInstanceOf(ApiCallError);
    expect((error as ApiCallError).status).toBe(409);
  });

  it('answers `npm run reconcile` with the same checks from the command line', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'scripts/reconcile.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        APP_MODE: 'local',
        DATABASE_URL: stack.databaseUrl,
        // The installation's keys: the run's audit row continues the keyed chain.
        DATA_KEY_FILE: stack.dataKeyFile,
        BANK_URL: `${stack.simulatorUrl}/bank`,
        GATEWAY_URL: `${stack.simulatorUrl}/gateway`,
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stdout).toMatch(/Reconciliation at .* entries, \d+ loans/);
    expect([0, 1]).toContain(run.status);
    if (run.status === 0) expect(run.stdout).toContain('账目相符 / Clean');
    else expect(run.stdout).toMatch(/- [A-Z_]+/);
  });
});
