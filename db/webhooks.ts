// Webhooks in PostgreSQL: the loan's channel, subscriptions, the outbox of events, deliveries and
// their attempts. Events go into the outbox inside the transaction that writes the loan's
// projection, with one delivery per subscription that wants them; the worker's deliverer sends them.
import type { Sql, TransactionSql } from '../lib/db-client.js';
import {
  webhookEventsOf,
  webhookRetryDelaySeconds,
  type TimelineEntry,
  type WebhookEventType,
} from '../domain/webhook-events.js';

type Db = Sql | TransactionSql;

/** Records the channel whose API key came with a loan's application; the first one stays. */
export async function recordLoanChannel(sql: Db, loanId: string, channel: string): Promise<void> {
  await sql`insert into loan_channels (loan_id, channel) values (${loanId}, ${channel}) on conflict (loan_id) do nothing`;
}

export interface OutboxEvent {
  loanId: string;
  /** Unique for the event: a retried write with the same key adds nothing. */
  eventKey: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  occurredAt: string;
}

/**
 * Puts one event of a loan in the outbox, with a delivery for each of its channel's subscriptions
 * to the event's type. Nothing for a loan without a channel or an event already there.
 */
export async function enqueueWebhookEvent(sql: Db, event: OutboxEvent): Promise<void> {
  await sql`
    with channel as (select channel from loan_channels where loan_id = ${event.loanId}),
    inserted as (
      insert into webhook_events (event_key, loan_id, channel, type, data, occurred_at)
      select ${event.eventKey}, ${event.loanId}, channel.channel, ${event.type},
             ${sql.json({ loanId: event.loanId, ...event.data })}, ${event.occurredAt}
      from channel
      on conflict (event_key) do nothing
      returning id, channel, type)
    insert into webhook_deliveries (event_id, subscription_id, channel)
    select inserted.id, s.id, s.channel
    from inserted join webhook_subscriptions s
      on s.channel = inserted.channel and s.deleted_at is null and inserted.type = any(s.event_types)`;
}

/** The outbox events of one loan timeline entry (see domain/webhook-events.ts). */
export async function enqueueTimelineWebhooks(
  sql: Db,
  loanId: string,
  eventKey: string,
  entry: TimelineEntry,
  at: string,
): Promise<void> {
  for (const draft of webhookEventsOf(entry)) {
    await enqueueWebhookEvent(sql, {
      loanId,
      eventKey: draft.once ? `${loanId}:${draft.type}` : `${loanId}:${eventKey}:${draft.type}`,
      type: draft.type,
      data: draft.data,
      occurredAt: at,
    });
  }
}

export interface Subscription {
  id: string;
  channel: string;
  url: string;
  eventTypes: string[];
  createdAt: Date;
  secretRotatedAt: Date | null;
}

interface SubscriptionRow {
  id: string;
  channel: string;
  url: string;
  event_types: string[];
  created_at: Date;
  secret_rotated_at: Date | null;
}

const toSubscription = (r: SubscriptionRow): Subscription => ({
  id: r.id,
  channel: r.channel,
  url: r.url,
  eventTypes: r.event_types,
  createdAt: r.created_at,
  secretRotatedAt: r.secret_rotated_at,
});

/** A channel keeps at most this many live subscriptions. */
export const MAX_SUBSCRIPTIONS_PER_CHANNEL = 20;

export async function createSubscription(
  sql: Db,
  s: { channel: string; url: string; eventTypes: string[]; secretEnc: string; now: Date },
): Promise<Subscription | null> {
  const rows = await sql<SubscriptionRow[]>`
    insert into webhook_subscriptions (channel, url, event_types, secret_enc, created_at)
    select ${s.channel}, ${s.url}, ${s.eventTypes}, ${s.secretEnc}, ${s.now}
    where (select count(*) from webhook_subscriptions where channel = ${s.channel} and deleted_at is null)
          < ${MAX_SUBSCRIPTIONS_PER_CHANNEL}
    returning id, channel, url, event_types, created_at, secret_rotated_at`;
  return rows[0] ? toSubscription(rows[0]) : null;
}

export async function listSubscriptions(sql: Db, channel: string): Promise<Subscription[]> {
  const rows = await sql<SubscriptionRow[]>`
    select id, channel, url, event_types, created_at, secret_rotated_at from webhook_subscriptions
    where channel = ${channel} and deleted_at is null order by created_at, id`;
  return rows.map(toSubscription);
}

/** False when the channel has no live subscription with that id. */
export async function rotateSubscriptionSecret(
  sql: Db,
  s: { id: string; channel: string; secretEnc: string; now: Date },
): Promise<boolean> {
  const rows = await sql`
    update webhook_subscriptions set secret_enc = ${s.secretEnc}, secret_rotated_at = ${s.now}
    where id = ${s.id} and channel = ${s.channel} and deleted_at is null returning id`;
  return rows.length > 0;
}

/** Ends a subscription; its pending deliveries are not sent. False when the channel has no such live one. */
export async function deleteSubscription(sql: Sql, s: { id: string; channel: string; now: Date }): Promise<boolean> {
  return sql.begin(async (tx) => {
    const rows = await tx`
      update webhook_subscriptions set deleted_at = ${s.now}
      where id = ${s.id} and channel = ${s.channel} and deleted_at is null returning id`;
    if (rows.length === 0) return false;
    await tx`
      update webhook_deliveries set status = 'FAILED', last_error = 'subscription deleted'
      where subscription_id = ${s.id} and status = 'PENDING'`;
    return true;
  });
}

export interface DeliveryAttempt {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  subscriptionId: string;
  eventId: string;
  eventType: string;
  loanId: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: DeliveryAttempt[];
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  replayOf: string | null;
  createdAt: Date;
}

/** A channel's deliveries, newest first, each with its attempts. */
export async function listDeliveries(
  sql: Db,
  q: { channel: string; loanId?: string; status?: Delivery['status']; limit: number },
): Promise<Delivery[]> {
  const rows = await sql<
    {
      id: string;
      subscription_id: string;
      event_id: string;
      type: string;
      loan_id: string;
      status: Delivery['status'];
      next_attempt_at: Date;
      delivered_at: Date | null;
      replay_of: string | null;
      created_at: Date;
      attempts: Array<{
        attempt: number;
        started_at: string;
        duration_ms: number;
        status_code: number | null;
        error: string | null;
      }> | null;
    }[]
  >`
    select d.id, d.subscription_id, d.event_id, e.type, e.loan_id, d.status, d.next_attempt_at, d.delivered_at,
           d.replay_of, d.created_at,
           (select json_agg(json_build_object('attempt', a.attempt, 'started_at', a.started_at, 'duration_ms', a.duration_ms,
                                              'status_code', a.status_code, 'error', a.error) order by a.attempt)
            from webhook_attempts a where a.delivery_id = d.id) as attempts
    from webhook_deliveries d join webhook_events e on e.id = d.event_id
    where d.channel = ${q.channel}
      ${q.loanId ? sql`and e.loan_id = ${q.loanId}` : sql``}
      ${q.status ? sql`and d.status = ${q.status}` : sql``}
    order by d.created_at desc, d.id desc
    limit ${q.limit}`;
  return rows.map((r) => ({
    id: r.id,
    subscriptionId: r.subscription_id,
    eventId: r.event_id,
    eventType: r.type,
    loanId: r.loan_id,
    status: r.status,
    attempts: (r.attempts ?? []).map((a) => ({
      attempt: a.attempt,
      startedAt: new Date(a.started_at),
      durationMs: a.duration_ms,
      statusCode: a.status_code,
      error: a.error,
    })),
    nextAttemptAt: r.status === 'PENDING' ? r.next_attempt_at : null,
    deliveredAt: r.delivered_at,
    replayOf: r.replay_of,
    createdAt: r.created_at,
  }));
}

/**
 * A new delivery of the same event to the same live subscription, sent as soon as the deliverer
 * picks it up. Null when the channel has no such delivery or its subscription is deleted.
 */
export async function replayDelivery(sql: Db, q: { id: string; channel: string }): Promise<{ id: string } | null> {
  const [row] = await sql<{ id: string }[]>`
    insert into webhook_deliveries (event_id, subscription_id, channel, replay_of)
    select d.event_id, d.subscription_id, d.channel, d.id
    from webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id and s.deleted_at is null
    where d.id = ${q.id} and d.channel = ${q.channel}
    returning id`;
  return row ?? null;
}

export interface DueDelivery {
  id: string;
  attempt: number;
  url: string;
  secretEnc: string;
  event: { id: string; type: string; data: Record<string, unknown>; occurredAt: Date };
}

/**
 * Takes up to `limit` due deliveries for `leaseSeconds`: another deliverer skips them meanwhile,
 * and a deliverer that dies mid-attempt leaves them to be taken again when the lease ends.
 */
export async function claimDueDeliveries(sql: Sql, limit: number, leaseSeconds: number): Promise<DueDelivery[]> {
  const rows = await sql<
    {
      id: string;
      attempts: number;
      url: string;
      secret_enc: string;
      event_id: string;
      type: string;
      data: Record<string, unknown>;
      occurred_at: Date;
    }[]
  >`
    with due as (
      select id from webhook_deliveries
      where status = 'PENDING' and next_attempt_at <= now()
      order by next_attempt_at limit ${limit} for update skip locked)
    update webhook_deliveries d set next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
    from due, webhook_subscriptions s, webhook_events e
    where d.id = due.id and s.id = d.subscription_id and e.id = d.event_id
    returning d.id, d.attempts, s.url, s.secret_enc, e.id as event_id, e.type, e.data, e.occurred_at`;
  return rows.map((r) => ({
    id: r.id,
    attempt: r.attempts + 1,
    url: r.url,
    secretEnc: r.secret_enc,
    event: { id: r.event_id, type: r.type, data: r.data, occurredAt: r.occurred_at },
  }));
}

/**
 * Logs an attempt and moves the delivery on: DELIVERED, PENDING again after the backoff of
 * domain/webhook-events.ts, or FAILED after the last attempt. An attempt already logged (a second deliverer after a lease ran
 * out) changes nothing.
 */
export async function recordDeliveryAttempt(
  sql: Sql,
  a: {
    deliveryId: string;
    attempt: number;
    startedAt: Date;
    durationMs: number;
    statusCode: number | null;
    error: string | null;
    delivered: boolean;
  },
): Promise<void> {
  const retryInSeconds = a.delivered ? null : webhookRetryDelaySeconds(a.attempt);
  await sql.begin(async (tx) => {
    const logged = await tx`
      insert into webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error)
      values (${a.deliveryId}, ${a.attempt}, ${a.startedAt}, ${a.durationMs}, ${a.statusCode}, ${a.error})
      on conflict (delivery_id, attempt) do nothing returning id`;
    if (logged.length === 0) return;
    await tx`
      update webhook_deliveries set
        attempts = ${a.attempt},
        last_status_code = ${a.statusCode},
        last_error = ${a.error},
        status = ${a.delivered ? 'DELIVERED' : retryInSeconds === null ? 'FAILED' : 'PENDING'},
        delivered_at = ${a.delivered ? a.startedAt : null},
        next_attempt_at = case when ${retryInSeconds !== null && !a.delivered}
                               then now() + make_interval(secs => ${retryInSeconds ?? 0}) else next_attempt_at end
      where id = ${a.deliveryId} and status = 'PENDING'`;
  });
}
