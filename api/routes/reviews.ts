import { z } from '@hono/zod-openapi';
import { reviewUpdate, signContractUpdate } from '../../contracts/definitions.js';
import { newRouter, type RouteModule } from '../app.js';
import { ApiError } from '../errors.js';
import { loanInScope } from '../loan-access.js';
import { assertReviewerMayApprove } from '../review-authority.js';
import { loanHandle } from '../loan-workflows.js';
import { projectionCaughtUp } from '../projection-wait.js';
import { currentUser } from '../middleware/auth.js';
import { auditRequest } from '../middleware/audit.js';
import { secureRoute } from '../route.js';
import { CONTRACT_CONTEXT } from '../../security/encryption-contexts.js';
import { DocumentTypeEnum, errorResponses, LoanIdParam, LoanStatusEnum, MoneyString, RateString } from '../schemas.js';
import { callWorkflow } from '../workflow-errors.js';
import { ReviewRecordList } from '../loan-schemas.js';
import { updateIdFor } from '../update-id.js';
import { recordSignature } from '../contract-signatures.js';

const ReviewBody = z
  .object({
    stage: z.enum(['INITIAL', 'FINAL']),
    decision: z.enum(['APPROVE', 'REJECT', 'REQUEST_DOCUMENTS']),
    comment: z
      .string()
      .min(1)
      .max(1000)
      .openapi({ description: "Internal: staff see it, the borrower's view does not" }),
    commentForBorrower: z.string().min(1).max(1000).optional().openapi({
      description:
        'Shown to the borrower in their loan view (reviews[].commentForBorrower); omit when there is nothing to tell',
    }),
    amount: MoneyString.optional(),
    annualRate: RateString.optional(),
    termCount: z.number().int().min(1).max(360).optional(),
    documents: z.array(DocumentTypeEnum).max(10).optional(),
    round: z.number().int().min(1).max(1000).optional().openapi({
      description:
        'The review round this decision answers (openReview.round of the loan); a decision for an earlier round is refused with 409',
    }),
  })
  .strict()
  .openapi('ReviewDecision');

const ReviewAnswer = z.object({
  loanId: z.string(),
  status: LoanStatusEnum,
  reviews: ReviewRecordList,
});

const submitReview = secureRoute({
  method: 'post',
  path: '/{loanId}/reviews',
  access: 'review:submit',
  summary: 'Initial or final review decision / 初审、终审决定',
  description:
    'Answers at once: 403 for role, authority or separation of duties; 409 for the wrong stage, a round already decided or a decision for an earlier round; 422 for changes outside the product. The same Idempotency-Key again is applied once.',
  request: { params: LoanIdParam, body: { content: { 'application/json': { schema: ReviewBody } }, required: true } },
  responses: {
    200: { description: 'Recorded', content: { 'application/json': { schema: ReviewAnswer } } },
    ...errorResponses,
  },
});

const contract = secureRoute({
  method: 'get',
  path: '/{loanId}/contract',
  access: 'contract:read',
  summary: 'The loan contract, as generated / 借款合同',
  description:
    'The HTML of the latest contract generated for the loan. Its sha256 (lowercase hex over the exact bytes of this body) is sent as X-Contract-Sha256 and equals contract.sha256 of the loan detail; the borrower signs that hash (POST /v1/loans/{loanId}/contract/sign). A contract generated again (new terms) has another hash and the next X-Contract-Version; a signature carrying the old hash is refused with 422 naming contractSha256.',
  request: { params: LoanIdParam },
  responses: {
    200: {
      description: 'text/html contract',
      headers: {
        'X-Contract-Sha256': {
          description:
            'sha256 of the body, lowercase hex: what the borrower signs, and what a channel compares with the one it showed to notice that the contract changed',
          schema: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        },
        'X-Contract-Version': {
          description: "The contract's version for this loan: 1, then one more each time it is generated again",
          schema: { type: 'integer', minimum: 1 },
        },
      },
      content: { 'text/html': { schema: z.string() } },
    },
    ...errorResponses,
  },
});

const signContract = secureRoute({
  method: 'post',
  path: '/{loanId}/contract/sign',
  access: 'contract:sign',
  summary: 'Sign the contract / 签署合同',
  description:
    "Confirmed by an SMS code to the borrower's phone. The signature record keeps the contract's sha256, the time, the code's verification and the client's address, user-agent and X-Device-Id.",
  request: {
    params: LoanIdParam,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              contractSha256: z.string().regex(/^[0-9a-f]{64}$/),
              smsCode: z
                .string()
                .regex(/^\d{6}$/)
                .openapi({
                  description: 'The code sent by POST /v1/auth/sms-codes {phone, purpose: "SIGN_CONTRACT", loanId}',
                }),
            })
            .strict(),
        },
      },
      required: true,
    },
  },
  responses: {
    200: {
      description: 'Signed',
      content: {
        'application/json': { schema: z.object({ loanId: z.string(), status: LoanStatusEnum, signedAt: z.string() }) },
      },
    },
    ...errorResponses,
  },
});

export const reviewRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(submitReview, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const body = c.req.valid('json');
    const loan = await loanInScope(deps.sql, user, loanId);
    /** Audits a refusal with one of `statuses` as DENIED, then throws it on. */
    const refused = (statuses: readonly number[]) => async (err: unknown) => {
      if (err instanceof ApiError && statuses.includes(err.status)) {
        await auditRequest(c, deps.sql, {
          action: `REVIEW_${body.stage}`,
          result: 'DENIED',
          resourceType: 'loan',
          resourceId: loanId,
          loanId,
          detail: { decision: body.decision, refusal: err.code },
        });
      }
      throw err;
    };
    await assertReviewerMayApprove(deps.sql, user, loan, body).catch(refused([403]));
    const view = await callWorkflow(() =>
      loanHandle(deps.temporal, loanId).executeUpdate(reviewUpdate, {
        args: [{ ...body, reviewer: { userId: user.userId, role: user.role } }],
        updateId: updateIdFor(c, 'review', user),
      }),
    ).catch(refused([403, 409, 422]));
    await projectionCaughtUp(deps.sql, loanId, view);
    await auditRequest(c, deps.sql, {
      action: `REVIEW_${body.stage}`,
      result: 'SUCCESS',
      resourceType: 'loan',
      resourceId: loanId,
      loanId,
      detail: { decision: body.decision },
    });
    return c.json({ loanId, status: view.status, reviews: view.reviews }, 200);
  });

  app.openapi(contract, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    await loanInScope(deps.sql, user, loanId);
    const [row] = await deps.sql<{ sha256: string; html_enc: string; version: number }[]>`
      select sha256, html_enc, version from contracts where loan_id = ${loanId} order by version desc limit 1`;
    if (!row) throw ApiError.notFound({ zh: '合同', en: 'Contract' });
    const html = deps.cipher.decrypt(row.html_enc, CONTRACT_CONTEXT);
    await auditRequest(c, deps.sql, {
      action: 'PII_READ_CONTRACT',
      result: 'SUCCESS',
      resourceType: 'contract',
      resourceId: `${loanId}:${row.version}`,
      loanId,
    });
    return new Response(html, {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'x-contract-sha256': row.sha256,
        'x-contract-version': String(row.version),
        'cache-control': 'private, no-store',
      },
    });
  });

  app.openapi(signContract, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const { contractSha256, smsCode } = c.req.valid('json');
    await loanInScope(deps.sql, user, loanId);
    const signature = await recordSignature(c, deps, { loanId, contractSha256, smsCode, signerId: user.userId });
    const view = await callWorkflow(() =>
      loanHandle(deps.temporal, loanId).executeUpdate(signContractUpdate, {
        args: [{ contractSha256, signer: { userId: user.userId, role: user.role } }],
        updateId: updateIdFor(c, 'sign', user),
      }),
    ).catch(async (err: unknown) => {
      // The loan did not take the signature (another contract, not awaiting one): it never happened.
      if (err instanceof ApiError && err.status < 500 && signature.created)
        await deps.sql`delete from contract_signatures where id = ${signature.id}`;
      throw err;
    });
    await projectionCaughtUp(deps.sql, loanId, view);
    await auditRequest(c, deps.sql, {
      action: 'CONTRACT_SIGNED',
      result: 'SUCCESS',
      resourceType: 'contract',
      resourceId: contractSha256,
      loanId,
      detail: { signatureId: signature.id, smsVerificationId: signature.verificationId },
    });
    return c.json({ loanId, status: view.status, signedAt: view.contract?.signedAt ?? new Date().toISOString() }, 200);
  });

  return app;
};
