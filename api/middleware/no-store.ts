import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';

/** Paths whose answers may carry personal data: the JSON API and the codec (decrypted payloads). */
const DATA_PATHS = /^\/(v1|codec)(\/|$)/;

/**
 * Answers that may carry personal data are never kept by a browser or a proxy: `Cache-Control:
 * no-store` unless the route chose its own (documents and exports already say `private, no-store`).
 * Pages and static assets keep their caching: they hold no data, which the pages fetch from the API.
 */
export function noStoreForData(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (DATA_PATHS.test(c.req.path) && !c.res.headers.has('cache-control')) c.header('Cache-Control', 'no-store');
  };
}
