// Borrower and staff views of a disbursed loan (mounted at /v1/loans): the schedule, repayments
// (taking one, idempotent by paymentId), the settlement certificate, and collections decisions.
import { z } from '@hono/zod-openapi';
import { localDateOf } from '../../domain/business-time.js';
import { installmentStatus } from '../../domain/servicing-account.js';
import { addMoney } from '../../domain/money.js';
import { CERTIFICATE_CONTEXT } from '../../security/encryption-contexts.js';
import { can } from '../../security/permissions.js';
import { MESSAGE_PERMISSIONS, repaymentAction } from '../../contracts/message-permissions.js';
import { collectionNoteUpdate, writeOffUpdate } from '../../contracts/definitions.js';
import { createGatewayClient, type GatewayClient } from '../../partners/gateway-client.js';
import { newRouter, type RouteModule } from '../app.js';
import { RepaymentResult as RepaymentAnswer } from '../repayment-schemas.js';
import type { RepaymentResult } from '../../contracts/loan-view.js';
import { findOnlinePayment, onlinePaymentView, startOnlinePayment } from '../online-payments.js';
import type { AuthUser } from '../../security/authenticator.js';
import { ScopeRefusal } from '../access-refusals.js';
import { ApiError } from '../errors.js';
import { loanInScope } from '../loan-access.js';
import { loanHandle } from '../loan-workflows.js';
import { projectionCaughtUp } from '../projection-wait.js';
import { auditRequest } from '../middleware/audit.js';
import { currentUser } from '../middleware/auth.js';
import { secureRoute } from '../route.js';
import { errorResponses, LoanIdParam, LoanStatusEnum, MoneyString } from '../schemas.js';
import { recordStaffPosting } from '../staff-postings.js';
import { bilingual } from '../validation.js';
import { callWorkflow } from '../workflow-errors.js';
import { updateIdFor } from '../update-id.js';

const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, bilingual('日期格式须为 YYYY-MM-DD', 'must be a date, YYYY-MM-DD'));

const ScheduleLine = z
  .object({
    number: z.number().int(),
    dueDate: z.string(),
    principal: z.string(),
    interest: z.string(),
    fee: z.string(),
    total: z.string(),
    // GRACE: unpaid after its due date but within the product's grace days, not overdue (contract).
    status: z.enum(['UPCOMING', 'DUE', 'PAID', 'PARTIAL', 'GRACE', 'OVERDUE']),
    paidAt: z.string().optional(),
  })
  .openapi('ScheduleLine');

const RepaymentBody = z
  .object({
    paymentId: z
      .string()
      .regex(
        /^[A-Za-z0-9:_.-]{1,120}$/,
        bilingual('paymentId 须为 1–120 位字母、数字或 :_.-', 'must be 1–120 letters, digits or :_.-'),
      ),
    amount: MoneyString,
    channel: z.enum(['ONLINE', 'BANK_TRANSFER', 'CASH']),
    receivedOn: LocalDate.optional().openapi({
      description:
        'Business date the money arrived; default today. Finance may give an earlier date for CASH and BANK_TRANSFER; an ONLINE payment is dated today.',
    }),
    reference: z
      .string()
      .trim()
      .min(1)
      .max(64, bilingual('reference 最多 64 个字符', 'at most 64 characters'))
      .optional()
      .openapi({
        description:
          'CASH and BANK_TRANSFER only: the reference on the bank transfer (or the receipt number); a pending BANK_TRANSFER is confirmed by the bank statement line with this reference and amount.',
      }),
  })
  .strict()
  .openapi('RepaymentRequest');

const OnlinePaymentAnswer = z
  .object({
    paymentId: z.string(),
    loanId: z.string(),
    channel: z.literal('ONLINE'),
    status: z.enum(['PENDING', 'APPLIED', 'EXPIRED', 'UNAPPLIED']),
    amount: z.string(),
    payUrl: z.string().optional().openapi({ description: "The gateway's hosted pay page for the borrower" }),
    expiresAt: z.string(),
    confirmedAmount: z.string().optional(),
    paidAt: z.string().optional(),
    appliedAfterExpiry: z.boolean().optional(),
  })
  .openapi('OnlinePayment');

const PaymentStatusAnswer = z
  .object({
    paymentId: z.string(),
    loanId: z.string(),
    channel: z.string(),
    status: z.enum(['PENDING', 'APPLIED', 'EXPIRED', 'UNAPPLIED']),
    amount: z.string(),
    payUrl: z.string().optional(),
    expiresAt: z.string().optional(),
    confirmedAmount: z.string().optional(),
    paidAt: z.string().optional(),
    appliedAfterExpiry: z.boolean().optional(),
    result: RepaymentAnswer.optional(),
  })
  .openapi('RepaymentStatus');

const PaymentIdParam = LoanIdParam.extend({
  paymentId: z.string().regex(/^[A-Za-z0-9:_.-]{1,120}$/, bilingual('paymentId 格式不正确', 'paymentId is not valid')),
});

const PendingPostingAnswer = z
  .object({ paymentId: z.string(), status: z.enum(['PENDING_APPROVAL', 'APPROVED', 'REJECTED']) })
  .openapi('PendingStaffPosting');

const schedule = secureRoute({
  method: 'get',
  path: '/{loanId}/schedule',
  access: 'repayment:read',
  summary: 'Repayment schedule / 还款计划',
  request: { params: LoanIdParam },
  responses: {
    200: {
      description: 'Installments as servicing keeps them',
      content: { 'application/json': { schema: z.object({ installments: z.array(ScheduleLine) }) } },
    },
    ...errorResponses,
  },
});

const listRepayments = secureRoute({
  method: 'get',
  path: '/{loanId}/repayments',
  access: 'repayment:read',
  summary: 'Repayments received / 还款记录',
  request: { params: LoanIdParam },
  responses: {
    200: {
      description: 'Oldest first',
      content: { 'application/json': { schema: z.object({ items: z.array(RepaymentAnswer) }) } },
    },
    ...errorResponses,
  },
});

const postRepayment = secureRoute({
  method: 'post',
  path: '/{loanId}/repayments',
  access: 'AUTHENTICATED',
  summary: 'Repay / 还款',
  description:
    'ONLINE needs repayment:online and the caller must be the borrower of the loan: it creates an order at the payment gateway, ' +
    "answers 202 with the pay page (payUrl) and changes nothing on the loan; the gateway's signed confirmation applies the amount " +
    'it confirmed (GET /v1/loans/{loanId}/repayments/{paymentId} shows the state). The same paymentId and amount again answers 202 ' +
    'with the same order. CASH and BANK_TRANSFER need repayment:record (finance): such a repayment is stored PENDING_APPROVAL (202) ' +
    'and reaches the loan only when another finance user approves it (POST /v1/finance/repayments/{paymentId}/approve) or the ' +
    'bank statement confirms it. The same paymentId again changes nothing.',
  request: {
    params: LoanIdParam,
    body: { content: { 'application/json': { schema: RepaymentBody } }, required: true },
  },
  responses: {
    202: {
      description:
        'ONLINE: order created at the payment gateway, nothing applied until it confirms. CASH or BANK_TRANSFER: recorded, ' +
        'waiting for a checker (nothing posted yet); the same paymentId again answers its current status',
      content: { 'application/json': { schema: z.union([OnlinePaymentAnswer, PendingPostingAnswer]) } },
    },
    200: {
      description: 'Already applied (duplicate paymentId)',
      content: { 'application/json': { schema: RepaymentAnswer } },
    },
    ...errorResponses,
  },
});

const repaymentStatus = secureRoute({
  method: 'get',
  path: '/{loanId}/repayments/{paymentId}',
  access: 'repayment:read',
  summary: 'A repayment and its state / 还款状态',
  description:
    'ONLINE: PENDING until the gateway confirms, then APPLIED (or EXPIRED when no confirmation came in time; UNAPPLIED when ' +
    'the loan no longer took it and finance refunds it). Other channels: APPLIED with the result.',
  request: { params: PaymentIdParam },
  responses: {
    200: { description: 'The repayment', content: { 'application/json': { schema: PaymentStatusAnswer } } },
    ...errorResponses,
  },
});

const certificate = secureRoute({
  method: 'get',
  path: '/{loanId}/settlement-certificate',
  access: 'repayment:read',
  summary: 'Settlement certificate / 结清证明',
  description: 'HTML whose sha256 is in the X-Certificate-Sha256 header.',
  request: { params: LoanIdParam },
  responses: { 200: { description: 'text/html certificate' }, ...errorResponses },
});

const collectionNote = secureRoute({
  method: 'post',
  path: '/{loanId}/collection-notes',
  access: 'collection:act',
  summary: 'Record a collection contact / 登记催收记录',
  request: {
    params: LoanIdParam,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({
              outcome: z.enum(['CONTACTED', 'PROMISE_TO_PAY', 'NO_ANSWER', 'REFUSED', 'DISPUTED']),
              note: z.string().min(1).max(1000),
              promisedOn: LocalDate.optional(),
            })
            .strict()
            .openapi('CollectionNote'),
        },
      },
      required: true,
    },
  },
  responses: {
    200: {
      description: 'Recorded',
      content: { 'application/json': { schema: z.object({ loanId: z.string(), status: LoanStatusEnum }) } },
    },
    ...errorResponses,
  },
});

const writeOffDecision = secureRoute({
  method: 'post',
  path: '/{loanId}/write-off-decision',
  access: 'writeoff:approve',
  summary: 'Approve or reject a write-off / 核销审批',
  description:
    'Only after the escalation ladder opened a write-off review (409 otherwise). Approval posts the write-off to the ledger and closes the loan.',
  request: {
    params: LoanIdParam,
    body: {
      content: {
        'application/json': {
          schema: z
            .object({ approve: z.boolean(), comment: z.string().min(1).max(1000) })
            .strict()
            .openapi('WriteOffDecision'),
        },
      },
      required: true,
    },
  },
  responses: {
    200: {
      description: 'Decided',
      content: { 'application/json': { schema: z.object({ loanId: z.string(), status: LoanStatusEnum }) } },
    },
    ...errorResponses,
  },
});

/** The repayment channel's permission, from the same entry the workflow's repay validator checks. */
function requireRepaymentPermission(
  user: AuthUser,
  channel: 'ONLINE' | 'BANK_TRANSFER' | 'CASH',
  borrowerId: string,
  loanId: string,
): void {
  const permission = MESSAGE_PERMISSIONS[repaymentAction(channel)!];
  if (!can(user.role, permission))
    throw ApiError.forbidden({
      zh: `当前角色无权执行此还款（需要 ${permission}）`,
      en: `Your role lacks the permission ${permission}`,
    });
  if (channel === 'ONLINE' && user.userId !== borrowerId)
    throw new ScopeRefusal(
      ApiError.forbidden({ zh: '只能为本人的贷款在线还款', en: 'You can only pay your own loans online' }),
      { reason: 'NOT_OWNER', resourceType: 'loan', resourceId: loanId, loanId },
    );
}

const SERVICED = ['ACTIVE', 'OVERDUE'];

export const servicingRoutes: RouteModule = (deps) => {
  const app = newRouter();
  const today = () => localDateOf(deps.now().getTime(), deps.config.BUSINESS_TIME_ZONE);
  const gatewayClient = deps.config.GATEWAY_URL
    ? createGatewayClient({ baseUrl: deps.config.GATEWAY_URL, log: deps.log, timeoutMs: 10_000 })
    : null;
  const gateway = (): GatewayClient => {
    if (!gatewayClient)
      throw new ApiError(503, 'GATEWAY_NOT_CONFIGURED', { zh: '未配置支付网关', en: 'GATEWAY_URL is not configured' });
    return gatewayClient;
  };

  app.openapi(schedule, async (c) => {
    const { loanId } = c.req.valid('param');
    const loan = await loanInScope(deps.sql, currentUser(c), loanId);
    const [product] = await deps.sql<{ grace_days: number | null }[]>`
      select (definition -> 'penalty' ->> 'graceDays')::int as grace_days from products where code = ${loan.product_code}`;
    const rows = await deps.sql<
      {
        number: number;
        due_date: string;
        principal: string;
        interest: string;
        fee: string;
        paid_principal: string;
        paid_interest: string;
        paid_fee: string;
        paid_on: string | null;
      }[]
    >`
      select number, due_date, principal::text, interest::text, fee::text, paid_principal::text, paid_interest::text, paid_fee::text, paid_on
      from installments where loan_id = ${loanId} order by number`;
    const on = today();
    const installments = rows.map((r) => ({
      number: r.number,
      dueDate: r.due_date,
      principal: r.principal,
      interest: r.interest,
      fee: r.fee,
      total: addMoney(addMoney(r.principal, r.interest), r.fee),
      status: installmentStatus(
        {
          dueDate: r.due_date,
          principal: r.principal,
          interest: r.interest,
          fee: r.fee,
          paidPrincipal: r.paid_principal,
          paidInterest: r.paid_interest,
          paidFee: r.paid_fee,
          paidOn: r.paid_on,
        },
        on,
        product?.grace_days ?? 0,
      ),
      ...(r.paid_on ? { paidAt: r.paid_on } : {}),
    }));
    return c.json({ installments }, 200);
  });

  app.openapi(listRepayments, async (c) => {
    const { loanId } = c.req.valid('param');
    await loanInScope(deps.sql, currentUser(c), loanId);
    const rows = await deps.sql<
      { result: RepaymentResult }[]
    >`select result from repayments where loan_id = ${loanId} order by created_at, payment_id`;
    return c.json({ items: rows.map((r) => r.result) }, 200);
  });

  app.openapi(postRepayment, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const body = c.req.valid('json');
    const loan = await loanInScope(deps.sql, user, loanId);
    requireRepaymentPermission(user, body.channel, loan.borrower_id, loanId);
    if (body.channel === 'ONLINE') {
      if (body.receivedOn !== undefined)
        throw ApiError.validation([
          {
            field: 'receivedOn',
            code: 'NOT_ALLOWED',
            message: {
              zh: '在线还款的到账日期由支付网关确认',
              en: 'the gateway confirms when an online payment arrived',
            },
          },
        ]);
      const known = await findOnlinePayment(deps.sql, body.paymentId);
      if (!known && !SERVICED.includes(loan.status))
        throw ApiError.conflict('WRONG_STAGE', {
          zh: `当前状态为 ${loan.status}，不能还款`,
          en: `The loan is ${loan.status}; it takes no repayments`,
        });
      const { row, created } = await startOnlinePayment(deps, gateway(), {
        loanId,
        borrowerId: loan.borrower_id,
        paymentId: body.paymentId,
        amount: body.amount,
      });
      await auditRequest(c, deps.sql, {
        action: 'ONLINE_PAYMENT_ORDERED',
        result: 'SUCCESS',
        resourceType: 'online_payment',
        resourceId: row.payment_id,
        loanId,
        detail: { amount: row.requested_amount, gatewayOrderId: row.gateway_order_id, created, status: row.status },
      });
      return c.json(onlinePaymentView(row), 202);
    }
    const [earlier] = await deps.sql<
      { loan_id: string; result: RepaymentResult }[]
    >`select loan_id, result from repayments where payment_id = ${body.paymentId}`;
    if (earlier) {
      if (earlier.loan_id !== loanId)
        throw ApiError.conflict('PAYMENT_ID_REUSED', {
          zh: '该 paymentId 已用于另一笔贷款',
          en: 'This paymentId was already used for another loan',
        });
      return c.json({ ...earlier.result, duplicate: true }, 200);
    }
    // Staff postings wait for a checker (api/staff-postings.ts): nothing reaches the loan yet.
    const pending = await recordStaffPosting(
      deps.sql,
      { ...body, channel: body.channel, loanId, loanStatus: loan.status, madeBy: user.userId },
      today(),
      (event) => auditRequest(c, deps.sql, event),
    );
    return c.json(pending, 202);
  });

  app.openapi(repaymentStatus, async (c) => {
    const { loanId, paymentId } = c.req.valid('param');
    await loanInScope(deps.sql, currentUser(c), loanId);
    const online = await findOnlinePayment(deps.sql, paymentId);
    const [applied] = await deps.sql<
      { loan_id: string; channel: string; amount: string; result: RepaymentResult }[]
    >`select loan_id, channel, amount::text, result from repayments where payment_id = ${paymentId}`;
    if (online?.loan_id === loanId) {
      const result = applied ? { result: applied.result } : {};
      return c.json({ ...onlinePaymentView(online), ...result }, 200);
    }
    if (!applied || applied.loan_id !== loanId) throw ApiError.notFound({ zh: '还款', en: 'Repayment' });
    return c.json(
      {
        paymentId,
        loanId,
        channel: applied.channel,
        status: 'APPLIED' as const,
        amount: applied.amount,
        result: applied.result,
      },
      200,
    );
  });

  app.openapi(certificate, async (c) => {
    const { loanId } = c.req.valid('param');
    await loanInScope(deps.sql, currentUser(c), loanId);
    const [row] = await deps.sql<
      { sha256: string; html_enc: string }[]
    >`select sha256, html_enc from settlement_certificates where loan_id = ${loanId}`;
    if (!row) throw ApiError.notFound({ zh: '结清证明', en: 'Settlement certificate' });
    const html = deps.cipher.decrypt(row.html_enc, CERTIFICATE_CONTEXT);
    await auditRequest(c, deps.sql, {
      action: 'PII_READ_SETTLEMENT_CERTIFICATE',
      result: 'SUCCESS',
      resourceType: 'settlement_certificate',
      resourceId: loanId,
      loanId,
    });
    return new Response(html, {
      status: 200,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'x-certificate-sha256': row.sha256,
        'cache-control': 'private, no-store',
      },
    });
  });

  app.openapi(collectionNote, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const body = c.req.valid('json');
    await loanInScope(deps.sql, user, loanId);
    const view = await callWorkflow(() =>
      loanHandle(deps.temporal, loanId).executeUpdate(collectionNoteUpdate, {
        args: [{ ...body, by: { userId: user.userId, role: user.role } }],
        updateId: updateIdFor(c, 'collection-note', user),
      }),
    );
    await projectionCaughtUp(deps.sql, loanId, view);
    await auditRequest(c, deps.sql, {
      action: 'COLLECTION_NOTE',
      result: 'SUCCESS',
      resourceType: 'loan',
      resourceId: loanId,
      loanId,
      detail: { outcome: body.outcome },
    });
    return c.json({ loanId, status: view.status }, 200);
  });

  app.openapi(writeOffDecision, async (c) => {
    const user = currentUser(c);
    const { loanId } = c.req.valid('param');
    const body = c.req.valid('json');
    await loanInScope(deps.sql, user, loanId);
    const view = await callWorkflow(() =>
      loanHandle(deps.temporal, loanId).executeUpdate(writeOffUpdate, {
        args: [{ ...body, by: { userId: user.userId, role: user.role } }],
        updateId: updateIdFor(c, 'write-off', user),
      }),
    );
    await projectionCaughtUp(deps.sql, loanId, view);
    await auditRequest(c, deps.sql, {
      action: body.approve ? 'WRITE_OFF_APPROVED' : 'WRITE_OFF_REJECTED',
      result: 'SUCCESS',
      resourceType: 'loan',
      resourceId: loanId,
      loanId,
      detail: { comment: body.comment },
    });
    return c.json({ loanId, status: view.status }, 200);
  });

  return app;
};
