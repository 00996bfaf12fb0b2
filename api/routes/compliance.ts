import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { localDateOf } from '../../domain/business-time.js';
import type { FieldProblem } from '../../domain/errors.js';
import { readText } from '../../domain/validation/fields.js';
import { validateIdNumber } from '../../domain/validation/id-number.js';
import type { Application } from '../../domain/validation/application.js';
import {
  isIdNumberHit,
  screenApplicant,
  screeningIdentity,
  SCREENING_LISTS,
  type ScreeningHit,
} from '../../security/screening.js';
import { blindIndex } from '../../security/blind-index.js';
import { rescreenBorrowers } from '../../db/aml-reviews.js';
import { newRouter, type RouteModule } from '../app.js';
import type { ApiDeps, AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses } from '../schemas.js';
import { bilingual } from '../validation.js';

const ListEnum = z
  .enum(SCREENING_LISTS)
  .openapi({ description: 'SANCTIONS 制裁名单, BLACKLIST 内部黑名单, AML_WATCH 反洗钱关注名单' });

const EntryBody = z
  .object({
    list: ListEnum,
    idNumber: z.string().max(32).optional(),
    name: z.string().max(100).optional(),
    source: z.string().min(1, bilingual('请填写名单来源', 'is required')).max(200),
    reason: z.string().min(1, bilingual('请填写列入原因', 'is required')).max(500),
  })
  .strict()
  .openapi('ScreeningEntryRequest');

const Entry = z
  .object({
    id: z.string(),
    list: ListEnum,
    idNumber: z.string().nullable().openapi({ description: 'masked' }),
    name: z.string().nullable().openapi({ description: 'masked' }),
    source: z.string(),
    reason: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('ScreeningEntry');

const AddedEntry = Entry.extend({
  rescreenMatches: z.number().int().openapi({
    description: 'Existing borrowers the new entry matches, each queued for review at /v1/aml/reviews',
  }),
}).openapi('ScreeningEntryAdded');

const create = secureRoute({
  method: 'post',
  path: '/screening-entries',
  access: 'compliance:manage',
  summary: '新增筛查名单条目 / Add a sanctions, blacklist or AML watch-list entry',
  description:
    'An ID number, a name, or both. Only blind indexes and masked forms are stored. Applications from an applicant or guarantor listed by ID number are refused with 422 APPLICANT_SCREENED; a match on a name-only entry holds the application for a compliance officer (202, /v1/aml/reviews). Existing borrowers the entry matches are queued for review in the same transaction.',
  request: { body: { required: true, content: { 'application/json': { schema: EntryBody } } } },
  responses: {
    201: { description: 'Added', content: { 'application/json': { schema: AddedEntry } } },
    ...errorResponses,
  },
});

const list = secureRoute({
  method: 'get',
  path: '/screening-entries',
  access: 'compliance:manage',
  summary: '筛查名单 / The screening list',
  request: {
    query: z.object({
      list: ListEnum.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      offset: z.coerce.number().int().min(0).max(100_000).default(0),
    }),
  },
  responses: {
    200: {
      description: 'Active entries, newest first',
      content: { 'application/json': { schema: z.object({ items: z.array(Entry), total: z.number() }) } },
    },
    ...errorResponses,
  },
});

const remove = secureRoute({
  method: 'delete',
  path: '/screening-entries/{id}',
  access: 'compliance:manage',
  summary: '移除筛查名单条目 / Remove a screening-list entry',
  request: { params: z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: { 204: { description: 'Removed (kept for the record, no longer matched)' }, ...errorResponses },
});

interface EntryRow {
  id: string;
  list: z.infer<typeof ListEnum>;
  id_number_masked: string | null;
  name_masked: string | null;
  source: string;
  reason: string;
  created_by: string;
  created_at: Date;
  total?: string;
}

const present = (r: EntryRow) => ({
  id: r.id,
  list: r.list,
  idNumber: r.id_number_masked,
  name: r.name_masked,
  source: r.source,
  reason: r.reason,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

/**
 * For the application route, before anything is stored: refuses (422 APPLICANT_SCREENED) an
 * applicant or guarantor whose ID number is on a screening list, and audits the refusal. The answer
 * does not say which list, so a listed person is not tipped off; the audit row does. A hit on a
 * name-only entry is returned, audited, for the route to hold the application for a compliance
 * officer (the AML review queue, api/routes/aml.ts): a name alone may be someone else's.
 */
export async function screenApplication(
  c: Context<AppEnv>,
  deps: Pick<ApiDeps, 'sql' | 'keyring'>,
  application: Pick<Application, 'applicant' | 'guarantor'>,
): Promise<ScreeningHit | null> {
  const hit = await screenApplicant(deps.sql, deps.keyring, application);
  if (!hit) return null;
  const refused = isIdNumberHit(hit);
  await auditRequest(c, deps.sql, {
    action: 'APPLICATION_SCREENED',
    result: refused ? 'DENIED' : 'SUCCESS',
    resourceType: 'screening_entry',
    resourceId: hit.entryId,
    detail: {
      subject: hit.subject,
      field: hit.field,
      list: hit.list,
      outcome: refused ? 'REFUSED' : 'HELD_FOR_REVIEW',
    },
  });
  if (!refused) return hit;
  const who =
    hit.subject === 'APPLICANT' ? { zh: '申请人', en: 'The applicant' } : { zh: '担保人', en: 'The guarantor' };
  const text = {
    zh: `${who.zh}未通过反洗钱及黑名单合规筛查，本申请不予受理`,
    en: `${who.en} did not pass the anti-money-laundering and blacklist screening; the application cannot be accepted`,
  };
  throw new ApiError(422, 'APPLICANT_SCREENED', text, [{ field: hit.field, code: 'SCREENED', message: text }]);
}

/** Mounted at /v1/compliance. */
export const complianceRoutes: RouteModule = (deps) => {
  const router = newRouter();

  router.openapi(create, async (c) => {
    const body = c.req.valid('json' as never) as z.output<typeof EntryBody>;
    const user = currentUser(c);
    const now = deps.now();
    const problems: FieldProblem[] = [];
    let idNumber: string | undefined;
    if (body.idNumber !== undefined && body.idNumber.trim() !== '') {
      const checked = validateIdNumber(
        body.idNumber,
        localDateOf(now.getTime(), deps.config.BUSINESS_TIME_ZONE),
        'idNumber',
      );
      if (checked.ok) idNumber = checked.value.idNumber;
      else problems.push(...checked.problems);
    }
    const name =
      body.name !== undefined && body.name.trim() !== ''
        ? readText(body.name, 'name', problems, { maxLength: 50 })
        : undefined;
    if (!idNumber && !name && problems.length === 0) {
      problems.push({
        field: 'idNumber',
        code: 'REQUIRED',
        message: { zh: '身份证号码与姓名至少填写一项', en: 'give an ID number, a name, or both' },
      });
    }
    if (problems.length > 0) throw ApiError.validation(problems);

    const identity = screeningIdentity(deps.keyring, { idNumber, name: name ?? undefined });
    // The entry and the re-screening of existing borrowers against it commit together: no entry
    // is on the list without its matches among existing borrowers queued for review.
    const added = await deps.sql.begin(async (tx) => {
      const [row] = await tx<EntryRow[]>`
        insert into screening_entries (list, id_number_hash, id_number_masked, name_hash, name_masked, source, reason, created_by, created_at)
        values (${body.list}, ${identity.idNumberHash}, ${identity.idNumberMasked}, ${identity.nameHash}, ${identity.nameMasked},
                ${body.source.trim()}, ${body.reason.trim()}, ${user.userId}, ${now})
        on conflict do nothing
        returning id, list, id_number_masked, name_masked, source, reason, created_by, created_at`;
      if (!row) return null;
      const queued = await rescreenBorrowers(tx, {
        entryId: row.id,
        idNumberHash: idNumber ? blindIndex(deps.keyring, 'idNumber', idNumber) : null,
        borrowerNameHash: name ? blindIndex(deps.keyring, 'name', name) : null,
      });
      await auditRequest(c, tx, {
        action: 'SCREENING_ENTRY_ADDED',
        result: 'SUCCESS',
        resourceType: 'screening_entry',
        resourceId: row.id,
        detail: {
          list: body.list,
          idNumber: identity.idNumberMasked,
          name: identity.nameMasked,
          source: row.source,
          rescreenedMatches: queued,
        },
        at: now,
      });
      return { row, queued };
    });
    if (!added)
      throw ApiError.conflict('ALREADY_LISTED', {
        zh: '该身份证号码已在此名单中',
        en: 'This ID number is already on this list',
      });
    const row = added.row;
    return c.json({ ...present(row), rescreenMatches: added.queued }, 201);
  });

  router.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const rows = await deps.sql<EntryRow[]>`
      select id, list, id_number_masked, name_masked, source, reason, created_by, created_at, count(*) over () as total
      from screening_entries
      where removed_at is null ${q.list ? deps.sql`and list = ${q.list}` : deps.sql``}
      order by created_at desc limit ${q.limit} offset ${q.offset}`;
    return c.json({ items: rows.map(present), total: rows.length ? Number(rows[0]!.total) : 0 }, 200);
  });

  router.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    const user = currentUser(c);
    const now = deps.now();
    const [row] = await deps.sql<{ list: string }[]>`
      update screening_entries set removed_at = ${now}, removed_by = ${user.userId}
      where id = ${id} and removed_at is null returning list`;
    if (!row) throw ApiError.notFound({ zh: '名单条目', en: 'Screening entry' });
    await auditRequest(c, deps.sql, {
      action: 'SCREENING_ENTRY_REMOVED',
      result: 'SUCCESS',
      resourceType: 'screening_entry',
      resourceId: id,
      detail: { list: row.list },
      at: now,
    });
    return c.body(null, 204);
  });

  return router;
};
