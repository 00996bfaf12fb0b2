import type { Sql } from '../lib/db-client.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

/**
 * Where a login or registration comes from: the network address, and the client when it names
 * itself (a channel's API key, or a device id). Many people share one address (a mobile carrier's
 * NAT, an office), so the address only has a high ceiling; the tight limits are per client and per
 * account.
 */
export interface LoginSource {
  address: string;
  client: string | null;
}

export interface LoginThrottleOptions {
  /** Failed logins allowed from one client (API key or device) within the window. Default 20. */
  clientMaxFailures?: number;
  /** Failed logins allowed from one address, across all its clients, within the window. Default 300. */
  addressMaxFailures?: number;
  /** Refused registrations (e.g. duplicates, which tell who is registered) per client. Default 10. */
  registrationClientMaxFailures?: number;
  /** Refused registrations per address. Default 100. */
  registrationAddressMaxFailures?: number;
  /** Sliding window for every count above. Default 15 minutes. */
  windowMs?: number;
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
  /** Milliseconds until this client and address may try to log in again; 0 when they may now. */
  loginRetryAfterMs(source: LoginSource, now: Date): number;
  /** Milliseconds until this client and address may try to register again; 0 when they may now. */
  registrationRetryAfterMs(source: LoginSource, now: Date): number;
  /** Whether the account is still locked at `now`. */
  isLocked(lockedUntil: Date | null, now: Date): boolean;
  /** Counts a failed login against the client, the address and, when known, the account; returns the lock end when this failure locked it. */
  recordFailure(source: LoginSource, userId: string | null, now: Date): Promise<{ lockedUntil: Date | null }>;
  /** Counts a refused registration, e.g. a duplicate (probing who is registered); logins are counted apart. */
  recordRegistrationFailure(source: LoginSource, now: Date): void;
  /** Clears the account's failure count. */
  recordSuccess(source: LoginSource, userId: string, now: Date): Promise<void>;
}

const PRUNE_EVERY_MS = 10 * 60_000;
const KEEP_ATTEMPTS_MS = 24 * 3_600_000;

/** Per-client and per-address windows for one kind of attempt. */
function createSourceLimits(clientMax: number, addressMax: number, windowMs: number) {
  const clients = createSlidingWindow(clientMax, windowMs);
  const addresses = createSlidingWindow(addressMax, windowMs);
  return {
    retryAfterMs(source: LoginSource, now: number): number {
      const client = source.client ? clients.retryAfterMs(source.client, now) : 0;
      return Math.max(client, addresses.retryAfterMs(source.address, now));
    },
    hit(source: LoginSource, now: number): void {
      if (source.client) clients.hit(source.client, now);
      addresses.hit(source.address, now);
    },
  };
}

export function createLoginThrottle(sql: Sql, options: LoginThrottleOptions = {}): LoginThrottle {
  const windowMs = options.windowMs ?? 15 * 60_000;
  const logins = createSourceLimits(options.clientMaxFailures ?? 20, options.addressMaxFailures ?? 300, windowMs);
  const registrations = createSourceLimits(
    options.registrationClientMaxFailures ?? 10,
    options.registrationAddressMaxFailures ?? 100,
    windowMs,
  );
  let lastPrune = 0;

  const prune = async (now: Date) => {
    if (now.getTime() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now.getTime();
    await sql`delete from login_attempts where at < ${new Date(now.getTime() - KEEP_ATTEMPTS_MS)}`;
  };

  return {
    loginRetryAfterMs: (source, now) => logins.retryAfterMs(source, now.getTime()),
    registrationRetryAfterMs: (source, now) => registrations.retryAfterMs(source, now.getTime()),
    isLocked: (lockedUntil, now) => lockedUntil !== null && lockedUntil.getTime() > now.getTime(),
    async recordFailure(source, userId, now) {
      logins.hit(source, now.getTime());
      await sql`insert into login_attempts (at, source_ip, user_id, success) values (${now}, ${source.address}, ${userId}, false)`;
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
    recordRegistrationFailure(source, now) {
      registrations.hit(source, now.getTime());
    },
    async recordSuccess(source, userId, now) {
      await sql`insert into login_attempts (at, source_ip, user_id, success) values (${now}, ${source.address}, ${userId}, true)`;
      await sql`update users set failed_logins = 0, locked_until = null where id = ${userId} and (failed_logins <> 0 or locked_until is not null)`;
    },
  };
}
