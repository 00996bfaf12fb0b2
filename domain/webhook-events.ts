// What a channel's webhooks say: the event types, which loan timeline entries raise which events,
// and when a failed delivery is tried again. Pure; the outbox (db/webhooks.ts) and the deliverer
// (worker/webhook-deliverer.ts) use it.

export const WEBHOOK_EVENT_TYPES = [
  'loan.status_changed',
  'loan.documents_requested',
  'loan.offer_ready',
  'loan.signed',
  'loan.disbursed',
  'loan.payout_failed',
  'installment.due',
  'payment.received',
  'loan.overdue',
  'loan.paid_off',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** A webhook event to put in the outbox; `once` events are raised at most once per loan. */
export interface WebhookEventDraft {
  type: WebhookEventType;
  data: Record<string, unknown>;
  once: boolean;
}

/** A loan timeline entry as the projection writes it (kind, the status after it, its detail). */
export interface TimelineEntry {
  kind: string;
  status: string;
  detail: Record<string, unknown>;
}

const STATUS_EVENTS: Partial<Record<string, WebhookEventType>> = {
  AWAITING_SIGNATURE: 'loan.offer_ready',
  DISBURSEMENT_FAILED: 'loan.payout_failed',
  PAYOUT_ACCOUNT_INVALID: 'loan.payout_failed',
  OVERDUE: 'loan.overdue',
  PAID_OFF: 'loan.paid_off',
};

const REQUEST_DOCUMENTS = /^REVIEW_([A-Z]+)_REQUEST_DOCUMENTS$/;

/** The webhook events one timeline entry raises; none for entries a channel does not hear about. */
export function webhookEventsOf(entry: TimelineEntry): WebhookEventDraft[] {
  const events: WebhookEventDraft[] = [];
  if (entry.kind.startsWith('STATUS_')) {
    const status = entry.kind.slice('STATUS_'.length);
    events.push({ type: 'loan.status_changed', data: { status }, once: false });
    const specific = STATUS_EVENTS[status];
    if (specific) events.push({ type: specific, data: { status }, once: false });
    // The first ACTIVE is the payout; a loan back from OVERDUE is ACTIVE again, and says nothing new.
    if (status === 'ACTIVE') events.push({ type: 'loan.disbursed', data: { status }, once: true });
    return events;
  }
  const documents = REQUEST_DOCUMENTS.exec(entry.kind);
  if (documents) events.push({ type: 'loan.documents_requested', data: { stage: documents[1] }, once: false });
  if (entry.kind === 'CONTRACT_SIGNED') events.push({ type: 'loan.signed', data: {}, once: true });
  if (entry.kind === 'REPAYMENT_RECEIVED') {
    const paymentId = entry.detail.paymentId;
    const allocation = entry.detail.allocation;
    events.push({
      type: 'payment.received',
      data: {
        ...(typeof paymentId === 'string' ? { paymentId } : {}),
        ...(allocation && typeof allocation === 'object' ? { allocation } : {}),
        status: entry.status,
      },
      once: false,
    });
  }
  return events;
}

/** Attempts a delivery gets before it is FAILED (the channel can still replay it). */
export const WEBHOOK_MAX_ATTEMPTS = 12;
const FIRST_RETRY_SECONDS = 2;
const LONGEST_WAIT_SECONDS = 3600;

/**
 * Seconds to wait after failed attempt number `attempt` (1-based) before the next: 2, 4, 8, … up
 * to an hour; null when that was the last attempt.
 */
export function webhookRetryDelaySeconds(attempt: number): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer: ${attempt}`);
  if (attempt >= WEBHOOK_MAX_ATTEMPTS) return null;
  return Math.min(FIRST_RETRY_SECONDS * 2 ** (attempt - 1), LONGEST_WAIT_SECONDS);
}
