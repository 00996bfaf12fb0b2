import { z } from '@hono/zod-openapi';
import type { Payload } from '@temporalio/common';
import { getCookie } from 'hono/cookie';
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../../config/index.js';
import type { Security } from '../../security/authenticator.js';
import { DecryptionError } from '../../security/field-crypto.js';
import { newRouter, type RouteModule } from '../app.js';
import type { AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { CODEC_SESSION_COOKIE } from '../codec-session.js';
import { auditRequest } from '../middleware/audit.js';
import { cors } from '../middleware/cors.js';
import { secureRoute } from '../route.js';
import { bilingual } from '../validation.js';

// Temporal's remote codec protocol: { payloads: [{ metadata: { key: base64 }, data: base64 }] } both ways.

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const base64 = z.string().regex(BASE64, bilingual('须为 base64 编码', 'must be base64'));

const WirePayload = z
  .object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })
  .openapi('CodecPayload');
const Payloads = z.object({ payloads: z.array(WirePayload).max(10_000) }).openapi('CodecPayloads');
/** The CLI sends `{}` when it has nothing to convert (`workflow metadata`, `workflow stack`). */
const PayloadsRequest = z
  .object({ payloads: z.array(WirePayload).max(10_000).default([]) })
  .openapi('CodecPayloadsRequest');

type Wire = z.infer<typeof WirePayload>;

function fromWire(p: Wire): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(p.metadata ?? {})) metadata[key] = Buffer.from(value, 'base64');
  return { metadata, data: Buffer.from(p.data ?? '', 'base64') };
}

function toWire(p: Payload): { metadata: Record<string, string>; data: string } {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(p.metadata ?? {}))
    if (value) metadata[key] = Buffer.from(value).toString('base64');
  return { metadata, data: p.data ? Buffer.from(p.data).toString('base64') : '' };
}

/**
 * The validated JSON body. secureRoute's return type hides the body's type from
 * c.req.valid('json'), though the body is still validated against the schema before the handler runs.
 */
function jsonBody<S extends z.ZodType>(c: { req: { valid(target: never): unknown } }): z.output<S> {
  return c.req.valid('json' as never) as z.output<S>;
}

/** CORS_ORIGINS (comma-separated), else Temporal Web on this machine. */
export function codecCorsOrigins(config: Pick<Config, 'CORS_ORIGINS' | 'TEMPORAL_UI_PORT'>): string[] {
  const listed = config.CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return listed.length > 0
    ? listed
    : [`http://localhost:${config.TEMPORAL_UI_PORT}`, `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`];
}

const namespaceHeader = z.object({
  'x-namespace': z
    .string()
    .max(255)
    .optional()
    .openapi({ param: { name: 'x-namespace', in: 'header' } }),
});

const codecRoute = (path: '/decode' | '/encode', summary: string) =>
  secureRoute({
    method: 'post',
    path,
    access: 'codec:use',
    codecSession: true,
    summary,
    request: {
      headers: namespaceHeader,
      body: { required: true, content: { 'application/json': { schema: PayloadsRequest } } },
    },
    responses: {
      200: { description: 'Payloads', content: { 'application/json': { schema: Payloads } } },
      400: { description: 'Unknown namespace, or payloads that cannot be decrypted' },
      403: {
        description: 'No codec:use permission, or the codec session cookie sent from an origin not in CORS_ORIGINS',
      },
    },
  });

const decode = codecRoute(
  '/decode',
  '解密 Temporal 负载（Temporal Web / CLI）/ Decode Temporal payloads for Temporal Web and the CLI',
);
const encode = codecRoute('/encode', '加密 Temporal 负载 / Encode Temporal payloads');

/**
 * Mounted at /codec: `temporal --codec-endpoint http://host:port/codec --codec-auth 'Bearer <token>'`,
 * or Temporal Web with the OPS user's codec session cookie (api/codec-session.ts).
 */
export function codecRoutes(security: Security): RouteModule {
  return (deps) => {
    const router = newRouter();
    const origins = codecCorsOrigins(deps.config);
    router.use('*', cors({ origins, allowHeaders: ['Authorization', 'Content-Type', 'X-Namespace'] }));
    // The cookie is for Temporal Web only: a page of any other origin (even one on the same site,
    // where SameSite lets the cookie through) cannot make the API decrypt with it.
    const refuseCookieFromOtherOrigins: MiddlewareHandler<AppEnv> = async (c, next) => {
      if (
        c.req.header('authorization') === undefined &&
        getCookie(c, CODEC_SESSION_COOKIE) &&
        !origins.includes(c.req.header('origin') ?? '')
      ) {
        throw ApiError.forbidden(
          {
            zh: '编解码会话 Cookie 只接受来自 Temporal Web（CORS_ORIGINS）的请求',
            en: 'The codec session cookie is accepted only from Temporal Web (CORS_ORIGINS)',
          },
          'CODEC_ORIGIN_REFUSED',
        );
      }
      await next();
    };
    router.use('*', refuseCookieFromOtherOrigins);

    const checkNamespace = (namespace: string | undefined): string => {
      const expected = deps.config.TEMPORAL_NAMESPACE;
      if (namespace !== undefined && namespace !== '' && namespace !== expected) {
        throw new ApiError(400, 'UNKNOWN_NAMESPACE', {
          zh: `不支持的命名空间：${namespace.slice(0, 64)}`,
          en: `Unknown namespace: ${namespace.slice(0, 64)}`,
        });
      }
      return expected;
    };

    router.openapi(decode, async (c) => {
      const namespace = checkNamespace(c.req.valid('header')['x-namespace']);
      const { payloads } = jsonBody<typeof PayloadsRequest>(c);
      if (payloads.length === 0) return c.json({ payloads: [] }, 200);
      let decoded: Payload[];
      try {
        decoded = await security.codec.decode(payloads.map(fromWire));
      } catch (err) {
        if (!(err instanceof DecryptionError)) throw err;
        await auditRequest(c, deps.sql, {
          action: 'CODEC_DECODE',
          result: 'FAILURE',
          detail: { namespace, payloads: payloads.length },
          at: deps.now(),
        });
        throw new ApiError(400, 'CODEC_DECODE_FAILED', {
          zh: '负载无法解密（密钥未知或数据被改动）',
          en: 'Payloads cannot be decrypted (unknown key or altered data)',
        });
      }
      // Recorded before any plaintext leaves: no audit row, no answer.
      await auditRequest(c, deps.sql, {
        action: 'CODEC_DECODE',
        result: 'SUCCESS',
        detail: { namespace, payloads: payloads.length },
        at: deps.now(),
      });
      return c.json({ payloads: decoded.map(toWire) }, 200);
    });

    router.openapi(encode, async (c) => {
      const namespace = checkNamespace(c.req.valid('header')['x-namespace']);
      const { payloads } = jsonBody<typeof PayloadsRequest>(c);
      const encoded = await security.codec.encode(payloads.map(fromWire));
      // Sealed payloads can be sent to Temporal as if the system wrote them: who sealed how many is recorded first.
      if (payloads.length > 0) {
        await auditRequest(c, deps.sql, {
          action: 'CODEC_ENCODE',
          result: 'SUCCESS',
          detail: { namespace, payloads: payloads.length },
          at: deps.now(),
        });
      }
      return c.json({ payloads: encoded.map(toWire) }, 200);
    });

    return router;
  };
}
