import type { Context, MiddlewareHandler, Next } from 'hono';
import { getCookie } from 'hono/cookie';
import { can, type Permission } from '../../security/permissions.js';
import type { ApiDeps, AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { auditAccessRefusal } from '../access-refusals.js';

let authenticator: ApiDeps['auth'] | undefined;
let auditSql: ApiDeps['sql'] | undefined;

/** Called once by createApp; the route helpers are module-level so routes stay declarative. */
export function useAuthenticator(auth: ApiDeps['auth'], sql?: ApiDeps['sql']): void {
  authenticator = auth;
  auditSql = sql;
}

/** A refusal of a signed-in user is audited (the route's pattern, never its values) before the 403 goes out. */
async function auditRefusal(
  c: Context<AppEnv>,
  reason: 'PERMISSION' | 'PASSWORD_CHANGE_REQUIRED',
  permission?: Permission,
): Promise<void> {
  if (!auditSql) return;
  await auditAccessRefusal(c, auditSql, {
    reason,
    permission,
    resourceType: 'route',
    resourceId: `${c.req.method} ${c.req.routePath}`,
  });
}

const bearerToken = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];

async function signInWith(c: Context<AppEnv>, token: string | undefined, next: Next): Promise<void> {
  if (!token || !authenticator) throw ApiError.unauthenticated();
  const user = await authenticator.verifyToken(token);
  if (!user) throw ApiError.unauthenticated();
  c.set('user', user);
  c.set('log', c.get('log').child({ userId: user.userId, role: user.role }));
  await next();
}

export const authenticate: MiddlewareHandler<AppEnv> = (c, next) =>
  signInWith(c, bearerToken(c.req.header('authorization')), next);

/**
 * The bearer token, or else the access token held in the named cookie (for browsers that cannot
 * send a header, such as Temporal Web calling the codec). Same checks either way.
 */
export function authenticateWithCookie(cookieName: string): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const header = c.req.header('authorization');
    return signInWith(c, header !== undefined ? bearerToken(header) : getCookie(c, cookieName), next);
  };
}

/**
 * After an administrator's password reset the user holds a temporary password: until they change
 * it, every route but the few declared open for it answers 403 PASSWORD_CHANGE_REQUIRED.
 */
export const requirePasswordChanged: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('user')?.mustChangePassword) {
    await auditRefusal(c, 'PASSWORD_CHANGE_REQUIRED');
    throw ApiError.forbidden(
      {
        zh: '管理员已重置您的密码，请先修改密码（POST /v1/auth/password）',
        en: 'An administrator reset your password; change it first (POST /v1/auth/password)',
      },
      'PASSWORD_CHANGE_REQUIRED',
    );
  }
  await next();
};

export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get('user');
    if (!user) throw ApiError.unauthenticated();
    if (!can(user.role, permission)) {
      await auditRefusal(c, 'PERMISSION', permission);
      throw ApiError.forbidden({
        zh: `当前角色无权执行此操作（需要 ${permission}）`,
        en: `Your role lacks the permission ${permission}`,
      });
    }
    await next();
  };
}

export const requireJsonBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header('content-type') ?? '';
  const hasBody = (c.req.header('content-length') ?? '0') !== '0' || c.req.header('transfer-encoding') !== undefined;
  if (hasBody && !/^application\/json\b/i.test(type)) {
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', {
      zh: '请求体必须为 application/json',
      en: 'The request body must be application/json',
    });
  }
  await next();
};

/** The signed-in user; routes behind `authenticate` can rely on it. */
export function currentUser(c: { get(key: 'user'): AppEnv['Variables']['user'] }) {
  const user = c.get('user');
  if (!user) throw ApiError.unauthenticated();
  return user;
}

/**
 * Channel routes: the caller is the channel whose X-Api-Key came with the request (apiKeyChannel
 * has checked it). Without one, 401 API_KEY_REQUIRED; a user's token does not stand in for it.
 */
export const requireChannel: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('channel'))
    throw new ApiError(401, 'API_KEY_REQUIRED', {
      zh: '请在 X-Api-Key 中提供渠道 API 密钥',
      en: "The channel's API key is required in X-Api-Key",
    });
  await next();
};

/** The channel of a route behind requireChannel. */
export function currentChannel(c: { get(key: 'channel'): AppEnv['Variables']['channel'] }): string {
  const channel = c.get('channel');
  if (!channel) throw new ApiError(401, 'API_KEY_REQUIRED', { zh: '需要渠道 API 密钥', en: 'API key required' });
  return channel;
}
