// Online repayments through the payment gateway. A borrower's ONLINE repayment becomes an order at
// the gateway and changes nothing on the loan; the gateway's signed confirmation applies the amount
// the gateway confirmed, through the loan's repay update (the path every repayment takes), with the
// order's paymentId as the business key, so a second confirmation is a no-op. Orders nobody
// confirmed expire after ONLINE_PAYMENT_TTL_SECONDS (the sweep below, run by every API process).
import { startPeriodicJob } from '../lib/periodic.js';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { localDateOf } from '../domain/business-time.js';
import { money } from '../domain/money.js';
import { repayUpdate } from '../contracts/definitions.js';
import type { RepaymentResult } from '../contracts/loan-view.js';
import type { Sql } from '../lib/db-client.js';
import type { Logger } from '../lib/logger.js';
import type {
  GatewayClient,
  GatewayOrder,
  GatewayOrderRequest,
  PaymentConfirmation,
} from '../partners/gateway-client.js';
import { PartnerError } from '../partners/http.js';
import { recordAudit } from '../security/audit.js';
import type { ApiDeps } from './env.js';
import { ApiError } from './errors.js';
import { loanHandle } from './loan-workflows.js';
import { toApiError } from './workflow-errors.js';

export type OnlinePaymentStatus = 'PENDING' | 'APPLIED' | 'EXPIRED' | 'UNAPPLIED';

export interface OnlinePaymentRow {
  payment_id: string;
  loan_id: string;
  borrower_id: string;
  requested_amount: string;
  gateway_order_id: string | null;
  pay_url: string | null;
  status: OnlinePaymentStatus;
  expires_at: Date;
  confirmed_amount: string | null;
  paid_at: Date | null;
  confirmed_at: Date | null;
  applied_late: boolean;
}

export function onlinePaymentView(row: OnlinePaymentRow) {
  return {
    paymentId: row.payment_id,
    loanId: row.loan_id,
    channel: 'ONLINE' as const,
    status: row.status,
    amount: row.requested_amount,
    ...(row.pay_url ? { payUrl: row.pay_url } : {}),
    expiresAt: row.expires_at.toISOString(),
    ...(row.confirmed_amount ? { confirmedAmount: row.confirmed_amount } : {}),
    ...(row.paid_at ? { paidAt: row.paid_at.toISOString() } : {}),
    ...(row.status === 'APPLIED' ? { appliedAfterExpiry: row.applied_late } : {}),
  };
}

export async function findOnlinePayment(sql: Sql, paymentId: string): Promise<OnlinePaymentRow | undefined> {
  const [row] = await sql<OnlinePaymentRow[]>`select * from online_payments where payment_id = ${paymentId}`;
  return row;
}

const PAYMENT_ID_REUSED = {
  zh: '该 paymentId 已用于另一笔还款',
  en: 'This paymentId was already used for another repayment',
};

export interface OnlinePaymentRequest {
  loanId: string;
  borrowerId: string;
  paymentId: string;
  amount: string;
}

/**
 * Records the order and creates it at the gateway (idempotent by paymentId on both sides, so a
 * retry after a gateway failure finishes the same order). The same paymentId with another loan or
 * amount is a conflict.
 */
export async function startOnlinePayment(
  deps: Pick<ApiDeps, 'sql' | 'config' | 'now'>,
  gateway: GatewayClient,
  request: OnlinePaymentRequest,
): Promise<{ row: OnlinePaymentRow; created: boolean }> {
  const { sql, config } = deps;
  const earlier = await findOnlinePayment(sql, request.paymentId);
  if (!earlier) {
    const [staffPayment] = await sql`select 1 from repayments where payment_id = ${request.paymentId}`;
    if (staffPayment) throw ApiError.conflict('PAYMENT_ID_REUSED', PAYMENT_ID_REUSED);
  }
  const expiresAt = new Date(deps.now().getTime() + config.ONLINE_PAYMENT_TTL_SECONDS * 1000);
  const [inserted] = earlier
    ? []
    : await sql<OnlinePaymentRow[]>`
        insert into online_payments (payment_id, loan_id, borrower_id, requested_amount, expires_at)
        values (${request.paymentId}, ${request.loanId}, ${request.borrowerId}, ${request.amount}, ${expiresAt})
        on conflict (payment_id) do nothing
        returning *`;
  const row = inserted ?? earlier ?? (await findOnlinePayment(sql, request.paymentId))!;
  if (row.loan_id !== request.loanId || !money(row.requested_amount).eq(request.amount))
    throw ApiError.conflict('PAYMENT_ID_REUSED', PAYMENT_ID_REUSED);
  if (row.pay_url) return { row, created: false };
  if (row.status !== 'PENDING' || row.expires_at.getTime() <= deps.now().getTime()) return { row, created: false };

  const order = await createOrAdoptOrder(gateway, {
    merchantOrderId: row.payment_id,
    amount: money(row.requested_amount).toFixed(2),
    currency: 'CNY',
    subject: `贷款 ${row.loan_id} 还款 / Repayment of loan ${row.loan_id}`,
    notifyUrl: `${publicApiUrl(config)}/v1/partners/gateway/confirmations`,
    // The pay page's way back: the loan's page in the borrower app, which shows the payment's state.
    returnUrl: `${publicApiUrl(config)}/m/loans/${encodeURIComponent(row.loan_id)}`,
    expiresAt: row.expires_at.toISOString(),
  }).catch((err: unknown) => {
    throw new ApiError(503, 'GATEWAY_UNAVAILABLE', {
      zh: '支付网关暂不可用，请稍后用同一 paymentId 重试',
      en: `The payment gateway is unavailable; retry with the same paymentId (${err instanceof Error ? err.message : String(err)})`,
    });
  });
  const [updated] = await sql<OnlinePaymentRow[]>`
    update online_payments set gateway_order_id = ${order.orderId}, pay_url = ${order.payUrl}, updated_at = now()
     where payment_id = ${row.payment_id}
    returning *`;
  return { row: updated!, created: inserted !== undefined };
}

/**
 * Creates the order at the gateway; when the gateway already holds an order under this payment id
 * with another body (an earlier attempt, e.g. by a process of the previous release, whose order
 * had no returnUrl, reached the gateway but its answer was never stored), that order is the
 * payment's if it is for the same amount, and is adopted; otherwise the refusal stands.
 */
async function createOrAdoptOrder(gateway: GatewayClient, request: GatewayOrderRequest): Promise<GatewayOrder> {
  try {
    return await gateway.createOrder(request);
  } catch (err) {
    if (!(err instanceof PartnerError && err.status === 409)) throw err;
    const earlier = await gateway.findOrder(request.merchantOrderId);
    if (!earlier || earlier.currency !== request.currency || !money(earlier.amount).eq(request.amount)) throw err;
    return earlier;
  }
}

function publicApiUrl(config: ApiDeps['config']): string {
  return config.PUBLIC_API_URL ?? `http://127.0.0.1:${config.PORT}`;
}

export type ConfirmationOutcome =
  | { kind: 'APPLIED'; row: OnlinePaymentRow; late: boolean; result: RepaymentResult }
  | { kind: 'DUPLICATE'; row: OnlinePaymentRow }
  | { kind: 'UNAPPLIED'; row: OnlinePaymentRow; reason: string };

/** Refusals of a verified confirmation: the order is not ours, or the gateway confirmed something else. */
export class ConfirmationRefused extends ApiError {}

function refused(status: 404 | 409, code: string, en: string, zh: string): ConfirmationRefused {
  return new ConfirmationRefused(status, code, { zh, en });
}

/** "No registered handler": the loan is between ACTIVE and servicing for a moment; the gateway retries. */
function notReadyYet(err: unknown): boolean {
  return err instanceof WorkflowUpdateFailedError && /^No registered handler for update/.test(err.cause?.message ?? '');
}

/**
 * Applies a verified confirmation. The amount applied is the gateway's, and must equal the order's.
 * A confirmation after expiry is applied all the same when the loan still takes repayments: the
 * money did move. When the loan refuses it (closed, paid off), the order becomes UNAPPLIED and a
 * FINANCE task asks for the refund. Transient failures throw, so the gateway sends it again.
 */
export async function applyConfirmation(
  deps: Pick<ApiDeps, 'sql' | 'temporal' | 'config' | 'now'>,
  confirmation: PaymentConfirmation,
): Promise<ConfirmationOutcome> {
  const { sql } = deps;
  const row = await findOnlinePayment(sql, confirmation.merchantOrderId);
  if (!row) throw refused(404, 'UNKNOWN_ORDER', 'No online payment has this merchantOrderId', '未知的支付订单');
  if (row.gateway_order_id !== null && row.gateway_order_id !== confirmation.orderId)
    throw refused(
      409,
      'ORDER_MISMATCH',
      'The gateway order id is not the one this payment was given',
      '支付订单号不符',
    );
  if (!money(confirmation.amount).eq(row.requested_amount))
    throw refused(
      409,
      'AMOUNT_MISMATCH',
      `The confirmed amount ${confirmation.amount} is not the order's ${row.requested_amount}`,
      '确认金额与订单金额不符',
    );
  if (row.status === 'APPLIED') return { kind: 'DUPLICATE', row };
  if (row.status === 'UNAPPLIED') return { kind: 'UNAPPLIED', row, reason: 'ALREADY_UNAPPLIED' };

  const late = row.status === 'EXPIRED';
  const paidOn = localDateOf(Date.parse(confirmation.paidAt), deps.config.BUSINESS_TIME_ZONE);
  const repay = (receivedOn: string) =>
    loanHandle(deps.temporal, row.loan_id).executeUpdate(repayUpdate, {
      args: [
        {
          paymentId: row.payment_id,
          amount: money(confirmation.amount).toFixed(2),
          channel: 'ONLINE',
          receivedOn,
          // The borrower paid; the gateway's signature is what proves it.
          recordedBy: { userId: row.borrower_id, role: 'BORROWER' },
        },
      ],
      updateId: `repay:${row.payment_id}`,
    });
  let result: RepaymentResult;
  try {
    result = await repay(paidOn).catch((err: unknown) => {
      // Paid before the loan's last accrual date (a very late confirmation): received today instead.
      if (toApiError(err)?.fields?.[0]?.field === 'receivedOn')
        return repay(localDateOf(deps.now().getTime(), deps.config.BUSINESS_TIME_ZONE));
      throw err;
    });
  } catch (err) {
    if (notReadyYet(err))
      throw new ApiError(503, 'LOAN_NOT_READY', {
        zh: '贷款暂不能入账，请重试',
        en: 'The loan cannot take it yet; retry',
      });
    const mapped = toApiError(err);
    if (!mapped || mapped.status >= 500) throw err;
    return unapplied(sql, row, confirmation, mapped.code);
  }
  // The loan's answer is for another payment under the same id (a bank transfer or a staff posting
  // recorded first, whose update id and paymentId are the same): this money was not applied, and goes
  // back to the borrower like any payment the loan did not take.
  if (result.channel !== 'ONLINE' || !money(result.amount).eq(confirmation.amount))
    return unapplied(sql, row, confirmation, 'PAYMENT_ID_IN_USE');
  // Two deliveries at once both reach the update, which applies the payment once (same update id and
  // paymentId) and answers both alike; the status change tells which one was first.
  const [applied] = await sql<OnlinePaymentRow[]>`
    update online_payments
       set status = 'APPLIED', applied_late = ${late}, confirmed_amount = ${confirmation.amount},
           paid_at = ${confirmation.paidAt}, confirmed_at = now(), updated_at = now()
     where payment_id = ${row.payment_id} and status in ('PENDING', 'EXPIRED')
    returning *`;
  if (!applied || result.duplicate)
    return { kind: 'DUPLICATE', row: applied ?? (await findOnlinePayment(sql, row.payment_id))! };
  return { kind: 'APPLIED', row: applied, late, result };
}

/** The confirmed money was not applied to the loan: the order is UNAPPLIED and finance gets a task to refund it. */
async function unapplied(
  sql: Sql,
  row: OnlinePaymentRow,
  confirmation: PaymentConfirmation,
  reason: string,
): Promise<ConfirmationOutcome> {
  const [marked] = await sql.begin(async (tx) => {
    await tx`
      insert into tasks (loan_id, kind, task_key, role, detail)
      values (${row.loan_id}, 'ONLINE_PAYMENT_UNAPPLIED', ${`ONLINE_PAYMENT_UNAPPLIED:${row.payment_id}`}, 'FINANCE',
              ${tx.json({ paymentId: row.payment_id, gatewayOrderId: confirmation.orderId, amount: confirmation.amount, reason, action: 'REFUND' })})
      on conflict (loan_id, task_key) do nothing`;
    return tx<OnlinePaymentRow[]>`
      update online_payments
         set status = 'UNAPPLIED', confirmed_amount = ${confirmation.amount}, paid_at = ${confirmation.paidAt},
             confirmed_at = now(), updated_at = now()
       where payment_id = ${row.payment_id}
      returning *`;
  });
  return { kind: 'UNAPPLIED', row: marked!, reason };
}

/** Expires every PENDING order past its expiry, once each (a single UPDATE, so API replicas never double up), and audits it. */
export async function expireOnlinePayments(sql: Sql, now: Date): Promise<string[]> {
  return sql.begin(async (tx) => {
    const rows = await tx<OnlinePaymentRow[]>`
      update online_payments set status = 'EXPIRED', updated_at = now()
       where status = 'PENDING' and expires_at <= ${now}
      returning *`;
    for (const row of rows) {
      await recordAudit(tx, {
        action: 'ONLINE_PAYMENT_EXPIRED',
        result: 'SUCCESS',
        actorId: 'system:online-payments',
        actorRole: 'SYSTEM',
        resourceType: 'online_payment',
        resourceId: row.payment_id,
        loanId: row.loan_id,
        detail: { amount: row.requested_amount, gatewayOrderId: row.gateway_order_id },
      });
    }
    return rows.map((r) => r.payment_id);
  });
}

export const EXPIRY_SWEEP_INTERVAL_MS = 5_000;

/** Runs the expiry sweep every few seconds until the returned stop function is called. */
export function startOnlinePaymentExpiry(sql: Sql, log: Logger, now: () => Date = () => new Date()): () => void {
  return startPeriodicJob(
    {
      name: 'online payment expiry sweep',
      intervalMs: EXPIRY_SWEEP_INTERVAL_MS,
      run: async () => {
        const expired = await expireOnlinePayments(sql, now());
        if (expired.length) log.info({ expired }, 'online payments expired unconfirmed');
      },
    },
    log,
  );
}
