// The `webhooks` section of the OpenAPI document: one entry per event type, with its payload, the
// signature header and what the channel's listener answers.
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { LOAN_STATUSES } from '../domain/types.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../domain/webhook-events.js';
import type { AppEnv } from './env.js';

const Status = z.enum(LOAN_STATUSES);
const LoanId = z.string().openapi({ example: 'loan-20261207-0123456789' });

const DATA: Record<WebhookEventType, { summary: string; data: z.ZodType }> = {
  'loan.status_changed': {
    summary: '贷款状态变更 / The loan moved to another status (every change)',
    data: z.object({ loanId: LoanId, status: Status }),
  },
  'loan.documents_requested': {
    summary: '审核要求补充资料 / A reviewer asked for more documents (read them from GET /v1/loans/{loanId})',
    data: z.object({ loanId: LoanId, stage: z.enum(['INITIAL', 'FINAL']) }),
  },
  'loan.offer_ready': {
    summary: '合同待签 / Approved: the contract is ready to sign',
    data: z.object({ loanId: LoanId, status: z.literal('AWAITING_SIGNATURE') }),
  },
  'loan.signed': { summary: '借款人已签约 / The borrower signed the contract', data: z.object({ loanId: LoanId }) },
  'loan.disbursed': {
    summary: '已放款 / The money was paid out and the loan is active (once per loan)',
    data: z.object({ loanId: LoanId, status: z.literal('ACTIVE') }),
  },
  'loan.payout_failed': {
    summary: '放款失败 / The payout failed, or the payout account did not verify',
    data: z.object({ loanId: LoanId, status: z.enum(['DISBURSEMENT_FAILED', 'PAYOUT_ACCOUNT_INVALID']) }),
  },
  'installment.due': {
    summary: '还款提醒 / An installment falls due soon (sent with the borrower’s reminder)',
    data: z.object({
      loanId: LoanId,
      installment: z.number().int().min(1),
      dueDate: z.string().openapi({ format: 'date' }),
      amount: z.string().openapi({ example: '1032.50', description: 'What is owed on it, CNY' }),
    }),
  },
  'payment.received': {
    summary: '收到还款 / A repayment was applied to the loan',
    data: z.object({
      loanId: LoanId,
      paymentId: z.string(),
      allocation: z
        .record(z.string(), z.unknown())
        .openapi({ description: 'How the money was split (principal, interest, fees, penalty, credit)' }),
      status: Status,
    }),
  },
  'loan.overdue': {
    summary: '已逾期 / An installment is overdue',
    data: z.object({ loanId: LoanId, status: z.literal('OVERDUE') }),
  },
  'loan.paid_off': {
    summary: '已结清 / The loan is paid off',
    data: z.object({ loanId: LoanId, status: z.literal('PAID_OFF') }),
  },
};

const DESCRIPTION = [
  'POSTed as JSON to every subscription of the loan’s channel (the channel whose X-Api-Key came with the application).',
  'Header `X-Loans-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; also',
  '`X-Loans-Event-Id`, `X-Loans-Event-Type`, `X-Loans-Delivery-Id`. Verify over the raw body, compare in',
  'constant time, refuse a `t` older than 5 minutes, and de-duplicate by the event id: retries and replays',
  'send the same event id. Any 2xx within 10 s acknowledges; anything else is retried after 2, 4, 8 … s,',
  'at most an hour apart, 12 attempts in all.',
].join(' ');

/** Adds `webhooks` to the app's OpenAPI document. */
export function documentWebhooks(app: OpenAPIHono<AppEnv>): void {
  for (const type of WEBHOOK_EVENT_TYPES) {
    const { summary, data } = DATA[type];
    const payload = z
      .object({
        id: z.uuid().openapi({ description: 'The event id, the same on every retry and replay' }),
        type: z.literal(type),
        occurredAt: z.string().openapi({ format: 'date-time' }),
        data,
      })
      .openapi(`WebhookEvent_${type.replace(/\./g, '_')}`);
    app.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      summary,
      description: DESCRIPTION,
      request: {
        headers: z.object({
          'x-loans-signature': z.string().openapi({ example: 't=1796601600,v1=5f0c…' }),
          'x-loans-event-id': z.uuid(),
          'x-loans-event-type': z.literal(type),
          'x-loans-delivery-id': z.uuid(),
        }),
        body: { required: true, content: { 'application/json': { schema: payload } } },
      },
      responses: {
        200: { description: 'Any 2xx acknowledges the delivery' },
        500: { description: 'Anything else (or no answer in 10 s) is retried with backoff' },
      },
    });
  }
}
