import type { Sql } from '../lib/db-client.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

export interface LoginThrottleOptions {
  /** Failed logins allowed from one source address within the window. Default 20. */
  ipMaxFailures?: number;
  /** Sliding window for the per-address count. Default 15 minutes. */
  ipWindowMs?: number;
}

/** Counts events per key over a sliding window, in memory. */
export interface SlidingWindow {
  hit(key: string, now: number): void;
  count(key: string, now: number): number;
  /** Milliseconds until the count drops below the limit; 0 when it already is. */
  retryAfterMs(key: string, now: number): number;
}

export function createSlidingWindow(limit: number, windowMs: number): SlidingWindow {
  const hits = new Map<string, number[]>();
  let lastSweep = 0;

  const live = (key: string, now: number): number[] => {
    const list = (hits.get(key) ?? []).filter((t) => t > now - windowMs);
    if (list.length === 0) hits.delete(key);
    else hits.set(key, list);
    return list;
  };
  const sweep = (now: number) => {
    if (now - lastSweep < windowMs) return;
    lastSweep = now;
    for (const key of [...hits.keys()]) live(key, now);
  };

  return {
    hit(key, now) {
      sweep(now);
      const list = live(key, now);
      list.push(now);
      // Only the newest `limit` hits decide anything; older ones need not be kept.
      hits.set(key, list.slice(-limit));
    },
    count: (key, now) => live(key, now).length,
    retryAfterMs(key, now) {
      const list = live(key, now);
      if (list.length < limit) return 0;
      return list[list.length - limit]! + windowMs - now;
    },
  };
}

export interface LoginThrottle {
  /** Milliseconds until the address may try again, having failed too often recently; 0 when it may now. */
  sourceRetryAfterMs(sourceIp: string, now: Date): Promise<number>;
  /** Whether the account is still locked at `now`. */
  isLocked(lockedUntil: Date | null, now: Date): boolean;
  /** Counts a failure against the address and, when known, the account; returns the lock end when this failure locked it. */
  recordFailure(sourceIp: string, userId: string | null, now: Date): Promise<{ lockedUntil: Date | null }>;
  /** Counts a failure against the address only, e.g. a registration refused as a duplicate (probing who is registered). */
  recordSourceFailure(sourceIp: string, now: Date): void;
  /** Clears the account's failure count. */
  recordSuccess(sourceIp: string, userId: string, now: Date): Promise<void>;
}

const PRUNE_EVERY_MS = 10 * 60_000;
const KEEP_ATTEMPTS_MS = 24 * 3_600_000;

export function createLoginThrottle(sql: Sql, options: LoginThrottleOptions = {}): LoginThrottle {
  const ipWindow = createSlidingWindow(options.ipMaxFailures ?? 20, options.ipWindowMs ?? 15 * 60_000);
  let lastPrune = 0;

  const prune = async (now: Date) => {
    if (now.getTime() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now.getTime();
    await sql`delete from login_attempts where at < ${new Date(now.getTime() - KEEP_ATTEMPTS_MS)}`;
  };

  return {
    sourceRetryAfterMs: (sourceIp, now) => Promise.resolve(ipWindow.retryAfterMs(sourceIp, now.getTime())),
    isLocked: (lockedUntil, now) => lockedUntil !== null && lockedUntil.getTime() > now.getTime(),
    async recordFailure(sourceIp, userId, now) {
      ipWindow.hit(sourceIp, now.getTime());
      await sql`insert into login_attempts (at, source_ip, user_id, success) values (${now}, ${sourceIp}, ${userId}, false)`;
      await prune(now);
      if (!userId) return { lockedUntil: null };
      const lockUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
      // Locking resets the count, so after the lock ends the account gets a fresh set of tries.
      const [row] = await sql<{ locked_until: Date | null; locked_now: boolean }[]>`
        update users set
          failed_logins = case when failed_logins + 1 >= ${MAX_FAILED_LOGINS} then 0 else failed_logins + 1 end,
          locked_until = case when failed_logins + 1 >= ${MAX_FAILED_LOGINS} then ${lockUntil}::timestamptz else locked_until end
        where id = ${userId}
        returning locked_until, coalesce(locked_until = ${lockUntil}::timestamptz, false) as locked_now`;
      return { lockedUntil: row?.locked_now ? row.locked_until : null };
    },
    recordSourceFailure(sourceIp, now) {
      ipWindow.hit(sourceIp, now.getTime());
    },
    async recordSuccess(sourceIp, userId, now) {
      await sql`insert into login_attempts (at, source_ip, user_id, success) values (${now}, ${sourceIp}, ${userId}, true)`;
      await sql`update users set failed_logins = 0, locked_until = null where id = ${userId} and (failed_logins <> 0 or locked_until is not null)`;
    },
  };
}
