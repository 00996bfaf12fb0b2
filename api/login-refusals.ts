// The answers to a login or registration the throttle holds back (security/login-throttle.ts):
// 429 for a client or address that failed too often recently, 423 for a locked account, in both
// languages and with Retry-After.
import type { Context } from 'hono';
import type { LoginSource, LoginThrottle } from '../security/login-throttle.js';
import type { AppEnv } from './env.js';
import { ApiError } from './errors.js';
import { sourceIp } from './middleware/audit.js';

function wholeMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

function retryAfter(ms: number): Record<string, string> {
  return { 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) };
}

/** A device id a client may name itself by: printable, no spaces, at most 128 characters. */
const DEVICE_ID = /^[\x21-\x7e]{8,128}$/;

/** The address, and the client when it names itself: a channel's API key first, else its X-Device-Id. */
export function loginSource(c: Context<AppEnv>): LoginSource {
  const address = sourceIp(c);
  const channel = c.get('channel');
  if (channel) return { address, client: `channel:${channel}` };
  const device = c.req.header('x-device-id')?.trim();
  return { address, client: device && DEVICE_ID.test(device) ? `device:${device}` : null };
}

export function accountLocked(until: Date, now: Date): ApiError {
  const waitMs = until.getTime() - now.getTime();
  const minutes = wholeMinutes(waitMs);
  return new ApiError(423, 'ACCOUNT_LOCKED', {
    zh: `登录失败次数过多，账户已锁定，请 ${minutes} 分钟后再试`,
    en: `Too many failed logins; the account is locked. Try again in ${minutes} minute(s)`,
  }).withHeaders(retryAfter(waitMs));
}

/** Throws 429 when this client, or its whole address, has failed to log in too often recently. */
export function assertLoginAllowed(throttle: LoginThrottle, source: LoginSource, now: Date): void {
  const waitMs = throttle.loginRetryAfterMs(source, now);
  if (waitMs > 0) {
    const minutes = wholeMinutes(waitMs);
    throw new ApiError(429, 'TOO_MANY_LOGIN_ATTEMPTS', {
      zh: `登录尝试过于频繁，请 ${minutes} 分钟后再试`,
      en: `Too many login attempts from this client; try again in ${minutes} minute(s)`,
    }).withHeaders(retryAfter(waitMs));
  }
}

/** Throws 429 when this client, or its whole address, has had too many registrations refused recently. */
export function assertRegistrationAllowed(throttle: LoginThrottle, source: LoginSource, now: Date): void {
  const waitMs = throttle.registrationRetryAfterMs(source, now);
  if (waitMs > 0) {
    const minutes = wholeMinutes(waitMs);
    throw new ApiError(429, 'TOO_MANY_REGISTRATION_ATTEMPTS', {
      zh: `注册尝试过于频繁，请 ${minutes} 分钟后再试`,
      en: `Too many registration attempts from this client; try again in ${minutes} minute(s)`,
    }).withHeaders(retryAfter(waitMs));
  }
}

/** Throws 423 while the account is locked. */
export function assertAccountUnlocked(throttle: LoginThrottle, lockedUntil: Date | null, now: Date): void {
  if (lockedUntil && throttle.isLocked(lockedUntil, now)) throw accountLocked(lockedUntil, now);
}
