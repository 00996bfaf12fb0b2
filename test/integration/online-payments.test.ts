// Online repayments over HTTP on the running stack: a borrower's ONLINE repayment is an order at the
// payment gateway simulator and changes nothing until the gateway's signed confirmation arrives;
// then the gateway's amount is applied once, whatever the gateway's faults (duplicate, late and
// withheld confirmations); forged, unknown and mismatched confirmations are refused and audited;
// unconfirmed orders expire (ONLINE_PAYMENT_TTL_SECONDS is 20 s on this stack); the settlement file
// lists exactly the payments the gateway confirmed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { createGatewayClient } from '../../partners/gateway-client.js';
import { callbackSignatureHeaders } from '../../partners/signature.js';
import { createSimulatorAdminClient } from '../../simulators/admin-client.js';
import '../setup/provided.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import {
  gatewayCard,
  onlinePayment,
  orderOnlinePayment,
  payOnHostedPage,
  repayOnline,
  waitForOnlinePayment,
  type OnlinePayment,
} from '../../drivers/online-payments.js';
import { activeLoanOverHttp, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const log = createLogger('test', 'silent');
const admin = createSimulatorAdminClient({ baseUrl: stack.simulatorUrl, log });
const gateway = createGatewayClient({ baseUrl: `${stack.simulatorUrl}/gateway`, log });
const sql = stackDb(stack.databaseUrl);
const partnerSql = stackDb(stack.partnerDatabaseUrl);
const CONFIRMATIONS = `${stack.apiUrl}/v1/partners/gateway/confirmations`;

let borrower: Session;
let finance: Session;
let loanId: string;
const startedAt = new Date();

beforeAll(async () => {
  ({ session: borrower, loanId } = await activeLoanOverHttp(api));
  finance = await api.login('finance');
});
afterAll(async () => {
  await Promise.all([sql.end(), partnerSql.end()]);
});

interface LoanState {
  status: string;
  principal: string;
  repayments: string[];
  repaymentEntries: number;
}

async function loanState(): Promise<LoanState> {
  const loan = await api.loan(borrower.token, loanId);
  const { items } = await api.call<{ items: Array<{ paymentId: string }> }>('GET', `/v1/loans/${loanId}/repayments`, {
    token: borrower.token,
  });
  const ledger = await api.call<{ entries: Array<{ kind: string }> }>('GET', `/v1/finance/ledger/loans/${loanId}`, {
    token: finance.token,
  });
  return {
    status: loan.status,
    principal: (loan.servicing as { balances: { principal: string } }).balances.principal,
    repayments: items.map((i) => i.paymentId),
    repaymentEntries: ledger.entries.filter((e) => e.kind === 'REPAYMENT').length,
  };
}

async function appliedTimes(paymentId: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from repayments where payment_id = ${paymentId}`;
  return row!.n;
}

function signed(body: unknown, secret = stack.gatewayCallbackSecret): RequestInit {
  const raw = JSON.stringify(body);
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...callbackSignatureHeaders(secret, raw) },
    body: raw,
  };
}

async function confirmationFor(order: OnlinePayment, amount = order.amount) {
  const gatewayOrder = await gateway.findOrder(order.paymentId);
  return {
    event: 'PAYMENT_CONFIRMED',
    orderId: gatewayOrder!.orderId,
    merchantOrderId: order.paymentId,
    status: 'PAID',
    amount,
    currency: 'CNY',
    paidAt: new Date().toISOString(),
  };
}

async function deliveredConfirmations(paymentId: string): Promise<number> {
  const order = await gateway.findOrder(paymentId);
  const [row] = await partnerSql<{ n: number }[]>`
    select count(*)::int as n from partner_callbacks
     where source = 'gateway' and subject_id = ${order!.orderId} and delivered_at is not null`;
  return row!.n;
}

async function audited(paymentId: string | null, reason?: string) {
  return sql<{ result: string; detail: Record<string, unknown> }[]>`
    select result, detail from audit_log
     where action = 'GATEWAY_CONFIRMATION' and at >= ${startedAt}
       and ${paymentId === null ? sql`resource_id is null` : sql`resource_id = ${paymentId}`}
       and ${reason ? sql`detail->>'reason' = ${reason}` : sql`true`}
     order by id`;
}

const paid: string[] = [];
const unpaid: string[] = [];

describe('online repayments through the payment gateway', () => {
  it('answers a borrower 202 with the pay page and changes nothing on the loan', async () => {
    const before = await loanState();
    const order = await orderOnlinePayment(api, borrower.token, loanId, { amount: '250000.00' });
    unpaid.push(order.paymentId);
    expect(order).toMatchObject({ status: 'PENDING', amount: '250000.00', channel: 'ONLINE' });
    expect(order.payUrl).toMatch(/\/gateway\/pay\/gwo_/);
    expect(await loanState()).toEqual(before);
    expect(await onlinePayment(api, borrower.token, loanId, order.paymentId)).toMatchObject({ status: 'PENDING' });
    expect(await gateway.findOrder(order.paymentId)).toMatchObject({ status: 'CREATED', amount: '250000.00' });

    // The pay page is HTML a browser opens.
    const page = await fetch(order.payUrl!);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('250000.00');

    const again = await orderOnlinePayment(api, borrower.token, loanId, {
      amount: '250000.00',
      paymentId: order.paymentId,
    });
    expect(again.payUrl).toBe(order.payUrl);
    const otherAmount = await api.fetch('POST', `/v1/loans/${loanId}/repayments`, {
      token: borrower.token,
      body: { paymentId: order.paymentId, amount: '1.00', channel: 'ONLINE' },
    });
    expect(otherAmount.status).toBe(409);
    const dated = await api.fetch('POST', `/v1/loans/${loanId}/repayments`, {
      token: borrower.token,
      body: { paymentId: `online-${randomUUID()}`, amount: '1.00', channel: 'ONLINE', receivedOn: '2026-01-01' },
    });
    expect(dated.status).toBe(400);
  });

  it('applies a paid order once, with the amount the gateway confirmed', async () => {
    const before = await loanState();
    const applied = await repayOnline(api, borrower.token, loanId, { amount: '300.00' });
    paid.push(applied.paymentId);
    expect(applied).toMatchObject({ status: 'APPLIED', confirmedAmount: '300.00', appliedAfterExpiry: false });
    const after = await loanState();
    expect(after.repayments).toEqual([...before.repayments, applied.paymentId]);
    expect(after.repaymentEntries).toBe(before.repaymentEntries + 1);
    expect(await appliedTimes(applied.paymentId)).toBe(1);
    expect(await gateway.findOrder(applied.paymentId)).toMatchObject({ status: 'PAID' });
  });

  it("sends the borrower back from the pay page to the loan's page in the borrower app", async () => {
    const applied = await repayOnline(api, borrower.token, loanId, { amount: '50.00' });
    paid.push(applied.paymentId);
    const order = await onlinePayment(api, borrower.token, loanId, applied.paymentId);
    const page = await (await fetch(order.payUrl!)).text();
    expect(page).toContain(`href="${stack.apiUrl}/m/loans/${loanId}"`);
  });

  it('adopts the order an earlier attempt left at the gateway with another body, for the same amount only', async () => {
    // An attempt of the previous release reached the gateway (its order had no returnUrl), and its
    // answer was never stored: the same payment id again takes that order, not a second one.
    const paymentId = `online-${randomUUID()}`;
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const earlier = await gateway.createOrder({
      merchantOrderId: paymentId,
      amount: '40.00',
      currency: 'CNY',
      subject: 'earlier release',
      notifyUrl: CONFIRMATIONS,
      expiresAt,
    });
    const order = await orderOnlinePayment(api, borrower.token, loanId, { amount: '40.00', paymentId });
    expect(order.payUrl).toBe(earlier.payUrl);
    expect((await payOnHostedPage(order.payUrl!)).status).toBe(200);
    paid.push(paymentId);
    const applied = await waitForOnlinePayment(api, borrower.token, loanId, paymentId);
    expect(applied).toMatchObject({ status: 'APPLIED', confirmedAmount: '40.00' });
    expect(await appliedTimes(paymentId)).toBe(1);

    // Under a payment id the gateway holds for another amount, nothing is adopted and nothing applied.
    const otherId = `online-${randomUUID()}`;
    await gateway.createOrder({
      merchantOrderId: otherId,
      amount: '41.00',
      currency: 'CNY',
      subject: 'earlier release',
      notifyUrl: CONFIRMATIONS,
      expiresAt,
    });
    const refused = await api.fetch('POST', `/v1/loans/${loanId}/repayments`, {
      token: borrower.token,
      body: { paymentId: otherId, amount: '42.00', channel: 'ONLINE' },
    });
    expect(refused.status).toBe(503);
    expect(await appliedTimes(otherId)).toBe(0);
    expect(await onlinePayment(api, borrower.token, loanId, otherId)).not.toHaveProperty('payUrl');
  });

  it('applies a confirmation delivered twice once', async () => {
    const applied = await repayOnline(api, borrower.token, loanId, {
      amount: '100.00',
      card: gatewayCard('DUPLICATE'),
    });
    paid.push(applied.paymentId);
    await expect.poll(() => deliveredConfirmations(applied.paymentId), { timeout: 30_000 }).toBe(2);
    expect(await appliedTimes(applied.paymentId)).toBe(1);
    const outcomes = (await audited(applied.paymentId)).map((a) => a.detail.outcome);
    expect(outcomes.sort()).toEqual(['applied', 'duplicate']);
  });

  it('refuses forged, unknown and mismatched confirmations, applies nothing, and audits each', async () => {
    const order = await orderOnlinePayment(api, borrower.token, loanId, { amount: '120.00' });
    unpaid.push(order.paymentId);
    const before = await loanState();
    const body = await confirmationFor(order);

    const unsigned = await fetch(CONFIRMATIONS, { ...signed(body), headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    const forged = await fetch(CONFIRMATIONS, signed(body, 'a-secret-only-the-forger-knows'));
    expect(forged.status).toBe(401);
    // Whoever holds the bank's key still cannot confirm a payment: the gateway signs with its own.
    const signedByTheBank = await fetch(CONFIRMATIONS, signed(body, stack.bankCallbackSecret));
    expect(signedByTheBank.status).toBe(401);
    expect((await audited(null, 'BAD_SIGNATURE')).length).toBeGreaterThanOrEqual(3);

    const mismatched = await fetch(CONFIRMATIONS, signed(await confirmationFor(order, '250000.00')));
    expect(mismatched.status).toBe(409);
    expect(((await mismatched.json()) as { error: { code: string } }).error.code).toBe('AMOUNT_MISMATCH');
    expect(await audited(order.paymentId, 'AMOUNT_MISMATCH')).toHaveLength(1);

    const otherOrder = await fetch(CONFIRMATIONS, signed({ ...body, orderId: 'gwo_not_this_one' }));
    expect(otherOrder.status).toBe(409);
    const unknown = await fetch(CONFIRMATIONS, signed({ ...body, merchantOrderId: `online-${randomUUID()}` }));
    expect(unknown.status).toBe(404);

    // A declined card pays nothing and sends nothing.
    expect(await payOnHostedPage(order.payUrl!, gatewayCard('DECLINED'))).toMatchObject({ status: 402 });
    expect(await onlinePayment(api, borrower.token, loanId, order.paymentId)).toMatchObject({ status: 'PENDING' });
    expect(await appliedTimes(order.paymentId)).toBe(0);
    expect(await loanState()).toEqual(before);
  });

  it('applies a late confirmation once, when it arrives', async () => {
    const order = await orderOnlinePayment(api, borrower.token, loanId, { amount: '100.00' });
    paid.push(order.paymentId);
    expect(await payOnHostedPage(order.payUrl!, gatewayCard('LATE'))).toMatchObject({ status: 200 });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await onlinePayment(api, borrower.token, loanId, order.paymentId)).toMatchObject({ status: 'PENDING' });
    expect(await appliedTimes(order.paymentId)).toBe(0);
    const applied = await waitForOnlinePayment(api, borrower.token, loanId, order.paymentId, ['APPLIED'], 30_000);
    expect(applied).toMatchObject({ confirmedAmount: '100.00', appliedAfterExpiry: false });
    expect(await appliedTimes(order.paymentId)).toBe(1);
  });

  it('leaves for a refund a paid order whose payment id a bank transfer took first, never counting it as applied', async () => {
    const order = await orderOnlinePayment(api, borrower.token, loanId, { amount: '50.00' });
    paid.push(order.paymentId); // paid at the gateway, so in its settlement file
    expect(await payOnHostedPage(order.payUrl!, gatewayCard('WITHHELD'))).toMatchObject({ status: 200 });
    // The bank's notice of an incoming transfer arrives first under the same payment id.
    const notice = {
      paymentId: order.paymentId,
      reference: loanId,
      amount: '50.00',
      receivedAt: new Date().toISOString(),
    };
    const incoming = await fetch(`${stack.apiUrl}/v1/partners/bank/incoming`, signed(notice, stack.bankCallbackSecret));
    expect(incoming.status).toBe(200);
    const [taken] = await sql<
      { channel: string }[]
    >`select channel from repayments where payment_id = ${order.paymentId}`;
    expect(taken).toEqual({ channel: 'BANK_TRANSFER' });

    const before = await loanState();
    const gatewayOrder = await gateway.findOrder(order.paymentId);
    await admin.releaseGatewayConfirmation(gatewayOrder!.orderId);
    const unapplied = await waitForOnlinePayment(api, borrower.token, loanId, order.paymentId, ['UNAPPLIED'], 30_000);
    expect(unapplied.confirmedAmount).toBe('50.00');
    expect(await loanState()).toEqual(before);
    expect(await appliedTimes(order.paymentId)).toBe(1);
    const [task] = await sql<{ role: string; detail: { reason: string; action: string } }[]>`
      select role, detail from tasks where loan_id = ${loanId} and task_key = ${`ONLINE_PAYMENT_UNAPPLIED:${order.paymentId}`}`;
    expect(task).toMatchObject({ role: 'FINANCE', detail: { reason: 'PAYMENT_ID_IN_USE', action: 'REFUND' } });
  });

  it('does not count a bank transfer as applied when an online payment took its payment id first', async () => {
    const applied = await repayOnline(api, borrower.token, loanId, { amount: '40.00' });
    paid.push(applied.paymentId);
    const before = await loanState();
    const notice = {
      paymentId: applied.paymentId,
      reference: loanId,
      amount: '40.00',
      receivedAt: new Date().toISOString(),
    };
    const incoming = await fetch(`${stack.apiUrl}/v1/partners/bank/incoming`, signed(notice, stack.bankCallbackSecret));
    expect(await incoming.json()).toEqual({ accepted: false, detail: 'PAYMENT_ID_IN_USE' });
    expect(await loanState()).toEqual(before);
    expect(await appliedTimes(applied.paymentId)).toBe(1);
  });

  it('expires an order whose confirmation is withheld; a confirmation after expiry is applied while the loan is open, else left for a refund', async () => {
    const [withheld, withheldToo] = await Promise.all([
      orderOnlinePayment(api, borrower.token, loanId, { amount: '100.00' }),
      orderOnlinePayment(api, borrower.token, loanId, { amount: '80.00' }),
    ]);
    paid.push(withheld.paymentId, withheldToo.paymentId);
    for (const order of [withheld, withheldToo])
      expect(await payOnHostedPage(order.payUrl!, gatewayCard('WITHHELD'))).toMatchObject({ status: 200 });
    const before = await loanState();
    const expired = await waitForOnlinePayment(api, borrower.token, loanId, withheld.paymentId, ['EXPIRED'], 60_000);
    expect(expired.confirmedAmount).toBeUndefined();
    expect(await loanState()).toEqual(before);
    const [expiry] =
      await sql`select 1 from audit_log where action = 'ONLINE_PAYMENT_EXPIRED' and resource_id = ${withheld.paymentId}`;
    expect(expiry).toBeDefined();

    // The gateway delivers after all: the money moved and the loan is open, so it is applied, once.
    const withheldOrder = await gateway.findOrder(withheld.paymentId);
    await admin.releaseGatewayConfirmation(withheldOrder!.orderId);
    const late = await waitForOnlinePayment(api, borrower.token, loanId, withheld.paymentId, ['APPLIED'], 30_000);
    expect(late).toMatchObject({ appliedAfterExpiry: true, confirmedAmount: '100.00' });
    expect(await appliedTimes(withheld.paymentId)).toBe(1);

    // Paid off online; then the other withheld confirmation arrives for a loan that takes no more.
    const payoff = ((await api.loan(borrower.token, loanId)).servicing as { payoffToday: string }).payoffToday;
    const closing = await repayOnline(api, borrower.token, loanId, { amount: payoff });
    paid.push(closing.paymentId);
    expect((closing.result as { status: string }).status).toBe('PAID_OFF');
    await api.waitForLoanStatus(borrower.token, loanId, 'PAID_OFF');
    const otherOrder = await gateway.findOrder(withheldToo.paymentId);
    await admin.releaseGatewayConfirmation(otherOrder!.orderId);
    const unapplied = await waitForOnlinePayment(
      api,
      borrower.token,
      loanId,
      withheldToo.paymentId,
      ['UNAPPLIED'],
      30_000,
    );
    expect(unapplied.confirmedAmount).toBe('80.00');
    expect(await appliedTimes(withheldToo.paymentId)).toBe(0);
    const [task] = await sql<{ role: string; status: string }[]>`
      select role, status from tasks where loan_id = ${loanId} and task_key = ${`ONLINE_PAYMENT_UNAPPLIED:${withheldToo.paymentId}`}`;
    expect(task).toEqual({ role: 'FINANCE', status: 'OPEN' });
  });

  it('lists exactly the confirmed payments in the settlement file', async () => {
    const orders = await Promise.all([...paid, ...unpaid].map((id) => gateway.findOrder(id)));
    const days = new Set(
      orders.flatMap((o) =>
        o?.paidAt ? [new Date(Date.parse(o.paidAt) + 8 * 3_600_000).toISOString().slice(0, 10)] : [],
      ),
    );
    const lines = (await Promise.all([...days].map((d) => gateway.settlement(d)))).flat();
    const ours = lines.filter((l) => paid.includes(l.merchantOrderId) || unpaid.includes(l.merchantOrderId));
    expect(ours.map((l) => l.merchantOrderId).sort()).toEqual([...paid].sort());
    for (const line of ours) {
      const order = orders.find((o) => o?.merchantOrderId === line.merchantOrderId)!;
      expect(line).toMatchObject({ orderId: order.orderId, amount: order.amount, currency: 'CNY' });
    }
  });
});
