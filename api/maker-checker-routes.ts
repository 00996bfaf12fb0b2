// The route declarations every maker-checker resource repeats: the checkers' list by status, and
// approve and reject (with a reason) of one item, each declaring its permission through secureRoute.
import { z } from '@hono/zod-openapi';
import { secureRoute, type Access } from './route.js';
import { errorResponses } from './schemas.js';
import { bilingual } from './validation.js';

/** A checker's rejection: a reason of 1–500 characters, nothing else. */
export function rejectionBody(openapiName: string) {
  return z
    .object({
      reason: z
        .string()
        .trim()
        .min(1, bilingual('须填写驳回原因', 'a reason is required'))
        .max(500, bilingual('原因最多 500 字', 'at most 500 characters')),
    })
    .strict()
    .openapi(openapiName);
}

/** GET `path`?status=… (PENDING_APPROVAL by default): oldest first, at most `maxListed`. */
export function checkerListRoute<S extends z.ZodEnum, I extends z.ZodType>(d: {
  path: string;
  access: Access;
  summary: string;
  maxListed: number;
  status: S;
  item: I;
  description: string;
}) {
  return secureRoute({
    method: 'get',
    path: d.path,
    access: d.access,
    summary: d.summary,
    description: `Oldest first, at most ${d.maxListed}.`,
    request: { query: z.object({ status: d.status.default('PENDING_APPROVAL' as never) }) },
    responses: {
      200: {
        description: d.description,
        content: { 'application/json': { schema: z.object({ items: z.array(d.item) }) } },
      },
      ...errorResponses,
    },
  });
}

interface Decision<A extends z.ZodType> {
  summary: string;
  description: string;
  /** What a 200 says, and its schema. */
  answer: { description: string; schema: A };
}

/** POST `{item}/approve` and POST `{item}/reject` (with `rejectBody`), both answering 200. */
export function checkerDecisionRoutes<
  P extends z.ZodObject,
  A extends z.ZodType,
  R extends z.ZodType,
  B extends z.ZodType,
>(d: { item: string; access: Access; params: P; approve: Decision<A>; reject: Decision<R> & { body: B } }) {
  const approve = secureRoute({
    method: 'post',
    path: `${d.item}/approve`,
    access: d.access,
    summary: d.approve.summary,
    description: d.approve.description,
    request: { params: d.params },
    responses: {
      200: {
        description: d.approve.answer.description,
        content: { 'application/json': { schema: d.approve.answer.schema } },
      },
      ...errorResponses,
    },
  });
  const reject = secureRoute({
    method: 'post',
    path: `${d.item}/reject`,
    access: d.access,
    summary: d.reject.summary,
    description: d.reject.description,
    request: {
      params: d.params,
      body: { content: { 'application/json': { schema: d.reject.body } }, required: true },
    },
    responses: {
      200: {
        description: d.reject.answer.description,
        content: { 'application/json': { schema: d.reject.answer.schema } },
      },
      ...errorResponses,
    },
  });
  return { approve, reject };
}
