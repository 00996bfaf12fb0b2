// A channel's webhook subscriptions and deliveries, authenticated by the channel's X-Api-Key alone.
// Each answer covers the calling channel's own subscriptions and deliveries; another channel's id is
// a 404. Sending is the worker's (worker/webhook-deliverer.ts), never this request's.
import { z } from '@hono/zod-openapi';
import {
  createSubscription,
  deleteSubscription,
  listDeliveries,
  listSubscriptions,
  MAX_SUBSCRIPTIONS_PER_CHANNEL,
  replayDelivery,
  rotateSubscriptionSecret,
  type Delivery,
  type Subscription,
} from '../../db/webhooks.js';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhook-events.js';
import { WEBHOOK_SECRET_CONTEXT } from '../../security/encryption-contexts.js';
import { newWebhookSecret } from '../../security/webhook-signature.js';
import { webhookUrlProblem } from '../../security/webhook-url.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../middleware/audit.js';
import { currentChannel } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { bilingual } from '../validation.js';

const EventType = z.enum(WEBHOOK_EVENT_TYPES).openapi('WebhookEventType');

const SubscriptionInfo = z
  .object({
    id: z.uuid(),
    url: z.string(),
    eventTypes: z.array(EventType),
    createdAt: z.string(),
    secretRotatedAt: z.string().nullable(),
  })
  .openapi('WebhookSubscription');

const WithSecret = SubscriptionInfo.extend({
  secret: z.string().openapi({ description: 'The signing secret, shown only in this answer' }),
}).openapi('WebhookSubscriptionWithSecret');

const CreateBody = z
  .object({
    url: z
      .string()
      .max(2000, bilingual('网址过长（最多 2000 字符）', 'url is too long (at most 2000 characters)'))
      .openapi({ example: 'https://channel.example.com/loan-events' }),
    eventTypes: z
      .array(EventType)
      .min(1, bilingual('至少订阅一种事件', 'subscribe to at least one event type'))
      .max(WEBHOOK_EVENT_TYPES.length),
  })
  .strict()
  .openapi('CreateWebhookRequest');

const DeliveryInfo = z
  .object({
    id: z.uuid(),
    subscriptionId: z.uuid(),
    eventId: z.uuid(),
    eventType: EventType,
    loanId: z.string(),
    status: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        startedAt: z.string(),
        durationMs: z.number().int(),
        statusCode: z.number().int().nullable(),
        error: z.string().nullable(),
      }),
    ),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    replayOf: z.uuid().nullable(),
    createdAt: z.string(),
  })
  .openapi('WebhookDelivery');

const IdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

const create = secureRoute({
  method: 'post',
  path: '/',
  access: 'CHANNEL',
  summary: '订阅 Webhook（签名密钥仅显示一次）/ Subscribe to webhooks (the signing secret is shown once)',
  request: { body: { required: true, content: { 'application/json': { schema: CreateBody } } } },
  responses: {
    201: { description: 'The subscription and its secret', content: { 'application/json': { schema: WithSecret } } },
    400: { description: 'A field is invalid (the URL, an event type, an unknown field)' },
    409: { description: 'The channel already has the most subscriptions it may have' },
  },
});

const list = secureRoute({
  method: 'get',
  path: '/',
  access: 'CHANNEL',
  summary: '本渠道的 Webhook 订阅 / The channel’s webhook subscriptions',
  responses: {
    200: {
      description: 'Live subscriptions, oldest first (without secrets)',
      content: { 'application/json': { schema: z.object({ items: z.array(SubscriptionInfo) }) } },
    },
  },
});

const rotate = secureRoute({
  method: 'post',
  path: '/{id}/rotate-secret',
  access: 'CHANNEL',
  summary: '更换签名密钥 / Rotate the signing secret',
  request: { params: IdParam },
  responses: {
    200: {
      description: 'The new secret; every attempt from now on is signed with it',
      content: { 'application/json': { schema: WithSecret } },
    },
    404: { description: 'The channel has no live subscription with that id' },
  },
});

const remove = secureRoute({
  method: 'delete',
  path: '/{id}',
  access: 'CHANNEL',
  summary: '删除 Webhook 订阅 / Delete a webhook subscription',
  request: { params: IdParam },
  responses: {
    204: { description: 'Deleted; its pending deliveries are not sent' },
    404: { description: 'The channel has no live subscription with that id' },
  },
});

const deliveries = secureRoute({
  method: 'get',
  path: '/deliveries',
  access: 'CHANNEL',
  summary: 'Webhook 投递记录 / Webhook deliveries',
  request: {
    query: z
      .object({
        loanId: z.string().max(40).optional(),
        status: z.enum(['PENDING', 'DELIVERED', 'FAILED']).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      })
      .strict(),
  },
  responses: {
    200: {
      description: 'The channel’s deliveries, newest first, each with every attempt',
      content: { 'application/json': { schema: z.object({ items: z.array(DeliveryInfo) }) } },
    },
  },
});

const replay = secureRoute({
  method: 'post',
  path: '/deliveries/{id}/replay',
  access: 'CHANNEL',
  summary: '重新投递 / Replay a delivery',
  request: { params: IdParam },
  responses: {
    202: {
      description: 'A new delivery of the same event (same event id) to the same subscription, queued',
      content: { 'application/json': { schema: z.object({ deliveryId: z.uuid(), replayOf: z.uuid() }) } },
    },
    404: { description: 'The channel has no such delivery, or its subscription is deleted' },
  },
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const subscriptionJson = (s: Subscription) => ({
  id: s.id,
  url: s.url,
  eventTypes: s.eventTypes as Array<z.infer<typeof EventType>>,
  createdAt: s.createdAt.toISOString(),
  secretRotatedAt: iso(s.secretRotatedAt),
});
const deliveryJson = (d: Delivery) => ({
  ...d,
  eventType: d.eventType as z.infer<typeof EventType>,
  attempts: d.attempts.map((a) => ({ ...a, startedAt: a.startedAt.toISOString() })),
  nextAttemptAt: iso(d.nextAttemptAt),
  deliveredAt: iso(d.deliveredAt),
  createdAt: d.createdAt.toISOString(),
});

function jsonBody<S extends z.ZodType>(c: { req: { valid(target: never): unknown } }): z.output<S> {
  return c.req.valid('json' as never) as z.output<S>;
}

const noSubscription = () => ApiError.notFound({ zh: 'Webhook 订阅', en: 'Webhook subscription' });

/** Mounted at /v1/webhooks. */
export const webhookRoutes: RouteModule = (deps) => {
  const router = newRouter();

  router.openapi(create, async (c) => {
    const channel = currentChannel(c);
    const body = jsonBody<typeof CreateBody>(c);
    const problem = await webhookUrlProblem(body.url, deps.config.APP_MODE);
    if (problem)
      throw ApiError.validation([
        { field: 'url', code: 'WEBHOOK_URL_REFUSED', message: { zh: `网址${problem.zh}`, en: `url ${problem.en}` } },
      ]);
    const secret = newWebhookSecret();
    const now = deps.now();
    const made = await deps.sql.begin(async (tx) => {
      const created = await createSubscription(tx, {
        channel,
        url: body.url,
        eventTypes: [...new Set(body.eventTypes)],
        secretEnc: deps.cipher.encrypt(secret, WEBHOOK_SECRET_CONTEXT),
        now,
      });
      if (!created) return null;
      await auditRequest(c, tx, {
        action: 'WEBHOOK_SUBSCRIBE',
        result: 'SUCCESS',
        resourceType: 'webhook_subscription',
        resourceId: created.id,
        detail: { eventTypes: created.eventTypes },
        at: now,
      });
      return created;
    });
    if (!made)
      throw ApiError.conflict('TOO_MANY_SUBSCRIPTIONS', {
        zh: `每个渠道最多 ${MAX_SUBSCRIPTIONS_PER_CHANNEL} 个订阅`,
        en: `A channel may have at most ${MAX_SUBSCRIPTIONS_PER_CHANNEL} subscriptions`,
      });
    return c.json({ ...subscriptionJson(made), secret }, 201);
  });

  router.openapi(list, async (c) => {
    const items = await listSubscriptions(deps.sql, currentChannel(c));
    return c.json({ items: items.map(subscriptionJson) }, 200);
  });

  router.openapi(rotate, async (c) => {
    const channel = currentChannel(c);
    const { id } = c.req.valid('param');
    const secret = newWebhookSecret();
    const now = deps.now();
    const rotated = await deps.sql.begin(async (tx) => {
      if (
        !(await rotateSubscriptionSecret(tx, {
          id,
          channel,
          secretEnc: deps.cipher.encrypt(secret, WEBHOOK_SECRET_CONTEXT),
          now,
        }))
      )
        return null;
      await auditRequest(c, tx, {
        action: 'WEBHOOK_SECRET_ROTATE',
        result: 'SUCCESS',
        resourceType: 'webhook_subscription',
        resourceId: id,
        at: now,
      });
      return (await listSubscriptions(tx, channel)).find((s) => s.id === id) ?? null;
    });
    if (!rotated) throw noSubscription();
    return c.json({ ...subscriptionJson(rotated), secret }, 200);
  });

  router.openapi(remove, async (c) => {
    const channel = currentChannel(c);
    const { id } = c.req.valid('param');
    const now = deps.now();
    if (!(await deleteSubscription(deps.sql, { id, channel, now }))) throw noSubscription();
    await auditRequest(c, deps.sql, {
      action: 'WEBHOOK_UNSUBSCRIBE',
      result: 'SUCCESS',
      resourceType: 'webhook_subscription',
      resourceId: id,
      at: now,
    });
    return c.body(null, 204);
  });

  router.openapi(deliveries, async (c) => {
    const q = c.req.valid('query');
    const items = await listDeliveries(deps.sql, { channel: currentChannel(c), ...q });
    return c.json({ items: items.map(deliveryJson) }, 200);
  });

  router.openapi(replay, async (c) => {
    const channel = currentChannel(c);
    const { id } = c.req.valid('param');
    const now = deps.now();
    const made = await deps.sql.begin(async (tx) => {
      const queued = await replayDelivery(tx, { id, channel });
      if (!queued) return null;
      await auditRequest(c, tx, {
        action: 'WEBHOOK_REPLAY',
        result: 'SUCCESS',
        resourceType: 'webhook_delivery',
        resourceId: queued.id,
        detail: { replayOf: id },
        at: now,
      });
      return queued;
    });
    if (!made) throw ApiError.notFound({ zh: 'Webhook 投递', en: 'Webhook delivery' });
    return c.json({ deliveryId: made.id, replayOf: id }, 202);
  });

  return router;
};
