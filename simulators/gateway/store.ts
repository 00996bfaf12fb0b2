import type { Sql, TransactionSql } from '../../lib/db-client.js';
import { enqueueCallback } from '../callbacks.js';
import { iso } from '../responses.js';
import { settlementDayBounds, type Delivery } from './rules.js';

export interface OrderRow {
  order_id: string;
  merchant_order_id: string;
  request_hash: string;
  amount: string;
  currency: string;
  subject: string;
  notify_url: string;
  return_url: string | null;
  expires_at: Date;
  status: 'CREATED' | 'PAID';
  card_masked: string | null;
  delivery: Delivery | 'RELEASED' | null;
  last_decline: string | null;
  created_at: Date;
  paid_at: Date | null;
}

export interface NewOrder {
  orderId: string;
  merchantOrderId: string;
  requestHash: string;
  amount: string;
  currency: string;
  subject: string;
  notifyUrl: string;
  returnUrl: string | null;
  expiresAt: string;
}

export type OrderStatus = 'CREATED' | 'PAID' | 'EXPIRED';

/** An unpaid order past its expiry can no longer be paid. */
export function orderStatus(row: OrderRow, now: Date): OrderStatus {
  return row.status === 'CREATED' && row.expires_at.getTime() <= now.getTime() ? 'EXPIRED' : row.status;
}

/** The JSON shape of an order, as the merchant API shows it. */
export function orderView(row: OrderRow, payUrlBase: string, now: Date) {
  return {
    orderId: row.order_id,
    merchantOrderId: row.merchant_order_id,
    amount: row.amount,
    currency: row.currency,
    subject: row.subject,
    status: orderStatus(row, now),
    payUrl: `${payUrlBase}/${row.order_id}`,
    expiresAt: iso(row.expires_at)!,
    createdAt: iso(row.created_at)!,
    ...(row.paid_at ? { paidAt: iso(row.paid_at)! } : {}),
  };
}

/** The body of the signed confirmation: what the gateway received, for which order. */
export function confirmationBody(row: OrderRow) {
  return {
    event: 'PAYMENT_CONFIRMED' as const,
    orderId: row.order_id,
    merchantOrderId: row.merchant_order_id,
    status: 'PAID' as const,
    amount: row.amount,
    currency: row.currency,
    paidAt: iso(row.paid_at)!,
  };
}

export type CreateResult = { kind: 'CREATED' | 'REPLAYED'; order: OrderRow } | { kind: 'KEY_REUSED' };

/** Idempotent by the merchant's order id: the same body gets the first order, another body KEY_REUSED. */
export async function createOrder(sql: Sql, o: NewOrder): Promise<CreateResult> {
  const [created] = await sql<OrderRow[]>`
    insert into gateway_orders (order_id, merchant_order_id, request_hash, amount, currency, subject, notify_url,
                                return_url, expires_at)
    values (${o.orderId}, ${o.merchantOrderId}, ${o.requestHash}, ${o.amount}, ${o.currency}, ${o.subject},
            ${o.notifyUrl}, ${o.returnUrl}, ${o.expiresAt})
    on conflict (merchant_order_id) do nothing
    returning *`;
  if (created) return { kind: 'CREATED', order: created };
  const existing = await findOrderByMerchantId(sql, o.merchantOrderId);
  if (!existing) throw new Error('gateway_orders row vanished between insert and select');
  return existing.request_hash === o.requestHash ? { kind: 'REPLAYED', order: existing } : { kind: 'KEY_REUSED' };
}

export async function findOrder(sql: Sql, orderId: string): Promise<OrderRow | undefined> {
  const [row] = await sql<OrderRow[]>`select * from gateway_orders where order_id = ${orderId}`;
  return row;
}

export async function findOrderByMerchantId(sql: Sql, merchantOrderId: string): Promise<OrderRow | undefined> {
  const [row] = await sql<OrderRow[]>`select * from gateway_orders where merchant_order_id = ${merchantOrderId}`;
  return row;
}

async function queueConfirmation(tx: TransactionSql, row: OrderRow, delayMs = 0): Promise<void> {
  await enqueueCallback(tx, {
    source: 'gateway',
    subjectId: row.order_id,
    url: row.notify_url,
    body: confirmationBody(row),
    delayMs,
  });
}

export type PayResult =
  | { kind: 'PAID' | 'ALREADY_PAID'; order: OrderRow }
  | { kind: 'DECLINED'; order: OrderRow; reason: string }
  | { kind: 'EXPIRED' }
  | { kind: 'NOT_FOUND' };

export interface PaymentAttempt {
  orderId: string;
  cardMasked: string;
  outcome: { kind: 'DECLINED'; reason: string } | { kind: 'PAID'; delivery: Delivery };
  lateDeliveryMs: number;
  now: Date;
}

/** Takes the borrower's payment under a row lock and queues its confirmation(s) in the same transaction. */
export async function payOrder(sql: Sql, attempt: PaymentAttempt): Promise<PayResult> {
  return sql.begin(async (tx) => {
    const [row] = await tx<OrderRow[]>`select * from gateway_orders where order_id = ${attempt.orderId} for update`;
    if (!row) return { kind: 'NOT_FOUND' as const };
    if (row.status === 'PAID') return { kind: 'ALREADY_PAID' as const, order: row };
    if (orderStatus(row, attempt.now) === 'EXPIRED') return { kind: 'EXPIRED' as const };
    if (attempt.outcome.kind === 'DECLINED') {
      const [declined] = await tx<OrderRow[]>`
        update gateway_orders set last_decline = ${attempt.outcome.reason}
         where order_id = ${row.order_id} returning *`;
      return { kind: 'DECLINED' as const, order: declined!, reason: attempt.outcome.reason };
    }
    const { delivery } = attempt.outcome;
    const [paid] = await tx<OrderRow[]>`
      update gateway_orders
         set status = 'PAID', card_masked = ${attempt.cardMasked}, delivery = ${delivery}, paid_at = clock_timestamp()
       where order_id = ${row.order_id}
      returning *`;
    if (delivery === 'NORMAL') await queueConfirmation(tx, paid!);
    if (delivery === 'DUPLICATE') {
      await queueConfirmation(tx, paid!);
      await queueConfirmation(tx, paid!);
    }
    if (delivery === 'LATE') await queueConfirmation(tx, paid!, attempt.lateDeliveryMs);
    return { kind: 'PAID' as const, order: paid! };
  });
}

/** Sends a withheld confirmation after all (a drill's "the gateway finally delivers"); false when none was withheld. */
export async function releaseWithheldConfirmation(sql: Sql, orderId: string): Promise<boolean> {
  return sql.begin(async (tx) => {
    const [row] = await tx<OrderRow[]>`
      update gateway_orders set delivery = 'RELEASED'
       where order_id = ${orderId} and status = 'PAID' and delivery = 'WITHHELD'
      returning *`;
    if (!row) return false;
    await queueConfirmation(tx, row);
    return true;
  });
}

/** The paid orders of one settlement day, oldest first. */
export async function paidOrdersOn(sql: Sql, date: string): Promise<OrderRow[]> {
  const { from, to } = settlementDayBounds(date);
  return sql<OrderRow[]>`
    select * from gateway_orders
     where status = 'PAID' and paid_at >= ${from} and paid_at < ${to}
     order by paid_at, order_id`;
}
