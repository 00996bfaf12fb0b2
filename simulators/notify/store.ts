import type { Sql } from '../../lib/db-client.js';
import type { Logger } from '../../lib/logger.js';
import { enqueueCallback } from '../callbacks.js';
import { iso } from '../responses.js';
import type { Channel } from './recipient.js';

export interface MessageRow {
  message_id: string;
  idempotency_key: string;
  request_hash: string;
  channel: Channel;
  to_masked: string;
  template: string;
  params: Record<string, string>;
  text: string | null;
  receipt_url: string | null;
  status: 'QUEUED' | 'DELIVERED' | 'FAILED';
  failure_reason: string | null;
  queued_at: Date;
  delivered_at: Date | null;
}

export interface NewMessage {
  messageId: string;
  idempotencyKey: string;
  requestHash: string;
  channel: Channel;
  toMasked: string;
  toHash: string;
  template: string;
  params: Record<string, string>;
  text: string | null;
  receiptUrl: string | null;
  outcome: 'DELIVERED' | 'FAILED';
  outcomeReason: string | null;
}

export function messageView(row: MessageRow) {
  return {
    messageId: row.message_id,
    channel: row.channel,
    toMasked: row.to_masked,
    template: row.template,
    status: row.status,
    ...(row.failure_reason ? { failureReason: row.failure_reason } : {}),
    queuedAt: iso(row.queued_at)!,
    ...(row.delivered_at ? { deliveredAt: iso(row.delivered_at)! } : {}),
  };
}

export type QueueResult = { kind: 'CREATED' | 'REPLAYED'; message: MessageRow } | { kind: 'KEY_REUSED' };

export async function queueMessage(sql: Sql, m: NewMessage): Promise<QueueResult> {
  const [created] = await sql<MessageRow[]>`
    insert into notify_messages (message_id, idempotency_key, request_hash, channel, to_masked, to_hash, template, params,
                                 text, receipt_url, outcome, outcome_reason)
    values (${m.messageId}, ${m.idempotencyKey}, ${m.requestHash}, ${m.channel}, ${m.toMasked}, ${m.toHash}, ${m.template},
            ${sql.json(m.params)}, ${m.text}, ${m.receiptUrl}, ${m.outcome}, ${m.outcomeReason})
    on conflict (idempotency_key) do nothing
    returning *`;
  if (created) return { kind: 'CREATED', message: created };
  const [existing] = await sql<MessageRow[]>`select * from notify_messages where idempotency_key = ${m.idempotencyKey}`;
  if (!existing) throw new Error('notify_messages row vanished between insert and select');
  return existing.request_hash === m.requestHash ? { kind: 'REPLAYED', message: existing } : { kind: 'KEY_REUSED' };
}

export async function findMessage(sql: Sql, messageId: string): Promise<MessageRow | undefined> {
  const [row] = await sql<MessageRow[]>`select * from notify_messages where message_id = ${messageId}`;
  return row;
}

export async function messagesTo(sql: Sql, toHash: string): Promise<MessageRow[]> {
  return sql<MessageRow[]>`select * from notify_messages where to_hash = ${toHash} order by queued_at, message_id`;
}

/** Delivers (or fails) queued messages older than the delivery delay and queues their receipts. */
export async function deliverDueMessages(sql: Sql, deliveryDelayMs: number, log: Logger): Promise<number> {
  const delivered = await sql.begin(async (tx) => {
    const rows = await tx<MessageRow[]>`
      update notify_messages
         set status = outcome, failure_reason = outcome_reason, delivered_at = clock_timestamp()
       where message_id in (
         select message_id from notify_messages
          where status = 'QUEUED' and queued_at <= now() - ${deliveryDelayMs}::int * interval '1 millisecond'
          order by queued_at
          limit 100
          for update skip locked)
      returning *`;
    for (const row of rows) {
      if (!row.receipt_url) continue;
      const receipt = {
        messageId: row.message_id,
        status: row.status,
        ...(row.failure_reason ? { failureReason: row.failure_reason } : {}),
        at: iso(row.delivered_at)!,
      };
      await enqueueCallback(tx, { source: 'notify', subjectId: row.message_id, url: row.receipt_url, body: receipt });
    }
    return rows;
  });
  for (const row of delivered) log.info({ messageId: row.message_id, status: row.status }, 'message handed over');
  return delivered.length;
}
