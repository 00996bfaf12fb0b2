import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Permission } from '../security/permissions.js';
import { CODEC_SESSION_COOKIE } from './codec-session.js';
import {
  authenticate,
  authenticateWithCookie,
  requirePasswordChanged,
  requirePermission,
  requireChannel,
  requireJsonBody,
} from './middleware/auth.js';

/**
 * Who may call a route: nobody needs to log in, any logged-in user, a named permission, or a
 * channel presenting its API key (X-Api-Key, no user token).
 */
export type Access = 'PUBLIC' | 'AUTHENTICATED' | 'CHANNEL' | Permission;

type SecuredRouteConfig = Omit<RouteConfig, 'middleware' | 'security'> & {
  access: Access;
  /** Also accepts the codec session cookie when the request has no Authorization header (the codec routes). */
  codecSession?: true;
  /** Reachable with a temporary password (changing it, signing out, the current user). */
  openDuringPasswordChange?: true;
};

function hasJsonBody(config: RouteConfig): boolean {
  const content = config.request?.body?.content as Record<string, unknown> | undefined;
  return !!content && 'application/json' in content;
}

/**
 * Every route is declared through here, so none can forget its permission. The access rule is
 * written into the OpenAPI document as `x-access`, which the route-by-role test reads.
 */
export function secureRoute<const C extends SecuredRouteConfig>(config: C) {
  const { access, codecSession, openDuringPasswordChange, ...rest } = config;
  const middleware: MiddlewareHandler[] = [];
  if (hasJsonBody(rest)) middleware.push(requireJsonBody);
  if (access === 'CHANNEL') {
    middleware.unshift(requireChannel);
    const route = createRoute({ ...rest, middleware, security: [{ apiKeyAuth: [] }], 'x-access': access });
    return route as unknown as Omit<C, 'access' | 'codecSession' | 'openDuringPasswordChange'> & {
      getRoutingPath(): string;
    };
  }
  if (access !== 'PUBLIC') middleware.push(codecSession ? authenticateWithCookie(CODEC_SESSION_COOKIE) : authenticate);
  if (access !== 'PUBLIC' && !openDuringPasswordChange) middleware.push(requirePasswordChanged);
  if (access !== 'PUBLIC' && access !== 'AUTHENTICATED') middleware.push(requirePermission(access));
  const route = createRoute({
    ...rest,
    middleware,
    ...(access === 'PUBLIC'
      ? {}
      : { security: codecSession ? [{ bearerAuth: [] }, { codecSession: [] }] : [{ bearerAuth: [] }] }),
    'x-access': access,
  });
  return route as unknown as Omit<C, 'access' | 'codecSession' | 'openDuringPasswordChange'> & {
    getRoutingPath(): string;
  };
}
