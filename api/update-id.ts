// The id of a workflow update sent for a request. With an Idempotency-Key, a retried request
// (a timeout, a double click, a proxy replaying it) carries the same update id, and Temporal
// applies an update id once per run and answers the retry with the first outcome.
import { createHash, randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import type { AuthUser } from '../security/authenticator.js';
import { ApiError } from './errors.js';

const KEY = /^[A-Za-z0-9_:.-]{8,100}$/;

export function updateIdFor(c: Context, action: string, user: AuthUser): string {
  const key = idempotencyKeyOf(c, user);
  return `${action}:${key ?? randomUUID()}`;
}

/**
 * The request's Idempotency-Key scoped to the caller (one user's key can never answer for
 * another's request), hashed; null without the header; a 422 naming the header when malformed.
 */
export function idempotencyKeyOf(c: Context, user: AuthUser): string | null {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return null;
  if (!KEY.test(key)) {
    const text = {
      zh: 'Idempotency-Key 须为 8–100 位字母、数字或 _:.-',
      en: 'Idempotency-Key must be 8–100 letters, digits or _:.-',
    };
    throw ApiError.validation([{ field: 'Idempotency-Key', code: 'INVALID', message: text }]);
  }
  return createHash('sha256').update(`${user.userId}\u0000${key}`).digest('hex').slice(0, 40);
}
