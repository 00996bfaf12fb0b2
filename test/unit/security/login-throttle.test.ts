import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../api/errors.js';
import {
  accountLocked,
  assertAccountUnlocked,
  assertLoginAllowed,
  assertRegistrationAllowed,
} from '../../../api/login-refusals.js';
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

  const at = new Date('2026-03-01T00:00:00Z');
  const device = (address: string, id: string) => ({ address, client: `device:${id}` });

  it('answers 429 with Retry-After to a client that failed too often, in both languages; other clients pass', async () => {
    const throttle = createLoginThrottle(sql, { clientMaxFailures: 3, addressMaxFailures: 100, windowMs: 60_000 });
    for (let i = 0; i < 3; i += 1) {
      assertLoginAllowed(throttle, device('10.0.0.1', 'phone-a'), at);
      await throttle.recordFailure(device('10.0.0.1', 'phone-a'), null, at);
    }
    expect(throttle.loginRetryAfterMs(device('10.0.0.1', 'phone-a'), at)).toBe(60_000);
    const err = (() => {
      try {
        assertLoginAllowed(throttle, device('10.0.0.1', 'phone-a'), at);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(429);
    expect((err as ApiError).headers['Retry-After']).toBe('60');
    expect((err as ApiError).text.zh).toMatch(/1 分钟/);
    expect(() => assertLoginAllowed(throttle, device('10.0.0.1', 'phone-b'), at)).not.toThrow();
    expect(() => assertLoginAllowed(throttle, { address: '10.0.0.1', client: null }, at)).not.toThrow();
    expect(() =>
      assertLoginAllowed(throttle, device('10.0.0.1', 'phone-a'), new Date(at.getTime() + 60_001)),
    ).not.toThrow();
  });

  it('holds a whole address back only at its high ceiling, whatever clients it names', async () => {
    const throttle = createLoginThrottle(sql, { clientMaxFailures: 3, addressMaxFailures: 10, windowMs: 60_000 });
    for (let i = 0; i < 10; i += 1) await throttle.recordFailure(device('10.0.0.9', `phone-${i}`), null, at);
    expect(throttle.loginRetryAfterMs(device('10.0.0.9', 'fresh-phone'), at)).toBe(60_000);
    expect(throttle.loginRetryAfterMs({ address: '10.0.0.8', client: null }, at)).toBe(0);
  });

  it('counts refused registrations apart from failed logins', async () => {
    const throttle = createLoginThrottle(sql, {
      clientMaxFailures: 2,
      registrationClientMaxFailures: 2,
      windowMs: 60_000,
    });
    const source = device('10.0.0.3', 'phone-r');
    throttle.recordRegistrationFailure(source, at);
    throttle.recordRegistrationFailure(source, at);
    expect(() => assertRegistrationAllowed(throttle, source, at)).toThrow(ApiError);
    expect(() => assertLoginAllowed(throttle, source, at)).not.toThrow();
    await throttle.recordFailure(device('10.0.0.4', 'phone-l'), null, at);
    await throttle.recordFailure(device('10.0.0.4', 'phone-l'), null, at);
    expect(() => assertLoginAllowed(throttle, device('10.0.0.4', 'phone-l'), at)).toThrow(ApiError);
    expect(() => assertRegistrationAllowed(throttle, device('10.0.0.4', 'phone-l'), at)).not.toThrow();
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
    expect(err.headers['Retry-After']).toBe('900');
  });
});
