import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.js';

const ALLOW_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH';

/**
 * CORS for the listed origins, with credentials. Headers are added to the route's response after
 * it is made, never to a placeholder before: Hono's own cors middleware touches `c.res` before the
 * route runs, which makes Hono rebuild the route's response from its body stream and takes every
 * response off the Node adapter's fast path (bench/notes/api.md).
 */
export function cors(options: {
  origins: readonly string[];
  allowHeaders: readonly string[];
}): MiddlewareHandler<AppEnv> {
  const allowed = new Set(options.origins);
  const allowHeaders = options.allowHeaders.join(',');
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowOrigin = origin && allowed.has(origin) ? origin : null;
    if (c.req.method === 'OPTIONS') {
      const headers: Record<string, string> = { Vary: 'Origin, Access-Control-Request-Headers' };
      if (allowOrigin) {
        headers['Access-Control-Allow-Origin'] = allowOrigin;
        headers['Access-Control-Allow-Credentials'] = 'true';
        headers['Access-Control-Allow-Methods'] = ALLOW_METHODS;
        headers['Access-Control-Allow-Headers'] = allowHeaders;
      }
      return c.body(null, 204, headers);
    }
    await next();
    const headers = c.res.headers;
    headers.append('Vary', 'Origin');
    if (allowOrigin) {
      headers.set('Access-Control-Allow-Origin', allowOrigin);
      headers.set('Access-Control-Allow-Credentials', 'true');
    }
  };
}
