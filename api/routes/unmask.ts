// Audited unmasking (POST /v1/loans/{loanId}/unmask): a reviewer sees the applicant's full name,
// ID number and phone of a loan in their own review task; a collector the phone of their own
// case. Every view gives a reason and writes an audit row (who, loan, fields, reason); every
// refusal answers 403 and is audited too. Nothing else is unmasked anywhere.
import { z } from '@hono/zod-openapi';
import type { Application } from '../../domain/validation/application.js';
import {
  MAX_REASON_LENGTH,
  MIN_REASON_LENGTH,
  refusedFields,
  UNMASKABLE_FIELDS,
  type UnmaskableField,
} from '../../domain/unmasking.js';
import { APPLICATION_CONTEXT } from '../../security/encryption-contexts.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { currentUser } from '../middleware/auth.js';
import { auditRequest } from '../middleware/audit.js';
import { isOwnCase } from '../own-cases.js';
import { secureRoute } from '../route.js';
import { errorResponses, LoanIdParam } from '../schemas.js';
import { bilingual } from '../validation.js';

const UnmaskRequest = z
  .object({
    fields: z.array(z.enum(UNMASKABLE_FIELDS)).min(1).max(UNMASKABLE_FIELDS.length),
    reason: z
      .string()
      .trim()
      .min(
        MIN_REASON_LENGTH,
        bilingual(
          `请填写查看原因（至少 ${MIN_REASON_LENGTH} 个字）`,
          `give a reason of at least ${MIN_REASON_LENGTH} characters`,
        ),
      )
      .max(MAX_REASON_LENGTH),
  })
  .strict()
  .openapi('UnmaskRequest');

const unmask = secureRoute({
  method: 'post',
  path: '/{loanId}/unmask',
  access: 'pii:unmask-own',
  summary: 'See personal data in full, with a reason / 查看完整信息',
  description:
    'Reviewers: name, ID number and phone of loans waiting in their own review task. Collectors: the phone of their own cases. The reason is required; every view and every refusal is audited (PII_UNMASK).',
  request: {
    params: LoanIdParam,
    body: { content: { 'application/json': { schema: UnmaskRequest } }, required: true },
  },
  responses: {
    200: {
      description: 'The fields asked for, in full',
      content: {
        'application/json': {
          schema: z
            .object({
              loanId: z.string(),
              name: z.string().optional(),
              idNumber: z.string().optional(),
              phone: z.string().optional(),
            })
            .openapi('UnmaskedApplicant'),
        },
      },
    },
    ...errorResponses,
  },
});

export const unmaskRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(unmask, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const { fields, reason } = c.req.valid('json');
    const asked = [...new Set(fields)];
    const audit = (result: 'SUCCESS' | 'DENIED', detail: Record<string, unknown>) =>
      auditRequest(c, deps.sql, {
        action: 'PII_UNMASK',
        result,
        resourceType: 'loan',
        resourceId: loanId,
        loanId,
        detail: { fields: asked, reason, ...detail },
      });

    const refused = refusedFields(user.role, asked);
    if (refused.length > 0) {
      await audit('DENIED', { refusal: 'FIELD_NOT_ALLOWED', refusedFields: refused });
      throw ApiError.forbidden(
        {
          zh: `您的角色不能查看完整的：${refused.join(', ')}`,
          en: `Your role may not see these fields in full: ${refused.join(', ')}`,
        },
        'UNMASK_FIELD_NOT_ALLOWED',
      );
    }
    if (!(await isOwnCase(deps.sql, user, loanId))) {
      await audit('DENIED', { refusal: 'NOT_OWN_CASE' });
      throw ApiError.forbidden(
        {
          zh: '只能查看本人待办任务中贷款的完整信息',
          en: 'Only loans in your own tasks can be shown in full',
        },
        'UNMASK_NOT_OWN_CASE',
      );
    }

    const [loan] = await deps.sql<
      { application_enc: string }[]
    >`select application_enc from loans where id = ${loanId}`;
    const { applicant } = JSON.parse(deps.cipher.decrypt(loan!.application_enc, APPLICATION_CONTEXT)) as Application;
    const shown: Partial<Record<UnmaskableField, string>> = {};
    for (const field of asked) shown[field] = applicant[field];
    await audit('SUCCESS', {});
    return c.json({ loanId, ...shown }, 200);
  });

  return app;
};
