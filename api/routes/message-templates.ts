// 消息模板 (mounted at /v1/message-templates): ops read, preview and edit the text of every notice.
// An edit is a new version, made the active one; every version is kept, and an earlier one can be
// made active again. The variables a template may use are declared per event; an edit using any
// other is refused with 400 naming it.
import { z } from '@hono/zod-openapi';
import {
  checkTemplate,
  MESSAGE_CHANNELS,
  MESSAGE_EVENTS,
  renderTemplate,
  sampleValues,
  type MessageChannel,
} from '../../domain/message-templates.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses } from '../schemas.js';
import type { Sql } from '../../lib/db-client.js';

const ChannelEnum = z.enum(MESSAGE_CHANNELS).openapi({ description: 'SMS 短信, EMAIL 邮件' });

const TemplateParams = z.object({
  event: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,63}$/)
    .openapi({ param: { name: 'event', in: 'path' }, example: 'REPAYMENT_REMINDER' }),
  channel: ChannelEnum.openapi({ param: { name: 'channel', in: 'path' } }),
});

const Version = z
  .object({
    event: z.string(),
    channel: ChannelEnum,
    version: z.number().int(),
    subject: z.string().nullable(),
    body: z.string(),
    active: z.boolean(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('MessageTemplateVersion');

const EventSummary = z
  .object({
    event: z.string(),
    nameZh: z.string(),
    nameEn: z.string(),
    variables: z.array(z.string()).openapi({ description: 'The variables a template of this event may use' }),
    sample: z.record(z.string(), z.string()),
    active: z.array(Version),
  })
  .openapi('MessageTemplateEvent');

const EditBody = z
  .object({
    body: z.string().max(2000),
    subject: z.string().max(500).nullable().optional(),
  })
  .strict()
  .openapi('MessageTemplateEdit');

const PreviewBody = z
  .object({
    event: z.string().max(64),
    channel: ChannelEnum,
    body: z.string().max(2000),
    subject: z.string().max(500).nullable().optional(),
    values: z.record(z.string().max(64), z.string().max(500)).optional(),
  })
  .strict()
  .openapi('MessageTemplatePreviewRequest');

const Preview = z
  .object({ subject: z.string().nullable(), text: z.string(), values: z.record(z.string(), z.string()) })
  .openapi('MessageTemplatePreview');

const list = secureRoute({
  method: 'get',
  path: '/',
  access: 'template:manage',
  summary: '消息模板 / Message templates: every event, its variables and active templates',
  responses: {
    200: {
      description: 'Events in catalogue order',
      content: { 'application/json': { schema: z.object({ items: z.array(EventSummary) }) } },
    },
    ...errorResponses,
  },
});

const versions = secureRoute({
  method: 'get',
  path: '/{event}/{channel}/versions',
  access: 'template:manage',
  summary: '模板版本 / Every version of one template, newest first',
  request: { params: TemplateParams },
  responses: {
    200: {
      description: 'Versions',
      content: { 'application/json': { schema: z.object({ items: z.array(Version) }) } },
    },
    ...errorResponses,
  },
});

const edit = secureRoute({
  method: 'post',
  path: '/{event}/{channel}/versions',
  access: 'template:manage',
  summary: '编辑模板 / Edit a template: a new version, made active',
  description: 'A variable the event does not declare answers 400 naming it (field body or subject).',
  request: {
    params: TemplateParams,
    body: { required: true, content: { 'application/json': { schema: EditBody } } },
  },
  responses: {
    201: { description: 'The new active version', content: { 'application/json': { schema: Version } } },
    ...errorResponses,
  },
});

const activate = secureRoute({
  method: 'post',
  path: '/{event}/{channel}/versions/{version}/activate',
  access: 'template:manage',
  summary: '启用版本 / Make an earlier version the active one',
  request: {
    params: TemplateParams.extend({
      version: z.coerce
        .number()
        .int()
        .min(1)
        .openapi({ param: { name: 'version', in: 'path' } }),
    }),
  },
  responses: {
    200: { description: 'The now active version', content: { 'application/json': { schema: Version } } },
    ...errorResponses,
  },
});

const preview = secureRoute({
  method: 'post',
  path: '/preview',
  access: 'template:manage',
  summary: '预览模板 / Render a template with sample variables',
  request: { body: { required: true, content: { 'application/json': { schema: PreviewBody } } } },
  responses: {
    200: { description: 'The rendered text', content: { 'application/json': { schema: Preview } } },
    ...errorResponses,
  },
});

interface VersionRow {
  event: string;
  channel: MessageChannel;
  version: number;
  subject: string | null;
  body: string;
  active: boolean;
  created_by: string;
  created_at: Date;
}

const present = (r: VersionRow) => ({
  event: r.event,
  channel: r.channel,
  version: r.version,
  subject: r.subject,
  body: r.body,
  active: r.active,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

function knownEvent(event: string): void {
  if (!Object.hasOwn(MESSAGE_EVENTS, event)) throw ApiError.notFound({ zh: '消息事件', en: 'Message event' });
}

async function versionsOf(sql: Sql, event: string, channel: MessageChannel): Promise<VersionRow[]> {
  return sql<VersionRow[]>`
    select * from message_template_versions where event = ${event} and channel = ${channel} order by version desc`;
}

export const messageTemplateRoutes: RouteModule = (deps) => {
  const router = newRouter();

  router.openapi(list, async (c) => {
    const active = await deps.sql<VersionRow[]>`select * from message_template_versions where active`;
    const items = Object.entries(MESSAGE_EVENTS).map(([event, e]) => ({
      event,
      nameZh: e.zh,
      nameEn: e.en,
      variables: Object.keys(e.variables),
      sample: e.variables,
      active: active
        .filter((r) => r.event === event)
        .sort((a, b) => a.channel.localeCompare(b.channel))
        .map(present),
    }));
    return c.json({ items }, 200);
  });

  router.openapi(versions, async (c) => {
    const { event, channel } = c.req.valid('param');
    knownEvent(event);
    return c.json({ items: (await versionsOf(deps.sql, event, channel)).map(present) }, 200);
  });

  router.openapi(edit, async (c) => {
    const { event, channel } = c.req.valid('param');
    knownEvent(event);
    const body = c.req.valid('json' as never) as z.output<typeof EditBody>;
    const checked = checkTemplate(event, channel, { body: body.body, subject: body.subject ?? null });
    if (!checked.ok) throw ApiError.validation(checked.problems);
    const user = currentUser(c);
    // One edit of a template at a time: two at once get consecutive versions, the later one active.
    const row = await deps.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`message-template:${event}:${channel}`}))`;
      const [last] = await tx<{ version: number }[]>`
        select coalesce(max(version), 0)::int as version from message_template_versions
        where event = ${event} and channel = ${channel}`;
      await tx`update message_template_versions set active = false where event = ${event} and channel = ${channel} and active`;
      const [created] = await tx<VersionRow[]>`
        insert into message_template_versions (event, channel, version, subject, body, active, created_by)
        values (${event}, ${channel}, ${last!.version + 1}, ${checked.value.subject}, ${checked.value.body}, true, ${user.userId})
        returning *`;
      await auditRequest(c, tx, {
        action: 'MESSAGE_TEMPLATE_EDITED',
        result: 'SUCCESS',
        resourceType: 'message_template',
        resourceId: `${event}:${channel}:${created!.version}`,
        detail: { event, channel, version: created!.version },
      });
      return created!;
    });
    return c.json(present(row), 201);
  });

  router.openapi(activate, async (c) => {
    const { event, channel, version } = c.req.valid('param');
    knownEvent(event);
    const row = await deps.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext(${`message-template:${event}:${channel}`}))`;
      const [target] = await tx<VersionRow[]>`
        select * from message_template_versions where event = ${event} and channel = ${channel} and version = ${version}`;
      if (!target) throw ApiError.notFound({ zh: '模板版本', en: 'Template version' });
      await tx`update message_template_versions set active = false where event = ${event} and channel = ${channel} and active`;
      const [now] = await tx<VersionRow[]>`
        update message_template_versions set active = true
        where event = ${event} and channel = ${channel} and version = ${version} returning *`;
      await auditRequest(c, tx, {
        action: 'MESSAGE_TEMPLATE_ACTIVATED',
        result: 'SUCCESS',
        resourceType: 'message_template',
        resourceId: `${event}:${channel}:${version}`,
        detail: { event, channel, version },
      });
      return now!;
    });
    return c.json(present(row), 200);
  });

  router.openapi(preview, async (c) => {
    const body = c.req.valid('json' as never) as z.output<typeof PreviewBody>;
    const checked = checkTemplate(body.event, body.channel, { body: body.body, subject: body.subject ?? null });
    if (!checked.ok) throw ApiError.validation(checked.problems);
    const values = sampleValues(body.event, body.values);
    return c.json(
      {
        subject: checked.value.subject === null ? null : renderTemplate(checked.value.subject, values),
        text: renderTemplate(checked.value.body, values),
        values,
      },
      200,
    );
  });

  return router;
};
