// 展期 / 重组 (mounted at /v1/loans): the borrower (own loan) or a loan officer asks, a final
// reviewer or risk manager decides within the product's authority (never the person who asked),
// the borrower reads the supplementary contract (补充协议) and signs its sha256 with an SMS code.
// The loan's workflow checks every rule again and applies the new schedule only when signed.
import { z } from '@hono/zod-openapi';
import {
  decideRestructuringUpdate,
  requestRestructuringUpdate,
  signSupplementaryContractUpdate,
} from '../../contracts/definitions.js';
import { RESTRUCTURE_KINDS } from '../../domain/classification.js';
import { BorrowerRestructuringSchema, restructuringAnswer, RestructuringSchema } from '../restructuring-schemas.js';
import { SUPPLEMENTARY_CONTRACT_CONTEXT } from '../../security/encryption-contexts.js';
import { newRouter, type RouteModule } from '../app.js';
import { recordSignature } from '../contract-signatures.js';
import { ApiError } from '../errors.js';
import { loanInScope } from '../loan-access.js';
import { loanHandle } from '../loan-workflows.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { projectionCaughtUp } from '../projection-wait.js';
import { secureRoute } from '../route.js';
import { errorResponses, LoanIdParam, LoanStatusEnum, RateString } from '../schemas.js';
import { updateIdFor } from '../update-id.js';
import { bilingual } from '../validation.js';
import { callWorkflow } from '../workflow-errors.js';

const RequestId = z
  .string()
  .regex(
    /^[A-Za-z0-9:_.-]{1,120}$/,
    bilingual('requestId 须为 1–120 位字母、数字或 :_.-', 'must be 1–120 letters, digits or :_.-'),
  );

const Answer = z
  .object({
    loanId: z.string(),
    status: LoanStatusEnum,
    // Staff get the whole request; the borrower the part without who decided and their comment.
    restructuring: z.union([RestructuringSchema, BorrowerRestructuringSchema]),
  })
  .openapi('RestructuringAnswer');

const RequestIdParam = LoanIdParam.extend({ requestId: RequestId });

const requestRoute = secureRoute({
  method: 'post',
  path: '/{loanId}/restructuring-requests',
  access: 'restructure:request',
  summary: 'Ask for an extension or restructuring / 申请展期或重组',
  description:
    'The borrower for their own loan, or a loan officer. EXTENSION keeps the rate and ends later (limits of 《贷款通则》 art. 12); RESTRUCTURING may change the rate within the product range. The outstanding principal is rescheduled over `installmentCount` installments; amounts already due stay due. 400 names the field; 409 when the loan is not ACTIVE or OVERDUE or a request is already open. Repeating a requestId answers with the loan as it stands.',
  request: {
    params: LoanIdParam,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              requestId: RequestId,
              kind: z.enum(RESTRUCTURE_KINDS),
              installmentCount: z.number().int().min(1).max(600),
              annualRate: RateString,
              reason: z.string().trim().min(1).max(500),
            })
            .strict()
            .openapi('RestructuringRequest'),
        },
      },
      required: true,
    },
  },
  responses: {
    200: { description: 'Taken', content: { 'application/json': { schema: Answer } } },
    ...errorResponses,
  },
});

const decisionRoute = secureRoute({
  method: 'post',
  path: '/{loanId}/restructuring-requests/{requestId}/decision',
  access: 'restructure:approve',
  summary: 'Approve or reject an extension or restructuring / 展期或重组审批',
  description:
    "Within the product's final approval authority for the outstanding principal; the person who asked cannot decide (403). Approval issues the supplementary contract for the borrower to sign; nothing changes before the signature. A second decision is refused with 409.",
  request: {
    params: RequestIdParam,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({ approve: z.boolean(), comment: z.string().trim().min(1).max(1000) })
            .strict()
            .openapi('RestructuringDecision'),
        },
      },
      required: true,
    },
  },
  responses: {
    200: { description: 'Decided', content: { 'application/json': { schema: Answer } } },
    ...errorResponses,
  },
});

const contractRoute = secureRoute({
  method: 'get',
  path: '/{loanId}/supplementary-contract',
  access: 'contract:read',
  summary: 'The supplementary contract / 补充协议',
  description:
    'The HTML of the supplementary contract of the latest approved request. X-Contract-Sha256 is the sha256 of the body: what the borrower signs.',
  request: { params: LoanIdParam },
  responses: {
    200: {
      description: 'text/html supplementary contract',
      headers: {
        'X-Contract-Sha256': { description: 'sha256 of the body, lowercase hex', schema: { type: 'string' } },
      },
      content: { 'text/html': { schema: z.string() } },
    },
    ...errorResponses,
  },
});

const signRoute = secureRoute({
  method: 'post',
  path: '/{loanId}/supplementary-contract/sign',
  access: 'contract:sign',
  summary: 'Sign the supplementary contract / 签署补充协议',
  description:
    'The borrower signs the sha256 of the supplementary contract, confirmed by an SMS code (POST /v1/auth/sms-codes {purpose: "SIGN_CONTRACT", loanId}); every attempt, a retry too, needs a fresh code (400 naming smsCode otherwise). The loan then takes the new schedule. 422 naming sha256 when it is not the contract awaiting signature; 409 when none awaits one, it lapsed, or the loan changed since approval.',
  request: {
    params: LoanIdParam,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              requestId: RequestId,
              sha256: z
                .string()
                .regex(/^[0-9a-f]{64}$/, bilingual('sha256 须为 64 位小写十六进制', 'must be 64 lowercase hex digits')),
              smsCode: z.string().regex(/^\d{6}$/, bilingual('验证码须为 6 位数字', 'must be 6 digits')),
            })
            .strict()
            .openapi('SupplementaryContractSignature'),
        },
      },
      required: true,
    },
  },
  responses: {
    200: { description: 'Signed and applied', content: { 'application/json': { schema: Answer } } },
    ...errorResponses,
  },
});

export const restructuringRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(requestRoute, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const body = c.req.valid('json');
    await loanInScope(deps.sql, user, loanId);
    const view = await callWorkflow(() =>
      loanHandle(deps.temporal, loanId).executeUpdate(requestRestructuringUpdate, {
        args: [{ ...body, by: { userId: user.userId, role: user.role } }],
        updateId: `restructure-request:${loanId}:${body.requestId}:${user.userId}`,
      }),
    ).catch((err: unknown) => {
      // Terms outside the product's rules are bad input: 400 naming the field, like the schema's own.
      if (err instanceof ApiError && err.status === 422 && err.fields?.length) throw ApiError.validation(err.fields);
      throw err;
    });
    await projectionCaughtUp(deps.sql, loanId, view);
    await auditRequest(c, deps.sql, {
      action: 'RESTRUCTURE_REQUESTED',
      result: 'SUCCESS',
      resourceType: 'loan',
      resourceId: loanId,
      loanId,
      detail: { requestId: body.requestId, kind: body.kind, installmentCount: body.installmentCount },
    });
    return c.json(restructuringAnswer(loanId, view, user.role), 200);
  });

  app.openapi(decisionRoute, async (c) => {
    const user = currentUser(c);
    const { loanId, requestId } = c.req.valid('param');
    const body = c.req.valid('json');
    await loanInScope(deps.sql, user, loanId);
    const view = await callWorkflow(() =>
      loanHandle(deps.temporal, loanId).executeUpdate(decideRestructuringUpdate, {
        args: [{ requestId, ...body, by: { userId: user.userId, role: user.role } }],
        updateId: updateIdFor(c, 'restructure-decision', user),
      }),
    ).catch(async (err: unknown) => {
      if (err instanceof ApiError && [403, 409].includes(err.status))
        await auditRequest(c, deps.sql, {
          action: body.approve ? 'RESTRUCTURE_APPROVED' : 'RESTRUCTURE_REJECTED',
          result: 'DENIED',
          resourceType: 'loan',
          resourceId: loanId,
          loanId,
          detail: { requestId, refusal: err.code },
        });
      throw err;
    });
    await projectionCaughtUp(deps.sql, loanId, view);
    await auditRequest(c, deps.sql, {
      action: body.approve ? 'RESTRUCTURE_APPROVED' : 'RESTRUCTURE_REJECTED',
      result: 'SUCCESS',
      resourceType: 'loan',
      resourceId: loanId,
      loanId,
      detail: { requestId, comment: body.comment },
    });
    return c.json(restructuringAnswer(loanId, view, user.role), 200);
  });

  app.openapi(contractRoute, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    await loanInScope(deps.sql, user, loanId);
    const [row] = await deps.sql<{ sha256: string; html_enc: string; request_id: string }[]>`
      select sha256, html_enc, request_id from supplementary_contracts where loan_id = ${loanId}
      order by issued_at desc limit 1`;
    if (!row) throw ApiError.notFound({ zh: '补充协议', en: 'Supplementary contract' });
    const html = deps.cipher.decrypt(row.html_enc, SUPPLEMENTARY_CONTRACT_CONTEXT);
    await auditRequest(c, deps.sql, {
      action: 'PII_READ_CONTRACT',
      result: 'SUCCESS',
      resourceType: 'supplementary_contract',
      resourceId: `${loanId}:${row.request_id}`,
      loanId,
    });
    return new Response(html, {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'x-contract-sha256': row.sha256,
        'cache-control': 'private, no-store',
      },
    });
  });

  app.openapi(signRoute, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const { requestId, sha256, smsCode } = c.req.valid('json');
    await loanInScope(deps.sql, user, loanId);
    const [issued] = await deps.sql<{ sha256: string }[]>`
      select sha256 from supplementary_contracts where loan_id = ${loanId} and request_id = ${requestId}`;
    if (!issued || issued.sha256 !== sha256)
      throw ApiError.validation([
        {
          field: 'sha256',
          code: 'NOT_THE_SUPPLEMENTARY_CONTRACT',
          message: {
            zh: '签署的摘要不是该申请的补充协议',
            en: 'sha256 is not the supplementary contract of this request',
          },
        },
      ]);
    const signature = await recordSignature(c, deps, {
      loanId,
      contractSha256: sha256,
      smsCode,
      signerId: user.userId,
      // Every attempt confirms with a code of its own; a row left by an earlier attempt is not enough.
      freshCode: true,
    });
    const view = await callWorkflow(() =>
      loanHandle(deps.temporal, loanId).executeUpdate(signSupplementaryContractUpdate, {
        args: [{ requestId, sha256, signatureId: signature.id, by: { userId: user.userId, role: user.role } }],
        updateId: `supplementary-sign:${loanId}:${sha256}`,
      }),
    ).catch(async (err: unknown) => {
      // The loan did not take the signature: it never happened.
      if (err instanceof ApiError && err.status < 500 && signature.created)
        await deps.sql`delete from contract_signatures where id = ${signature.id}`;
      throw err;
    });
    await projectionCaughtUp(deps.sql, loanId, view);
    await auditRequest(c, deps.sql, {
      action: 'SUPPLEMENTARY_CONTRACT_SIGNED',
      result: 'SUCCESS',
      resourceType: 'supplementary_contract',
      resourceId: sha256,
      loanId,
      detail: { requestId, signatureId: signature.id, smsVerificationId: signature.verificationId },
    });
    return c.json(restructuringAnswer(loanId, view, user.role), 200);
  });

  return app;
};
