import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Sql } from '../../lib/db-client.js';
import { toCsv } from '../../lib/csv.js';
import type { Logger } from '../../lib/logger.js';
import { maskCard, newId, requestHash } from '../hashing.js';
import { errorResponse, parseJsonBody } from '../responses.js';
import { cardNumber, httpUrl, positiveMoney, text } from '../validation.js';
import { payPage, resultPage } from './pay-page.js';
import { paymentOutcome } from './rules.js';
import { createOrder, findOrder, findOrderByMerchantId, orderView, paidOrdersOn, payOrder } from './store.js';

export interface GatewayRouteDeps {
  sql: Sql;
  log: Logger;
  now: () => Date;
  /** How long a LATE confirmation is held back. */
  lateDeliveryMs: number;
  /** Where borrowers' browsers reach the simulators (payUrl); default: the address the merchant called. */
  publicUrl?: string;
}

const MAX_ORDER_LIFETIME_MS = 24 * 3_600_000;

const orderSchema = z.object({
  merchantOrderId: z.string().regex(/^[A-Za-z0-9:_.-]{1,128}$/, 'must be 1–128 letters, digits or :_.-'),
  amount: positiveMoney,
  currency: z.literal('CNY'),
  subject: text(128),
  notifyUrl: httpUrl,
  returnUrl: httpUrl.optional(),
  expiresAt: z.string().datetime({ offset: true }),
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function payUrlBase(c: Context, publicUrl: string | undefined): string {
  return `${publicUrl ?? new URL(c.req.url).origin}/gateway/pay`;
}

function wantsJson(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('application/json');
}

async function cardFrom(c: Context): Promise<string | null> {
  const type = c.req.header('content-type') ?? '';
  let raw: unknown;
  if (type.includes('application/json'))
    raw = ((await c.req.json().catch(() => ({}))) as { cardNumber?: unknown }).cardNumber;
  else raw = (await c.req.parseBody()).cardNumber;
  const parsed = cardNumber.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The payment gateway (支付网关): merchant orders, the hosted pay page, order queries and settlement files. */
export function gatewayRoutes(deps: GatewayRouteDeps): Hono {
  const app = new Hono();
  addOrderRoutes(app, deps);
  addPayPageRoutes(app, deps);
  addSettlementRoute(app, deps);
  return app;
}

/** The merchant's side: create (idempotent by merchantOrderId) and query orders. */
function addOrderRoutes(app: Hono, { sql, log, now, publicUrl }: GatewayRouteDeps): void {
  app.post('/orders', async (c) => {
    const parsed = await parseJsonBody(c, orderSchema);
    if (!parsed.ok) return parsed.response;
    const body = parsed.value;
    const expiresAt = Date.parse(body.expiresAt);
    if (expiresAt <= now().getTime() || expiresAt > now().getTime() + MAX_ORDER_LIFETIME_MS)
      return errorResponse(c, 400, 'INVALID_REQUEST', 'expiresAt: must be in the next 24 hours');
    const result = await createOrder(sql, {
      orderId: newId('gwo'),
      merchantOrderId: body.merchantOrderId,
      requestHash: requestHash(body),
      amount: body.amount,
      currency: body.currency,
      subject: body.subject,
      notifyUrl: body.notifyUrl,
      returnUrl: body.returnUrl ?? null,
      expiresAt: new Date(expiresAt).toISOString(),
    });
    if (result.kind === 'KEY_REUSED')
      return errorResponse(
        c,
        409,
        'MERCHANT_ORDER_ID_REUSED',
        'This merchantOrderId was already used for another order',
      );
    if (result.kind === 'CREATED') log.info({ orderId: result.order.order_id }, 'order created');
    return c.json(orderView(result.order, payUrlBase(c, publicUrl), now()), result.kind === 'CREATED' ? 201 : 200);
  });

  app.get('/orders/:orderId', async (c) => {
    const row = await findOrder(sql, c.req.param('orderId'));
    return row
      ? c.json(orderView(row, payUrlBase(c, publicUrl), now()))
      : errorResponse(c, 404, 'NOT_FOUND', 'No such order');
  });

  app.get('/orders', async (c) => {
    const id = c.req.query('merchantOrderId');
    if (!id) return errorResponse(c, 400, 'INVALID_REQUEST', 'merchantOrderId query parameter is required');
    const row = await findOrderByMerchantId(sql, id);
    return row
      ? c.json(orderView(row, payUrlBase(c, publicUrl), now()))
      : errorResponse(c, 404, 'NOT_FOUND', 'No order with this merchantOrderId');
  });
}

/** The borrower's side: the hosted page and its card form. */
function addPayPageRoutes(app: Hono, { sql, log, now, lateDeliveryMs, publicUrl }: GatewayRouteDeps): void {
  app.get('/pay/:orderId', async (c) => {
    const row = await findOrder(sql, c.req.param('orderId'));
    if (!row) return c.html(resultPage({ title: '订单不存在 / No such order', detail: '' }), 404);
    const view = orderView(row, payUrlBase(c, publicUrl), now());
    if (view.status === 'PAID')
      return c.html(resultPage({ title: '已支付 / Paid', detail: view.paidAt!, returnUrl: row.return_url }));
    if (view.status === 'EXPIRED')
      return c.html(resultPage({ title: '订单已过期 / Order expired', detail: view.expiresAt }), 410);
    return c.html(payPage(view));
  });

  app.post('/pay/:orderId', async (c) => {
    const card = await cardFrom(c);
    const json = wantsJson(c);
    if (!card)
      return json
        ? errorResponse(c, 400, 'INVALID_REQUEST', 'cardNumber: must be 12 to 19 digits')
        : c.html(resultPage({ title: '卡号无效 / Invalid card number', detail: '12–19 digits' }), 400);
    const result = await payOrder(sql, {
      orderId: c.req.param('orderId'),
      cardMasked: maskCard(card),
      outcome: paymentOutcome(card),
      lateDeliveryMs,
      now: now(),
    });
    if (result.kind === 'NOT_FOUND') return errorResponse(c, 404, 'NOT_FOUND', 'No such order');
    if (result.kind === 'EXPIRED')
      return json
        ? errorResponse(c, 410, 'ORDER_EXPIRED', 'The order expired before it was paid')
        : c.html(resultPage({ title: '订单已过期 / Order expired', detail: '' }), 410);
    if (result.kind === 'DECLINED') {
      log.info({ orderId: result.order.order_id, reason: result.reason }, 'payment declined');
      return json
        ? errorResponse(c, 402, 'PAYMENT_DECLINED', result.reason)
        : c.html(resultPage({ title: '支付失败 / Payment declined', detail: result.reason }), 402);
    }
    if (result.kind === 'PAID') log.info({ orderId: result.order.order_id, delivery: result.order.delivery }, 'paid');
    const view = orderView(result.order, payUrlBase(c, publicUrl), now());
    return json
      ? c.json(view)
      : c.html(
          resultPage({
            title: '支付成功 / Paid',
            detail: `${view.currency} ${view.amount}`,
            returnUrl: result.order.return_url,
          }),
        );
  });
}

/** The daily settlement file: every payment taken that day, as CSV. */
function addSettlementRoute(app: Hono, { sql }: GatewayRouteDeps): void {
  app.get('/settlements/:date', async (c) => {
    const date = c.req.param('date');
    if (!DATE.test(date) || Number.isNaN(Date.parse(date)))
      return errorResponse(c, 400, 'INVALID_REQUEST', 'date must be YYYY-MM-DD');
    const rows = await paidOrdersOn(sql, date);
    const csv = toCsv([
      ['order_id', 'merchant_order_id', 'amount', 'currency', 'paid_at'],
      ...rows.map((r) => [r.order_id, r.merchant_order_id, r.amount, r.currency, r.paid_at!.toISOString()]),
    ]);
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="settlement-${date}.csv"`,
    });
  });
}

/** The pay page is the borrower's, not the merchant API: no injected faults there. */
export const GATEWAY_FAULT_EXEMPT = (path: string) => path.startsWith('/gateway/pay/');
