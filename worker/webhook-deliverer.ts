// Sends the webhook outbox: a loop in every worker process that takes due deliveries from
// PostgreSQL (skip-locked, under a lease, so replicas share the work and a killed worker's
// deliveries are taken again), POSTs each signed event, logs the attempt and schedules the retry
// with exponential backoff (db/webhooks.ts, domain/webhook-events.ts). Never in an API request's path.
import type { Sql } from '../lib/db-client.js';
import type { Logger } from '../lib/logger.js';
import { claimDueDeliveries, recordDeliveryAttempt, type DueDelivery } from '../db/webhooks.js';
import type { FieldCipher } from '../security/field-crypto.js';
import { WEBHOOK_SECRET_CONTEXT } from '../security/encryption-contexts.js';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../security/webhook-signature.js';
import { webhookUrlProblem, type WebhookUrlMode } from '../security/webhook-url.js';

const BATCH = 10;
const REQUEST_TIMEOUT_MS = 10_000;
/** Longer than an attempt can take, so a live deliverer never loses its lease. */
const LEASE_SECONDS = 60;

export interface WebhookDelivererDeps {
  sql: Sql;
  cipher: FieldCipher;
  log: Logger;
  mode: WebhookUrlMode;
  pollMs?: number;
}

/** The exact body a receiver verifies: the event's id, type, time and data. */
export function webhookBody(event: DueDelivery['event']): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    data: event.data,
  });
}

async function attempt(deps: WebhookDelivererDeps, delivery: DueDelivery): Promise<void> {
  const startedAt = new Date();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const refused = await webhookUrlProblem(delivery.url, deps.mode);
    if (refused) throw new Error(`URL refused: ${refused.en}`);
    const body = webhookBody(delivery.event);
    const secret = deps.cipher.decrypt(delivery.secretEnc, WEBHOOK_SECRET_CONTEXT);
    const res = await fetch(delivery.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'microloan-webhooks/1',
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, Math.floor(startedAt.getTime() / 1000), body),
        'X-Loans-Event-Id': delivery.event.id,
        'X-Loans-Event-Type': delivery.event.type,
        'X-Loans-Delivery-Id': delivery.id,
      },
      body,
    });
    statusCode = res.status;
    await res.body?.cancel();
    if (res.status < 200 || res.status > 299) error = `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? err.message.slice(0, 500) : String(err).slice(0, 500);
  }
  const delivered = error === null;
  await recordDeliveryAttempt(deps.sql, {
    deliveryId: delivery.id,
    attempt: delivery.attempt,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    statusCode,
    error,
    delivered,
  });
  deps.log.info(
    { deliveryId: delivery.id, eventType: delivery.event.type, attempt: delivery.attempt, statusCode, delivered },
    'webhook delivery attempt',
  );
}

/** Starts the loop; `stop()` ends it after the attempts in flight. */
export function startWebhookDeliverer(deps: WebhookDelivererDeps): { stop(): Promise<void> } {
  const pollMs = deps.pollMs ?? 1000;
  let running = true;
  const loop = (async () => {
    while (running) {
      let taken = 0;
      try {
        const due = await claimDueDeliveries(deps.sql, BATCH, LEASE_SECONDS);
        taken = due.length;
        await Promise.all(due.map((d) => attempt(deps, d)));
      } catch (err) {
        deps.log.warn({ err }, 'webhook deliverer: a round failed; trying again');
      }
      if (taken < BATCH && running) await new Promise((r) => setTimeout(r, pollMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
