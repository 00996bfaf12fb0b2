// Calls from partners (mounted at /v1/partners). No user signs in: each body is authenticated by
// the partner's HMAC signature over the raw bytes (partners/signature.ts); a bad one answers 401.
// Callbacks are at-least-once: every effect here is idempotent by the partner's keys.
import { money } from '../../domain/money.js';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { localDateOf } from '../../domain/business-time.js';
import { deliveryReceiptSchema } from '../../partners/notify-client.js';
import { incomingPaymentNoticeSchema, settlementCallbackSchema } from '../../partners/bank-client.js';
import { paymentConfirmationSchema, type PaymentConfirmation } from '../../partners/gateway-client.js';
import { signedCallbackFrom, verifyCallbackSignature } from '../../partners/signature.js';
import { ensureLocalSecrets, type LocalSecrets } from '../../security/local-secrets.js';
import { bankResultSignal, repayUpdate } from '../../contracts/definitions.js';
import { newRouter, type RouteModule } from '../app.js';
import type { ApiDeps, AppEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { loanHandle } from '../loan-workflows.js';
import { auditRequest } from '../middleware/audit.js';
import { applyConfirmation, ConfirmationRefused } from '../online-payments.js';
import { secureRoute } from '../route.js';
import { errorResponses } from '../schemas.js';
import { toApiError } from '../workflow-errors.js';
import { recoveryIfWrittenOff } from '../write-off-recovery.js';

const Ack = z.object({ accepted: z.boolean(), detail: z.string().optional() }).openapi('PartnerAck');
const signedBody = 'Raw JSON signed as hex HMAC-SHA256 of `${X-Bank-Timestamp}.${body}` in X-Bank-Signature.';

const bankCallback = secureRoute({
  method: 'post',
  path: '/bank/callbacks',
  access: 'PUBLIC',
  summary: 'Bank settlement callback (transfer or debit) / 银行结算回调',
  description: `${signedBody} A transfer result is signalled to the loan's workflow; a debit result too (the auto-debit waits for it).`,
  responses: {
    200: { description: 'Acknowledged', content: { 'application/json': { schema: Ack } } },
    ...errorResponses,
  },
});

const bankIncoming = secureRoute({
  method: 'post',
  path: '/bank/incoming',
  access: 'PUBLIC',
  summary: 'Incoming payment notice / 来账通知',
  description: `${signedBody} Applied to the loan named in \`reference\` as a BANK_TRANSFER repayment whose paymentId is the bank's.`,
  responses: {
    200: { description: 'Acknowledged', content: { 'application/json': { schema: Ack } } },
    ...errorResponses,
  },
});

const gatewayConfirmation = secureRoute({
  method: 'post',
  path: '/gateway/confirmations',
  access: 'PUBLIC',
  summary: 'Payment gateway confirmation / 支付网关支付确认',
  description:
    `${signedBody} Applies the amount the gateway confirmed to the loan of the online payment named by merchantOrderId, once: ` +
    "a repeat is acknowledged as duplicate. An unknown order (404) or an amount or order id other than the order's (409) is refused; " +
    'every confirmation, refused or not, is audited. One arriving after the order expired is still applied while the loan takes ' +
    'repayments (the money moved); otherwise it is acknowledged as unapplied and a FINANCE task asks for the refund.',
  responses: {
    200: { description: 'Acknowledged', content: { 'application/json': { schema: Ack } } },
    ...errorResponses,
  },
});

const notifyReceipt = secureRoute({
  method: 'post',
  path: '/notify/receipts',
  access: 'PUBLIC',
  summary: 'SMS delivery receipt / 短信回执',
  description: signedBody,
  responses: {
    200: { description: 'Acknowledged', content: { 'application/json': { schema: Ack } } },
    ...errorResponses,
  },
});

type CallbackPartner = 'bank' | 'gateway';

/** Each partner's own key: a confirmation signed with the bank's key is not the gateway's. */
function callbackSecret(deps: ApiDeps, partner: CallbackPartner): string {
  const [setting, secret] =
    partner === 'gateway'
      ? ([
          'GATEWAY_CALLBACK_SECRET',
          deps.config.GATEWAY_CALLBACK_SECRET ?? localOnly(deps)?.gatewayCallbackSecret,
        ] as const)
      : (['BANK_CALLBACK_SECRET', deps.config.BANK_CALLBACK_SECRET ?? localOnly(deps)?.bankCallbackSecret] as const);
  if (!secret)
    throw new ApiError(503, 'CALLBACKS_NOT_CONFIGURED', {
      zh: `未配置回调密钥 ${setting}`,
      en: `${setting} is not configured`,
    });
  return secret;
}

/** Local mode's generated secrets (the stack hands them over; a lone API reads the same file). */
function localOnly(deps: ApiDeps): LocalSecrets | undefined {
  return deps.config.APP_MODE === 'local' ? ensureLocalSecrets(deps.config.DATA_DIR) : undefined;
}

/** The verified, parsed body, or 401 (bad signature) / 400 (not the expected shape). */
async function verified<T>(
  c: Context<AppEnv>,
  deps: ApiDeps,
  schema: z.ZodType<T>,
  partner: CallbackPartner = 'bank',
): Promise<T> {
  const raw = await c.req.text();
  const check = verifyCallbackSignature(signedCallbackFrom(c.req.raw.headers, raw), {
    secret: callbackSecret(deps, partner),
    now: deps.now(),
  });
  if (!check.ok) {
    c.get('log').warn({ reason: check.reason, path: c.req.path }, 'partner callback refused');
    throw new ApiError(401, 'BAD_SIGNATURE', {
      zh: '回调签名无效',
      en: `The callback signature is not valid (${check.reason})`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ApiError(400, 'MALFORMED_REQUEST', { zh: '回调内容不是 JSON', en: 'The callback body is not JSON' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new ApiError(400, 'VALIDATION_FAILED', {
      zh: '回调内容格式不正确',
      en: `The callback body is not as expected: ${parsed.error.issues[0]?.message ?? ''}`,
    });
  return parsed.data;
}

/**
 * The one audit row of a partner callback that moves or refuses money: who (the partner), what
 * (settlement, incoming payment, gateway confirmation), the amount and the partner's reference.
 */
function auditCallback(
  c: Context<AppEnv>,
  deps: ApiDeps,
  event: {
    partner: CallbackPartner;
    action: 'BANK_SETTLEMENT_CALLBACK' | 'BANK_INCOMING_PAYMENT' | 'GATEWAY_CONFIRMATION';
    result: 'SUCCESS' | 'FAILURE' | 'DENIED';
    resourceType: 'bank_transfer' | 'bank_debit' | 'repayment' | 'online_payment';
    resourceId?: string | null;
    loanId?: string | null;
    detail: Record<string, unknown>;
  },
): Promise<void> {
  return auditRequest(c, deps.sql, {
    action: event.action,
    result: event.result,
    actorId: `system:${event.partner}`,
    actorRole: 'SYSTEM',
    resourceType: event.resourceType,
    resourceId: event.resourceId ?? null,
    loanId: event.loanId ?? null,
    detail: event.detail,
  });
}

/** Verifies the callback; a refused signature or body is audited before the 401/400 goes out. */
async function verifiedAndAudited<T>(
  c: Context<AppEnv>,
  deps: ApiDeps,
  schema: z.ZodType<T>,
  refused: Omit<Parameters<typeof auditCallback>[2], 'result' | 'detail'>,
): Promise<T> {
  try {
    return await verified(c, deps, schema, refused.partner);
  } catch (err) {
    if (err instanceof ApiError)
      await auditCallback(c, deps, { ...refused, result: 'DENIED', detail: { reason: err.code } });
    throw err;
  }
}

/** A loan that no longer listens (closed, or unknown) is acknowledged: retrying would not help. */
function gone(err: unknown): string | null {
  const mapped = toApiError(err);
  return mapped && (mapped.status === 404 || mapped.code === 'LOAN_CLOSED') ? mapped.code : null;
}

export const partnerCallbackRoutes: RouteModule = (deps) => {
  const app = newRouter();

  app.openapi(bankCallback, async (c) => {
    const body = await verifiedAndAudited(c, deps, settlementCallbackSchema, {
      partner: 'bank',
      action: 'BANK_SETTLEMENT_CALLBACK',
      resourceType: 'bank_transfer',
    });
    if (body.status === 'PENDING') return c.json({ accepted: false, detail: 'pending' }, 200);
    const transferId = body.kind === 'TRANSFER' ? body.transferId : body.debitId;
    const audit = (result: 'SUCCESS' | 'FAILURE', outcome: string) =>
      auditCallback(c, deps, {
        partner: 'bank',
        action: 'BANK_SETTLEMENT_CALLBACK',
        result,
        resourceType: body.kind === 'TRANSFER' ? 'bank_transfer' : 'bank_debit',
        resourceId: transferId,
        loanId: body.reference,
        detail: {
          kind: body.kind,
          status: body.status,
          amount: body.amount,
          reference: body.reference,
          idempotencyKey: body.idempotencyKey,
          outcome,
        },
      });
    try {
      await loanHandle(deps.temporal, body.reference).signal(bankResultSignal, {
        transferId,
        idempotencyKey: body.idempotencyKey,
        status: body.status,
        ...(body.failureReason ? { failureReason: body.failureReason } : {}),
      });
    } catch (err) {
      const reason = gone(err);
      if (reason) {
        await audit('FAILURE', reason);
        return c.json({ accepted: false, detail: reason }, 200);
      }
      throw err;
    }
    await audit('SUCCESS', 'delivered');
    return c.json({ accepted: true }, 200);
  });

  app.openapi(bankIncoming, async (c) => {
    const notice = await verifiedAndAudited(c, deps, incomingPaymentNoticeSchema, {
      partner: 'bank',
      action: 'BANK_INCOMING_PAYMENT',
      resourceType: 'repayment',
    });
    const audit = (result: 'SUCCESS' | 'FAILURE', outcome: string) =>
      auditCallback(c, deps, {
        partner: 'bank',
        action: 'BANK_INCOMING_PAYMENT',
        result,
        resourceType: 'repayment',
        resourceId: notice.paymentId,
        loanId: notice.reference,
        detail: { amount: notice.amount, reference: notice.reference, receivedAt: notice.receivedAt, outcome },
      });
    const receivedOn = localDateOf(Date.parse(notice.receivedAt), deps.config.BUSINESS_TIME_ZONE);
    // On a written-off loan the money is a recovery, posted without the (ended) workflow.
    const recovery = await recoveryIfWrittenOff(deps.sql, {
      loanId: notice.reference,
      paymentId: notice.paymentId,
      channel: 'BANK_TRANSFER',
      amount: notice.amount,
      receivedOn,
      recordedBy: 'system:bank',
      source: 'BANK',
    });
    if (recovery?.kind === 'PAYMENT_ID_IN_USE') {
      await audit('FAILURE', 'PAYMENT_ID_IN_USE');
      return c.json({ accepted: false, detail: 'PAYMENT_ID_IN_USE' }, 200);
    }
    // Not a recovery this loan can take (received before the write-off, in a closed month, above
    // what is left written off): nothing is booked and reconciliation reports the incoming
    // payment without an entry for finance to handle (apply elsewhere or refund).
    if (recovery?.kind === 'REFUSED') {
      await audit('FAILURE', recovery.refusal.code);
      return c.json({ accepted: false, detail: recovery.refusal.code }, 200);
    }
    if (recovery) {
      const outcome = recovery.duplicate ? 'duplicate' : 'recovered';
      await audit('SUCCESS', outcome);
      return c.json({ accepted: true, detail: outcome }, 200);
    }
    try {
      const result = await loanHandle(deps.temporal, notice.reference).executeUpdate(repayUpdate, {
        args: [
          {
            paymentId: notice.paymentId,
            amount: notice.amount,
            channel: 'BANK_TRANSFER',
            receivedOn,
            recordedBy: { userId: 'system:bank', role: 'FINANCE' },
          },
        ],
        updateId: `repay:${notice.paymentId}`,
      });
      // The answer of another payment under the same id (an online payment or a staff posting
      // recorded first): this transfer was not applied, and reconciliation reports it unapplied.
      if (result.channel !== 'BANK_TRANSFER' || !money(result.amount).eq(notice.amount)) {
        c.get('log').warn({ paymentId: notice.paymentId }, 'incoming payment id already used by another payment');
        await audit('FAILURE', 'PAYMENT_ID_IN_USE');
        return c.json({ accepted: false, detail: 'PAYMENT_ID_IN_USE' }, 200);
      }
      const outcome = result.duplicate ? 'duplicate' : 'applied';
      await audit('SUCCESS', outcome);
      return c.json({ accepted: true, detail: outcome }, 200);
    } catch (err) {
      // Refused (the loan is closed, the reference is unknown, …): the money stays unapplied and
      // reconciliation reports the incoming payment without an entry for finance to handle.
      const mapped = toApiError(err);
      // A 5xx (the workers refused the API's seal mid-deploy) is not the loan's answer: the bank retries.
      if (mapped && mapped.status < 500) {
        c.get('log').warn({ paymentId: notice.paymentId, code: mapped.code }, 'incoming payment not applied');
        await audit('FAILURE', mapped.code);
        return c.json({ accepted: false, detail: mapped.code }, 200);
      }
      throw err;
    }
  });

  app.openapi(gatewayConfirmation, async (c) => {
    const audit = (
      result: 'SUCCESS' | 'DENIED',
      detail: Record<string, unknown>,
      about?: { paymentId: string; loanId?: string },
    ) =>
      auditCallback(c, deps, {
        partner: 'gateway',
        action: 'GATEWAY_CONFIRMATION',
        result,
        resourceType: 'online_payment',
        resourceId: about?.paymentId ?? null,
        loanId: about?.loanId ?? null,
        detail,
      });
    const confirmation: PaymentConfirmation = await verifiedAndAudited(c, deps, paymentConfirmationSchema, {
      partner: 'gateway',
      action: 'GATEWAY_CONFIRMATION',
      resourceType: 'online_payment',
    });
    const reported = { gatewayOrderId: confirmation.orderId, amount: confirmation.amount };
    try {
      const outcome = await applyConfirmation(deps, confirmation);
      const about = { paymentId: outcome.row.payment_id, loanId: outcome.row.loan_id };
      if (outcome.kind === 'UNAPPLIED') {
        c.get('log').warn({ paymentId: about.paymentId, reason: outcome.reason }, 'online payment not applied');
        await audit('SUCCESS', { ...reported, outcome: 'UNAPPLIED', reason: outcome.reason }, about);
        return c.json({ accepted: false, detail: outcome.reason }, 200);
      }
      const detail = outcome.kind === 'DUPLICATE' ? 'duplicate' : outcome.late ? 'applied-after-expiry' : 'applied';
      await audit('SUCCESS', { ...reported, outcome: detail }, about);
      return c.json({ accepted: true, detail }, 200);
    } catch (err) {
      if (err instanceof ConfirmationRefused) {
        c.get('log').warn(
          { merchantOrderId: confirmation.merchantOrderId, code: err.code },
          'gateway confirmation refused',
        );
        await audit('DENIED', { ...reported, reason: err.code }, { paymentId: confirmation.merchantOrderId });
      }
      throw err;
    }
  });

  app.openapi(notifyReceipt, async (c) => {
    const receipt = await verified(c, deps, deliveryReceiptSchema);
    const updated =
      await deps.sql`update notifications set status = ${receipt.status} where message_id = ${receipt.messageId}`;
    return c.json({ accepted: updated.count > 0 }, 200);
  });

  return app;
};
