import { z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Security } from '../../security/authenticator.js';
import { newRouter, type RouteModule } from '../app.js';
import type { AppEnv } from '../env.js';
import type { Authenticator } from '../../security/authenticator.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { bilingual } from '../validation.js';

/**
 * For the app: a request presenting `X-Api-Key` gets `c.set('channel', …)`; an unknown or revoked
 * key is refused with 401. Requests without the header pass untouched.
 */
export function apiKeyChannel(auth: Authenticator): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('x-api-key');
    if (key !== undefined) {
      const found = await auth.verifyApiKey(key.trim());
      if (!found)
        throw new ApiError(401, 'INVALID_API_KEY', {
          zh: 'API 密钥无效或已吊销',
          en: 'The API key is invalid or revoked',
        });
      c.set('channel', found.channel);
    }
    await next();
  };
}

const Info = z
  .object({
    id: z.string(),
    channel: z.string(),
    keyPrefix: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

const CreateBody = z
  .object({
    channel: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{2,40}$/,
        bilingual('渠道名须为 2–40 位字母、数字、_ 或 -', 'channel must have 2–40 letters, digits, _ or -'),
      )
      .openapi({ example: 'WECHAT_MINIAPP' }),
  })
  .strict()
  .openapi('CreateApiKeyRequest');

const create = secureRoute({
  method: 'post',
  path: '/',
  access: 'apikey:manage',
  summary: '创建渠道 API 密钥（仅显示一次）/ Create a channel API key (shown once)',
  request: { body: { required: true, content: { 'application/json': { schema: CreateBody } } } },
  responses: {
    201: {
      description: 'The key; it is not stored and cannot be shown again',
      content: { 'application/json': { schema: Info.extend({ key: z.string() }) } },
    },
  },
});

const list = secureRoute({
  method: 'get',
  path: '/',
  access: 'apikey:manage',
  summary: '渠道 API 密钥列表 / List channel API keys',
  responses: {
    200: {
      description: 'Keys, newest first (without the keys themselves)',
      content: { 'application/json': { schema: z.object({ items: z.array(Info) }) } },
    },
  },
});

const revoke = secureRoute({
  method: 'post',
  path: '/{id}/revoke',
  access: 'apikey:manage',
  summary: '吊销渠道 API 密钥 / Revoke a channel API key',
  request: { params: z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: { 204: { description: 'Revoked' }, 404: { description: 'No active key with that id' } },
});

/**
 * The validated JSON body. secureRoute's return type hides the body's type from
 * c.req.valid('json'), though the body is still validated against the schema before the handler runs.
 */
function jsonBody<S extends z.ZodType>(c: { req: { valid(target: never): unknown } }): z.output<S> {
  return c.req.valid('json' as never) as z.output<S>;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Mounted at /v1/api-keys. */
export function apiKeyRoutes(security: Security): RouteModule {
  return (deps) => {
    const router = newRouter();

    router.openapi(create, async (c) => {
      const { channel } = jsonBody<typeof CreateBody>(c);
      const user = currentUser(c);
      const now = deps.now();
      const made = await security.apiKeys.create(channel, user.userId, now);
      await auditRequest(c, deps.sql, {
        action: 'API_KEY_CREATE',
        result: 'SUCCESS',
        resourceType: 'api_key',
        resourceId: made.id,
        detail: { channel, keyPrefix: made.keyPrefix },
        at: now,
      });
      return c.json({ ...made, createdAt: made.createdAt.toISOString(), revokedAt: iso(made.revokedAt) }, 201);
    });

    router.openapi(list, async (c) => {
      const items = await security.apiKeys.list();
      return c.json(
        { items: items.map((k) => ({ ...k, createdAt: k.createdAt.toISOString(), revokedAt: iso(k.revokedAt) })) },
        200,
      );
    });

    router.openapi(revoke, async (c) => {
      const { id } = c.req.valid('param');
      const user = currentUser(c);
      const now = deps.now();
      if (!(await security.apiKeys.revoke(id, user.userId, now)))
        throw ApiError.notFound({ zh: '有效的 API 密钥', en: 'Active API key' });
      await auditRequest(c, deps.sql, {
        action: 'API_KEY_REVOKE',
        result: 'SUCCESS',
        resourceType: 'api_key',
        resourceId: id,
        at: now,
      });
      return c.body(null, 204);
    });

    return router;
  };
}
