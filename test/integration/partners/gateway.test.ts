// The payment gateway simulator's own contract, against the simulator alone: orders idempotent by
// the merchant's order id, the hosted pay page and its card rules, signed confirmations retried
// until acknowledged (once, twice, late or withheld), order queries and the settlement file.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGatewayClient,
  paymentConfirmationSchema,
  type GatewayClient,
} from '../../../partners/gateway-client.js';
import { PartnerError } from '../../../partners/http.js';
import { signedCallbackFrom, verifyCallbackSignature } from '../../../partners/signature.js';
import { gatewayCard } from '../../../drivers/online-payments.js';
import {
  startCallbackReceiver,
  startPartnersHarness,
  type CallbackReceiver,
  type PartnersHarness,
} from '../../setup/partners-harness.js';

let h: PartnersHarness;
let receiver: CallbackReceiver;
let gateway: GatewayClient;
const LATE_MS = 1_500;

beforeAll(async () => {
  h = await startPartnersHarness({ simulator: { gatewayLateDeliveryMs: LATE_MS } });
  receiver = await startCallbackReceiver();
  gateway = createGatewayClient({ baseUrl: `${h.rootUrl}/gateway`, log: h.log, timeoutMs: 5_000 });
});
afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

function orderRequest(path: string, amount = '123.45') {
  return {
    merchantOrderId: `pay-${randomUUID()}`,
    amount,
    currency: 'CNY' as const,
    subject: '贷款还款',
    notifyUrl: `${receiver.url}${path}`,
    expiresAt: inMinutes(30),
  };
}

async function pay(payUrl: string, card: string) {
  const response = await fetch(payUrl, {
    method: 'POST',
    headers: { accept: 'application/json' },
    body: new URLSearchParams({ cardNumber: card }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const confirmationsTo = (path: string) => receiver.received.filter((r) => r.path === path);

describe('payment gateway simulator', () => {
  it('creates an order once per merchant order id; the same body replays it, another body is a conflict', async () => {
    const request = orderRequest('/once');
    const created = await gateway.createOrder(request);
    expect(created).toMatchObject({ status: 'CREATED', amount: '123.45', replayed: false });
    expect(created.payUrl).toBe(`${h.rootUrl}/gateway/pay/${created.orderId}`);
    const replayed = await gateway.createOrder(request);
    expect(replayed).toMatchObject({ orderId: created.orderId, replayed: true });
    const conflict = await gateway.createOrder({ ...request, amount: '1.00' }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(PartnerError);
    expect(conflict).toMatchObject({ code: 'CONFLICT', partnerCode: 'MERCHANT_ORDER_ID_REUSED' });
    expect(await gateway.getOrder(created.orderId)).toMatchObject({ merchantOrderId: request.merchantOrderId });
    expect(await gateway.findOrder('pay-none')).toBeNull();
  });

  it('takes the payment on the hosted page and sends one signed confirmation, retried until acknowledged', async () => {
    receiver.answerWith((path, attempt) => (path === '/retried' && attempt < 3 ? 503 : 200));
    const order = await gateway.createOrder(orderRequest('/retried'));
    const page = await fetch(order.payUrl);
    expect(await page.text()).toContain('<form method="post"');
    const declined = await pay(order.payUrl, gatewayCard('DECLINED'));
    expect(declined.status).toBe(402);
    expect((await gateway.getOrder(order.orderId)).status).toBe('CREATED');
    expect((await pay(order.payUrl, gatewayCard())).status).toBe(200);
    await receiver.waitFor((r) => r.path === '/retried' && r.status === 200, 15_000);
    const attempts = confirmationsTo('/retried');
    expect(attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    const last = attempts[2]!;
    expect(
      verifyCallbackSignature(signedCallbackFrom(last.headers, last.rawBody), { secret: h.gatewayCallbackSecret }),
    ).toEqual({
      ok: true,
    });
    // Signed with the gateway's own key, not the bank's.
    expect(
      verifyCallbackSignature(signedCallbackFrom(last.headers, last.rawBody), { secret: h.callbackSecret }),
    ).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    const body = paymentConfirmationSchema.parse(JSON.parse(last.rawBody));
    expect(body).toMatchObject({ orderId: order.orderId, merchantOrderId: order.merchantOrderId, amount: '123.45' });
    // Paying again changes nothing and sends nothing more.
    expect((await pay(order.payUrl, gatewayCard())).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(confirmationsTo('/retried')).toHaveLength(3);
  });

  it('injects faults by card: a duplicate, a late and a withheld confirmation', async () => {
    const twice = await gateway.createOrder(orderRequest('/twice'));
    const late = await gateway.createOrder(orderRequest('/late'));
    const withheld = await gateway.createOrder(orderRequest('/withheld'));
    await pay(twice.payUrl, gatewayCard('DUPLICATE'));
    const paidLate = Date.now();
    await pay(late.payUrl, gatewayCard('LATE'));
    await pay(withheld.payUrl, gatewayCard('WITHHELD'));
    await receiver.waitFor((r) => r.path === '/late', 10_000);
    expect(Date.now() - paidLate).toBeGreaterThanOrEqual(LATE_MS - 100);
    expect(confirmationsTo('/twice').map((r) => r.rawBody)).toHaveLength(2);
    expect(confirmationsTo('/withheld')).toHaveLength(0);
    await h.admin.releaseGatewayConfirmation(withheld.orderId);
    await receiver.waitFor((r) => r.path === '/withheld', 10_000);
    const again = await h.admin.releaseGatewayConfirmation(withheld.orderId).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses payment after expiry and lists exactly the paid orders in the settlement file', async () => {
    const soon = await gateway.createOrder({
      ...orderRequest('/expired'),
      expiresAt: new Date(Date.now() + 1_000).toISOString(),
    });
    const settled = await gateway.createOrder(orderRequest('/settled', '10.00'));
    const unpaid = await gateway.createOrder(orderRequest('/unpaid', '20.00'));
    await pay(settled.payUrl, gatewayCard());
    await new Promise((r) => setTimeout(r, 1_200));
    expect((await pay(soon.payUrl, gatewayCard())).status).toBe(410);
    expect((await gateway.getOrder(soon.orderId)).status).toBe('EXPIRED');
    const paidAt = (await gateway.getOrder(settled.orderId)).paidAt!;
    const day = new Date(Date.parse(paidAt) + 8 * 3_600_000).toISOString().slice(0, 10);
    const lines = await gateway.settlement(day);
    const ids = lines.map((l) => l.orderId);
    expect(ids).toContain(settled.orderId);
    expect(ids).not.toContain(soon.orderId);
    expect(ids).not.toContain(unpaid.orderId);
    expect(lines.find((l) => l.orderId === settled.orderId)).toMatchObject({ amount: '10.00', paidAt });
  });
});
