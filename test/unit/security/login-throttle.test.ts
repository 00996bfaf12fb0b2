import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/errors.js';
import { accountLocked, assertAccountUnlocked, assertSourceAllowed } from '../../../api/login-refusals.js';
import { createLoginThrottle, createSlidingWindow } from '../../../security/login-throttle.js';
import type { Sql } from '../../../lib/db-client.js';

describe('sliding window', () => {
  it('counts hits within the window only', () => {
    const window = createSlidingWindow(3, 1000);
    window.hit('ip', 0);
    window.hit('ip', 400);
    expect(window.count('ip', 500)).toBe(2);
    expect(window.retryAfterMs('ip', 500)).toBe(0);
    window.hit('ip', 800);
    expect(window.retryAfterMs('ip', 900)).toBe(100);
    expect(window.retryAfterMs('ip', 1000)).toBe(0);
    expect(window.count('ip', 1000)).toBe(2);
    expect(window.count('other', 1000)).toBe(0);
  });

  it('keeps keys apart and forgets stale ones', () => {
    const window = createSlidingWindow(2, 100);
    window.hit('a', 0);
    window.hit('a', 10);
    window.hit('b', 10);
    expect(window.retryAfterMs('a', 20)).toBe(80);
    expect(window.retryAfterMs('b', 20)).toBe(0);
    expect(window.count('a', 500)).toBe(0);
  });
});

describe('login throttle', () => {
  // The per-address window is in memory; recording goes to the database, which this fake swallows.
  const sql = (() => Promise.resolve([])) as unknown as Sql;

  it('answers 429 after too many failures from one address, in both languages', async () => {
    const throttle = createLoginThrottle(sql, { ipMaxFailures: 3, ipWindowMs: 60_000 });
    const now = new Date('2026-03-01T00:00:00Z');
    for (let i = 0; i < 3; i += 1) {
      await assertSourceAllowed(throttle, '10.0.0.1', now);
      await throttle.recordFailure('10.0.0.1', null, now);
    }
    expect(await throttle.sourceRetryAfterMs('10.0.0.1', now)).toBe(60_000);
    const err = await assertSourceAllowed(throttle, '10.0.0.1', now).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(429);
    expect((err as ApiError).text.zh).toMatch(/1 分钟/);
    await expect(assertSourceAllowed(throttle, '10.0.0.2', now)).resolves.toBeUndefined();
    await expect(assertSourceAllowed(throttle, '10.0.0.1', new Date(now.getTime() + 60_001))).resolves.toBeUndefined();
  });

  it('answers 423 while an account is locked', () => {
    const throttle = createLoginThrottle(sql);
    const now = new Date('2026-03-01T00:00:00Z');
    const until = new Date(now.getTime() + 15 * 60_000);
    expect(() => assertAccountUnlocked(throttle, until, now)).toThrow(ApiError);
    expect(() => assertAccountUnlocked(throttle, until, until)).not.toThrow();
    expect(() => assertAccountUnlocked(throttle, null, now)).not.toThrow();
    expect(throttle.isLocked(until, now)).toBe(true);
    expect(throttle.isLocked(until, until)).toBe(false);
    const err = accountLocked(until, now);
    expect(err.status).toBe(423);
    expect(err.text.en).toMatch(/15 minute/);
    expect(err.text.zh).toMatch(/15 分钟/);
  });
});
