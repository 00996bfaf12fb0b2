// Staff postings for checkers (mounted at /v1/finance): the list of CASH and BANK_TRANSFER
// repayments finance recorded, approve (by a finance user other than the maker), reject with a
// reason, and matching pending bank transfers against the bank's statement of incoming payments.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { findPosting, listPostings, type StaffPosting } from '../../db/staff-postings.js';
import { createBankClient } from '../../partners/bank-client.js';
import { newRouter, type RouteModule } from '../app.js';
import type { ApiDeps, AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { auditRequest } from '../middleware/audit.js';
import { refusalsAudited } from '../checker-refusals.js';
import { currentUser } from '../middleware/auth.js';
import { checkerDecisionRoutes, checkerListRoute, rejectionBody } from '../maker-checker-routes.js';
import { secureRoute } from '../route.js';
import { errorResponses } from '../schemas.js';
import { RepaymentResult, WriteOffRecovery } from '../repayment-schemas.js';
import { approveByChecker, matchBankStatement, rejectByChecker } from '../staff-postings.js';
import { bilingual } from '../validation.js';

const MAX_LISTED = 500;

const PaymentIdParam = z.object({
  paymentId: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,120}$/, bilingual('paymentId 格式不正确', 'must be 1–120 letters, digits or :_.-'))
    .openapi({ param: { name: 'paymentId', in: 'path' } }),
});

const PostingStatusEnum = z.enum(['PENDING_APPROVAL', 'APPROVED', 'REJECTED']);

const Posting = z
  .object({
    paymentId: z.string(),
    loanId: z.string(),
    channel: z.enum(['BANK_TRANSFER', 'CASH']),
    amount: z.string(),
    receivedOn: z.string(),
    reference: z.string().nullable(),
    status: PostingStatusEnum,
    maker: z.object({ userId: z.string(), username: z.string().nullable() }),
    madeAt: z.string(),
    ageSeconds: z.number().int(),
    checkedBy: z.string().nullable(),
    checkedAt: z.string().nullable(),
    rejectReason: z.string().nullable(),
    statementLineId: z.string().nullable(),
    postedPaymentId: z.string().nullable(),
  })
  .openapi('StaffPosting');

function postingView(p: StaffPosting, now: Date): z.infer<typeof Posting> {
  return {
    paymentId: p.paymentId,
    loanId: p.loanId,
    channel: p.channel,
    amount: p.amount,
    receivedOn: p.receivedOn,
    reference: p.reference,
    status: p.status,
    maker: { userId: p.madeBy, username: p.madeByName },
    madeAt: p.madeAt.toISOString(),
    ageSeconds: Math.max(0, Math.floor((now.getTime() - p.madeAt.getTime()) / 1000)),
    checkedBy: p.checkedBy,
    checkedAt: p.checkedAt?.toISOString() ?? null,
    rejectReason: p.rejectReason,
    statementLineId: p.statementLineId,
    postedPaymentId: p.postedPaymentId,
  };
}

const list = checkerListRoute({
  path: '/repayments',
  access: 'repayment:record',
  summary: 'Staff postings for checkers / 待复核还款',
  maxListed: MAX_LISTED,
  status: PostingStatusEnum,
  item: Posting,
  description: 'Postings',
});

const { approve, reject } = checkerDecisionRoutes({
  item: '/repayments/{paymentId}',
  access: 'repayment:record',
  params: PaymentIdParam,
  approve: {
    summary: 'Approve a staff posting / 复核通过',
    description:
      'By a finance user other than the maker (403 otherwise). Posts the repayment to the loan under its paymentId; on a written-off loan, books it as a recovery after write-off (ledger kind WRITE_OFF_RECOVERY, income RECOVERY_INCOME) instead. 409 once it was approved or rejected.',
    answer: {
      description: 'Approved and posted to the loan',
      schema: z.object({
        paymentId: z.string(),
        status: z.literal('APPROVED'),
        repayment: RepaymentResult.optional().openapi({
          description: 'What the loan did with it (a loan in servicing)',
        }),
        recovery: WriteOffRecovery.optional().openapi({
          description: 'On a written-off loan: the payment booked as a recovery after write-off (核销后收回)',
        }),
      }),
    },
  },
  reject: {
    summary: 'Reject a staff posting / 复核驳回',
    description: 'By a finance user other than the maker, with a reason. Nothing is posted; 409 once decided.',
    body: rejectionBody('PostingRejection'),
    answer: { description: 'Rejected', schema: Posting },
  },
});

const match = secureRoute({
  method: 'post',
  path: '/repayments/statement-match',
  access: 'repayment:record',
  summary: 'Confirm bank transfers by the bank statement / 按银行流水确认转账还款',
  description:
    'Each pending BANK_TRANSFER posting whose amount and reference equal those of an incoming payment on the bank’s statement that no repayment has taken is approved by that line and posted under the line’s payment id.',
  responses: {
    200: {
      description: 'The postings the statement confirmed',
      content: {
        'application/json': {
          schema: z.object({
            matched: z.array(
              z.object({ paymentId: z.string(), statementLineId: z.string(), loanId: z.string(), amount: z.string() }),
            ),
          }),
        },
      },
    },
    ...errorResponses,
  },
});

type Decision = 'REPAYMENT_APPROVE' | 'REPAYMENT_REJECT';

/** Runs a checker's decision; a refusal (own posting, already decided, refused by the loan) is audited as DENIED. */
function decided<T>(
  c: Context<AppEnv>,
  sql: ApiDeps['sql'],
  action: Decision,
  paymentId: string,
  decide: () => Promise<T>,
) {
  return refusalsAudited(
    c,
    sql,
    action,
    {
      resourceType: 'repayment',
      resourceId: paymentId,
      find: async () => {
        const posting = await findPosting(sql, paymentId);
        return { maker: posting?.madeBy ?? null, loanId: posting?.loanId ?? null };
      },
    },
    decide,
  );
}

function auditDecided(
  c: Context<AppEnv>,
  sql: ApiDeps['sql'],
  action: Decision,
  posting: StaffPosting,
  postedAs?: 'REPAYMENT' | 'WRITE_OFF_RECOVERY',
) {
  return auditRequest(c, sql, {
    action,
    result: 'SUCCESS',
    resourceType: 'repayment',
    resourceId: posting.paymentId,
    loanId: posting.loanId,
    detail: {
      maker: posting.madeBy,
      checker: posting.checkedBy,
      channel: posting.channel,
      amount: posting.amount,
      ...(posting.rejectReason ? { reason: posting.rejectReason } : {}),
      ...(posting.statementLineId ? { statementLineId: posting.statementLineId } : {}),
      ...(postedAs ? { postedAs } : {}),
    },
  });
}

export const financePostingRoutes: RouteModule = (deps) => {
  const app = newRouter();
  const bank = deps.config.BANK_URL
    ? createBankClient({ baseUrl: deps.config.BANK_URL, log: deps.log, timeoutMs: 10_000 })
    : null;

  app.openapi(list, async (c) => {
    const { status } = c.req.valid('query');
    const now = deps.now();
    const items = await listPostings(deps.sql, status, MAX_LISTED);
    return c.json({ items: items.map((p) => postingView(p, now)) }, 200);
  });

  app.openapi(approve, async (c) => {
    const { paymentId } = c.req.valid('param');
    const checker = currentUser(c).userId;
    const { posting, posted } = await decided(c, deps.sql, 'REPAYMENT_APPROVE', paymentId, () =>
      approveByChecker(deps, paymentId, checker),
    );
    await auditDecided(c, deps.sql, 'REPAYMENT_APPROVE', posting, posted.recovery ? 'WRITE_OFF_RECOVERY' : 'REPAYMENT');
    return c.json({ paymentId, status: 'APPROVED' as const, ...posted }, 200);
  });

  app.openapi(reject, async (c) => {
    const { paymentId } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const checker = currentUser(c).userId;
    const rejected = await decided(c, deps.sql, 'REPAYMENT_REJECT', paymentId, () =>
      rejectByChecker(deps.sql, paymentId, checker, reason),
    );
    await auditDecided(c, deps.sql, 'REPAYMENT_REJECT', rejected);
    return c.json(postingView(rejected, deps.now()), 200);
  });

  app.openapi(match, async (c) => {
    if (!bank)
      throw new ApiError(503, 'BANK_NOT_CONFIGURED', { zh: '未配置银行接口', en: 'BANK_URL is not configured' });
    const pending = await listPostings(deps.sql, 'PENDING_APPROVAL', MAX_LISTED);
    const matched = await matchBankStatement(deps, bank, pending);
    for (const m of matched) await auditDecided(c, deps.sql, 'REPAYMENT_APPROVE', m.posting);
    return c.json({ matched: matched.map(({ posting: _, ...m }) => m) }, 200);
  });

  return app;
};
