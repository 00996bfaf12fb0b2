import type { Sql } from '../../lib/db-client.js';
import type { Logger } from '../../lib/logger.js';
import { enqueueCallback } from '../callbacks.js';
import { iso } from '../responses.js';
import type { SettlementKind } from './rules.js';

export interface PaymentRow {
  payment_id: string;
  kind: SettlementKind;
  idempotency_key: string;
  request_hash: string;
  amount: string;
  currency: string;
  reference: string;
  callback_url: string | null;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  failure_reason: string | null;
  created_at: Date;
  settled_at: Date | null;
}

export interface NewPayment {
  paymentId: string;
  kind: SettlementKind;
  idempotencyKey: string;
  requestHash: string;
  amount: string;
  currency: string;
  cardMasked: string;
  reference: string;
  callbackUrl: string | null;
  outcome: 'SUCCEEDED' | 'FAILED';
  outcomeReason: string | null;
}

export type AcceptResult = { kind: 'CREATED' | 'REPLAYED'; payment: PaymentRow } | { kind: 'KEY_REUSED' };

const ID_FIELD: Record<SettlementKind, 'transferId' | 'debitId'> = { TRANSFER: 'transferId', DEBIT: 'debitId' };

/** The JSON shape of a transfer or debit, as the API, the ledger and the callbacks show it. */
export function paymentView(row: PaymentRow): Record<string, string> {
  return {
    [ID_FIELD[row.kind]]: row.payment_id,
    idempotencyKey: row.idempotency_key,
    reference: row.reference,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    ...(row.failure_reason ? { failureReason: row.failure_reason } : {}),
    createdAt: iso(row.created_at)!,
    ...(row.settled_at ? { settledAt: iso(row.settled_at)! } : {}),
  };
}

/** Idempotent by the (kind, key) unique constraint: a second request with the key gets the first result. */
export async function acceptPayment(sql: Sql, p: NewPayment): Promise<AcceptResult> {
  const [created] = await sql<PaymentRow[]>`
    insert into bank_payments (payment_id, kind, idempotency_key, request_hash, amount, currency, card_masked,
                               reference, callback_url, outcome, outcome_reason)
    values (${p.paymentId}, ${p.kind}, ${p.idempotencyKey}, ${p.requestHash}, ${p.amount}, ${p.currency}, ${p.cardMasked},
            ${p.reference}, ${p.callbackUrl}, ${p.outcome}, ${p.outcomeReason})
    on conflict (kind, idempotency_key) do nothing
    returning *`;
  if (created) return { kind: 'CREATED', payment: created };
  const [existing] = await sql<PaymentRow[]>`
    select * from bank_payments where kind = ${p.kind} and idempotency_key = ${p.idempotencyKey}`;
  if (!existing) throw new Error('bank_payments row vanished between insert and select');
  return existing.request_hash === p.requestHash ? { kind: 'REPLAYED', payment: existing } : { kind: 'KEY_REUSED' };
}

export async function findPayment(sql: Sql, kind: SettlementKind, paymentId: string): Promise<PaymentRow | undefined> {
  const [row] = await sql<PaymentRow[]>`select * from bank_payments where kind = ${kind} and payment_id = ${paymentId}`;
  return row;
}

export async function findPaymentByKey(
  sql: Sql,
  kind: SettlementKind,
  idempotencyKey: string,
): Promise<PaymentRow | undefined> {
  const [row] = await sql<
    PaymentRow[]
  >`select * from bank_payments where kind = ${kind} and idempotency_key = ${idempotencyKey}`;
  return row;
}

export async function listPayments(sql: Sql, kind: SettlementKind): Promise<PaymentRow[]> {
  return sql<PaymentRow[]>`select * from bank_payments where kind = ${kind} order by created_at, payment_id`;
}

/**
 * Settles every pending payment older than the settlement delay — including those left pending by a
 * previous process — and queues their callbacks in the same transaction.
 */
export async function settleDuePayments(sql: Sql, settleDelayMs: number, log: Logger): Promise<number> {
  const settled = await sql.begin(async (tx) => {
    const rows = await tx<PaymentRow[]>`
      update bank_payments
         set status = outcome, failure_reason = outcome_reason, settled_at = clock_timestamp()
       where payment_id in (
         select payment_id from bank_payments
          where status = 'PENDING' and created_at <= now() - ${settleDelayMs}::int * interval '1 millisecond'
          order by created_at
          limit 100
          for update skip locked)
      returning *`;
    for (const row of rows) {
      if (row.callback_url) {
        await enqueueCallback(tx, {
          source: 'bank',
          subjectId: row.payment_id,
          url: row.callback_url,
          body: { kind: row.kind, ...paymentView(row) },
        });
      }
    }
    return rows;
  });
  for (const row of settled) log.info({ paymentId: row.payment_id, kind: row.kind, status: row.status }, 'settled');
  return settled.length;
}
