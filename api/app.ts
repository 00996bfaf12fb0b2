import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { isDbReachable } from '../lib/db-client.js';
import type { ApiDeps, AppEnv } from './env.js';
import { ApiError, errorBody } from './errors.js';
import { useAuthenticator } from './middleware/auth.js';
import { auditAccessRefusal, ScopeRefusal } from './access-refusals.js';
import { toFieldProblems } from './validation.js';
import { CODEC_SESSION_COOKIE } from './codec-session.js';
import { docsRoutes } from './docs.js';
import { missingSearchAttributes } from './search-attributes.js';
import { READINESS_TIMEOUT_MS, workflowServiceUnavailable } from './workflow-errors.js';

export type App = OpenAPIHono<AppEnv>;

/** A route module: one Hono app per resource, mounted under its path. */
export type RouteModule = (deps: ApiDeps) => OpenAPIHono<AppEnv>;

export function newRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success)
        throw ApiError.validation(toFieldProblems(result.error, result.target === 'json' ? '' : result.target));
    },
  });
}

function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413)
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', { zh: '请求体过大', en: 'The request body is too large' });
    if (err.status === 400)
      return new ApiError(400, 'MALFORMED_REQUEST', {
        zh: '请求格式错误（JSON 无法解析）',
        en: 'Malformed request body (invalid JSON)',
      });
    return new ApiError(err.status as ApiError['status'], 'HTTP_ERROR', {
      zh: '请求无法处理',
      en: err.message || 'Request cannot be processed',
    });
  }
  return null;
}

type TemporalCheck = { temporal: 'ok' | 'down'; missingSearchAttributes?: string[] };

/** Temporal answers, and its namespace knows every search attribute a loan sets. */
async function temporalReadiness(temporal: ApiDeps['temporal']): Promise<TemporalCheck> {
  const deadline = Date.now() + READINESS_TIMEOUT_MS;
  try {
    const missing = await temporal.withDeadline(deadline, async () => {
      await temporal.workflowService.getSystemInfo({});
      return missingSearchAttributes(temporal.connection.operatorService, temporal.options.namespace);
    });
    return { temporal: 'ok', ...(missing.length ? { missingSearchAttributes: missing } : {}) };
  } catch {
    return { temporal: 'down' };
  }
}

export async function readiness(deps: Pick<ApiDeps, 'sql' | 'temporal'>) {
  const [db, temporal] = await Promise.all([isDbReachable(deps.sql), temporalReadiness(deps.temporal)]);
  const missing = temporal.missingSearchAttributes;
  return {
    status: db && temporal.temporal === 'ok' && !missing ? 'ok' : 'unavailable',
    checks: {
      db: db ? 'ok' : 'down',
      temporal: temporal.temporal,
      // Known only while Temporal answers.
      ...(temporal.temporal === 'ok' ? { searchAttributes: missing ? 'missing' : 'ok' } : {}),
    },
    ...(missing ? { missingSearchAttributes: missing } : {}),
  } as const;
}

export function createApp(
  deps: ApiDeps,
  routes: Array<[path: string, module: RouteModule]>,
  edges?: (app: App) => void,
): App {
  useAuthenticator(deps.auth, deps.sql);
  const app = newRouter();

  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', async (c, next) => {
    const loanId = /\/(loan-\d{8}-[0-9a-f]{10})(?:\/|$)/.exec(c.req.path)?.[1];
    const log = deps.log.child({ requestId: c.get('requestId'), ...(loanId ? { loanId } : {}) });
    c.set('log', log);
    const started = performance.now();
    await next();
    log.info(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });
  edges?.(app);

  app.onError(async (err, c) => {
    const known = toApiError(err);
    const log = c.get('log') ?? deps.log;
    // Audited before it goes out; when the row cannot be written the answer is a 500 instead.
    if (known instanceof ScopeRefusal) await auditAccessRefusal(c, deps.sql, known.refusal);
    if (known) return c.json(errorBody(known, c.get('requestId')), known.status, known.headers);
    if (isDatabaseDown(err)) {
      const down = new ApiError(503, 'SERVICE_UNAVAILABLE', {
        zh: '服务暂时不可用，请稍后重试',
        en: 'Service temporarily unavailable, please retry',
      });
      return c.json(errorBody(down, c.get('requestId')), 503);
    }
    // Temporal unreachable or too slow, from a route that calls it without callWorkflow.
    const temporalDown = workflowServiceUnavailable(err);
    if (temporalDown) return c.json(errorBody(temporalDown, c.get('requestId')), 503);
    log.error({ err }, 'unhandled error');
    const internal = new ApiError(500, 'INTERNAL', { zh: '服务器内部错误', en: 'Internal server error' });
    return c.json(errorBody(internal, c.get('requestId')), 500);
  });
  app.notFound((c) => c.json(errorBody(ApiError.notFound({ zh: '接口', en: 'Route' }), c.get('requestId')), 404));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const ready = await readiness(deps);
    return c.json(ready, ready.status === 'ok' ? 200 : 503);
  });

  for (const [path, module] of routes) app.route(path, module(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKeyAuth', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: "A channel's API key (POST /v1/api-keys); the webhook routes take it alone",
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'codecSession', {
    type: 'apiKey',
    in: 'cookie',
    name: CODEC_SESSION_COOKIE,
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: '小额贷款信息系统 API / Micro-loan API',
      version: '1.0.0',
      description: [
        'Every request and response body is described field by field: amounts and rates are decimal strings,',
        'dates YYYY-MM-DD, instants ISO 8601, statuses and types enums; a request body refuses fields it does not name (400 UNKNOWN_FIELD).',
        '',
        '**X-Contract-Sha256.** `GET /v1/loans/{loanId}/contract` answers the loan contract (HTML) with the header',
        '`X-Contract-Sha256`: the sha256, lowercase hex, of exactly the bytes of that body, equal to `contract.sha256`',
        'in the loan detail, and `X-Contract-Version`. The borrower signs that hash (`POST /v1/loans/{loanId}/contract/sign`',
        '`{contractSha256, smsCode}`). A channel keeps the hash of the contract it showed the borrower and compares it',
        'with `contract.sha256` of the loan (or the header on a fresh read) before asking for the signature: when the',
        'contract is generated again (new terms) the hash and version change, the old hash is refused with 422 naming',
        '`contractSha256`, and the channel shows the new contract before the borrower signs.',
      ].join('\n'),
    },
  });
  app.route('/docs', docsRoutes());
  return app;
}

const DATABASE_DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
]);

/** A lost or refused database connection (also SQLSTATE class 08), on the error or its causes. */
function isDatabaseDown(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (DATABASE_DOWN.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  }
  return false;
}
