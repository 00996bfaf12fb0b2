// The answers to a login the throttle holds back (security/login-throttle.ts): 429 for an address
// that failed too often recently, 423 for a locked account, in both languages.
import type { LoginThrottle } from '../security/login-throttle.js';
import { ApiError } from './errors.js';

function wholeMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

export function accountLocked(until: Date, now: Date): ApiError {
  const minutes = wholeMinutes(until.getTime() - now.getTime());
  return new ApiError(423, 'ACCOUNT_LOCKED', {
    zh: `登录失败次数过多，账户已锁定，请 ${minutes} 分钟后再试`,
    en: `Too many failed logins; the account is locked. Try again in ${minutes} minute(s)`,
  });
}

/** Throws 429 when the address has failed too often recently. */
export async function assertSourceAllowed(throttle: LoginThrottle, sourceIp: string, now: Date): Promise<void> {
  const waitMs = await throttle.sourceRetryAfterMs(sourceIp, now);
  if (waitMs > 0) {
    const minutes = wholeMinutes(waitMs);
    throw new ApiError(429, 'TOO_MANY_LOGIN_ATTEMPTS', {
      zh: `登录尝试过于频繁，请 ${minutes} 分钟后再试`,
      en: `Too many login attempts from your address; try again in ${minutes} minute(s)`,
    });
  }
}

/** Throws 423 while the account is locked. */
export function assertAccountUnlocked(throttle: LoginThrottle, lockedUntil: Date | null, now: Date): void {
  if (lockedUntil && throttle.isLocked(lockedUntil, now)) throw accountLocked(lockedUntil, now);
}
