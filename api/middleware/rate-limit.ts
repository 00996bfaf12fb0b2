import type { MiddlewareHandler } from 'hono';
import { createSlidingWindow } from '../../security/login-throttle.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { sourceIp } from './audit.js';

/** At most `limit` requests per client address within `windowMs`; 429 with Retry-After beyond it. */
export function rateLimit(options: { limit: number; windowMs: number }): MiddlewareHandler<AppEnv> {
  const window = createSlidingWindow(options.limit, options.windowMs);
  return async (c, next) => {
    const key = sourceIp(c);
    const now = Date.now();
    const wait = window.retryAfterMs(key, now);
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      throw new ApiError(429, 'RATE_LIMITED', {
        zh: '请求过于频繁，请稍后再试',
        en: 'Too many requests; please slow down',
      });
    }
    window.hit(key, now);
    await next();
  };
}
