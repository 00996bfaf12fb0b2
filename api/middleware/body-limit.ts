import type { MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';

const tooLarge = () => {
  throw new ApiError(413, 'PAYLOAD_TOO_LARGE', { zh: '请求体过大', en: 'The request body is too large' });
};

/**
 * Refuses bodies over `maxBytes(c)` with 413. A request with a Content-Length is judged by its
 * header alone; only a chunked body is counted as it streams. Hono's own bodyLimit reads
 * `c.req.raw.body` on every request, which makes the Node adapter build a full WHATWG Request with
 * a body stream for each one (also for GETs) instead of reading the body directly: that alone cost
 * more CPU than the quote calculation (bench/notes/api.md).
 */
export function bodyLimit(
  maxBytes: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => number,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && !c.req.header('transfer-encoding')) {
      return Number(length) > maxBytes(c) ? tooLarge() : next();
    }
    return streamingBodyLimit({ maxSize: maxBytes(c), onError: tooLarge })(c, next);
  };
}
