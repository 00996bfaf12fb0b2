import type { Sql, TransactionSql } from '../lib/db-client.js';
import type { Logger } from '../lib/logger.js';
import { callbackSignatureHeaders } from '../partners/signature.js';

export type CallbackSource = 'bank' | 'notify' | 'gateway';

export interface CallbackPolicy {
  /** Attempts before the callback is abandoned. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per attempt. */
  timeoutMs: number;
}

export const DEFAULT_CALLBACK_POLICY: CallbackPolicy = {
  maxAttempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 60_000,
  timeoutMs: 5_000,
};

// A claimed callback is not offered again for this long, unless its attempt finishes first.
const LEASE_SECONDS = 60;
const BATCH = 20;

/** Queues a callback in the same transaction as the state change it reports; `delayMs` holds its first attempt back. */
export async function enqueueCallback(
  tx: TransactionSql,
  callback: { source: CallbackSource; subjectId: string; url: string; body: unknown; delayMs?: number },
): Promise<void> {
  await tx`
    insert into partner_callbacks (source, subject_id, url, body, next_attempt_at)
    values (${callback.source}, ${callback.subjectId}, ${callback.url}, ${JSON.stringify(callback.body)},
            clock_timestamp() + ${callback.delayMs ?? 0}::int * interval '1 millisecond')`;
}

interface ClaimedCallback {
  callback_id: string;
  source: CallbackSource;
  subject_id: string;
  url: string;
  body: string;
  attempts: number;
}

export function retryDelayMs(policy: CallbackPolicy, attemptsSoFar: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attemptsSoFar - 1));
}

async function post(
  url: string,
  body: string,
  secret: string,
  timeoutMs: number,
): Promise<{ status?: number; error?: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...callbackSignatureHeaders(secret, body) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return { status: response.status };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { error: cause ?? (err instanceof Error ? err.name : 'error') };
  }
}

export class CallbackDispatcher {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly sql: Sql,
    /** Each partner signs with its own key. */
    private readonly secrets: Readonly<Record<CallbackSource, string>>,
    private readonly log: Logger,
    private readonly policy: CallbackPolicy = DEFAULT_CALLBACK_POLICY,
  ) {}

  /** Claims the callbacks that are due and sends them without waiting for the answers. */
  async dispatchDue(): Promise<void> {
    const claimed = await this.sql<ClaimedCallback[]>`
      update partner_callbacks
         set attempts = attempts + 1, next_attempt_at = now() + ${LEASE_SECONDS}::int * interval '1 second'
       where callback_id in (
         select callback_id from partner_callbacks
          where delivered_at is null and abandoned_at is null and next_attempt_at <= now()
          order by next_attempt_at
          limit ${BATCH}
          for update skip locked)
      returning callback_id, source, subject_id, url, body, attempts`;
    for (const callback of claimed) {
      const sending = this.send(callback).finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
    }
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async send(callback: ClaimedCallback): Promise<void> {
    const result = await post(callback.url, callback.body, this.secrets[callback.source], this.policy.timeoutMs);
    const delivered = result.status !== undefined && result.status >= 200 && result.status < 300;
    const context = {
      source: callback.source,
      subjectId: callback.subject_id,
      attempt: callback.attempts,
      status: result.status,
      error: result.error,
    };
    try {
      if (delivered) {
        await this.sql`
          update partner_callbacks set delivered_at = now(), last_status = ${result.status ?? null}, last_error = null
           where callback_id = ${callback.callback_id}`;
        this.log.debug(context, 'callback delivered');
      } else if (callback.attempts >= this.policy.maxAttempts) {
        await this.sql`
          update partner_callbacks set abandoned_at = now(), last_status = ${result.status ?? null}, last_error = ${result.error ?? null}
           where callback_id = ${callback.callback_id}`;
        this.log.warn(context, 'callback abandoned after the last attempt');
      } else {
        const delay = retryDelayMs(this.policy, callback.attempts);
        await this.sql`
          update partner_callbacks
             set next_attempt_at = now() + ${delay}::int * interval '1 millisecond',
                 last_status = ${result.status ?? null}, last_error = ${result.error ?? null}
           where callback_id = ${callback.callback_id}`;
        this.log.info({ ...context, retryInMs: delay }, 'callback not accepted; will retry');
      }
    } catch (err) {
      // The lease expires and the callback is sent again: at-least-once, which receivers must tolerate.
      this.log.warn({ ...context, err }, 'could not record the callback attempt');
    }
  }
}
