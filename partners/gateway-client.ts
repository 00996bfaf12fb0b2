import { z } from 'zod';
import type { Money } from '../domain/types.js';
import { createPartnerHttp, PartnerError, type PartnerClientOptions } from './http.js';

// The payment gateway (支付网关): we create an order for what the borrower wants to pay, the borrower
// pays on the gateway's hosted page (payUrl), and the gateway tells us with a signed confirmation
// (partners/signature.ts, the bank's scheme) sent until we acknowledge it. A daily settlement file
// lists every payment it confirmed, for reconciliation.

const money = z.string().regex(/^\d+\.\d{2}$/);

export const GATEWAY_ORDER_STATUSES = ['CREATED', 'PAID', 'EXPIRED'] as const;

export interface GatewayOrderRequest {
  /** Our id for the order; the gateway's idempotency key: the same id and body return the same order. */
  merchantOrderId: string;
  amount: Money;
  currency: 'CNY';
  subject: string;
  /** Our endpoint for the signed confirmation. */
  notifyUrl: string;
  /** Where the pay page sends the borrower back. */
  returnUrl?: string;
  /** ISO instant after which the order can no longer be paid. */
  expiresAt: string;
}

const orderSchema = z.object({
  orderId: z.string(),
  merchantOrderId: z.string(),
  amount: money,
  currency: z.string(),
  subject: z.string(),
  status: z.enum(GATEWAY_ORDER_STATUSES),
  payUrl: z.string().url(),
  expiresAt: z.string(),
  createdAt: z.string(),
  paidAt: z.string().optional(),
});
export type GatewayOrder = z.infer<typeof orderSchema>;

/** The body of the gateway's signed confirmation: the amount it received for the order. */
export const paymentConfirmationSchema = z.object({
  event: z.literal('PAYMENT_CONFIRMED'),
  orderId: z.string().min(1).max(128),
  merchantOrderId: z.string().min(1).max(128),
  status: z.literal('PAID'),
  amount: money,
  currency: z.literal('CNY'),
  paidAt: z.string().datetime({ offset: true }),
});
export type PaymentConfirmation = z.infer<typeof paymentConfirmationSchema>;

export interface SettlementLine {
  orderId: string;
  merchantOrderId: string;
  amount: Money;
  currency: string;
  paidAt: string;
}

export interface GatewayClient {
  /** Creates the order, or returns the one made earlier with the same merchantOrderId and body; another body is CONFLICT. */
  createOrder(request: GatewayOrderRequest): Promise<GatewayOrder & { replayed: boolean }>;
  getOrder(orderId: string): Promise<GatewayOrder>;
  /** Null when the gateway holds no order with that id of ours. */
  findOrder(merchantOrderId: string): Promise<GatewayOrder | null>;
  /** The payments the gateway confirmed on a settlement day (YYYY-MM-DD), from its CSV file. */
  settlement(date: string): Promise<SettlementLine[]>;
}

const HEADER = 'order_id,merchant_order_id,amount,currency,paid_at';

/** Parses the settlement CSV (plain cells: ids, amounts and instants never need quoting). */
export function parseSettlementFile(csv: string): SettlementLine[] {
  const lines = csv
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l !== '');
  if (lines[0] !== HEADER) throw new Error(`settlement file does not start with "${HEADER}"`);
  return lines.slice(1).map((line) => {
    const [orderId, merchantOrderId, amount, currency, paidAt] = line.split(',');
    if (!orderId || !merchantOrderId || !amount || !currency || !paidAt || !money.safeParse(amount).success)
      throw new Error(`settlement line is not as expected: ${line}`);
    return { orderId, merchantOrderId, amount, currency, paidAt };
  });
}

export function createGatewayClient(options: PartnerClientOptions): GatewayClient {
  const http = createPartnerHttp('gateway', options);
  return {
    async createOrder(request) {
      const { status, data } = await http.call({
        operation: 'createOrder',
        method: 'POST',
        path: 'orders',
        json: request,
        idempotent: true,
        schema: orderSchema,
      });
      return { ...data, replayed: status === 200 };
    },
    async getOrder(orderId) {
      const { data } = await http.call({
        operation: 'getOrder',
        method: 'GET',
        path: `orders/${encodeURIComponent(orderId)}`,
        idempotent: true,
        schema: orderSchema,
      });
      return data;
    },
    findOrder(merchantOrderId) {
      return http
        .call({
          operation: 'findOrder',
          method: 'GET',
          path: 'orders',
          searchParams: { merchantOrderId },
          idempotent: true,
          schema: orderSchema,
        })
        .then(
          (r) => r.data,
          (err: unknown) => {
            if (err instanceof PartnerError && err.code === 'NOT_FOUND') return null;
            throw err;
          },
        );
    },
    async settlement(date) {
      const response = await fetch(`${options.baseUrl}/settlements/${encodeURIComponent(date)}`, {
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok)
        throw new PartnerError({
          partner: 'gateway',
          code: response.status === 400 ? 'BAD_REQUEST' : 'UNAVAILABLE',
          retryable: response.status >= 500,
          status: response.status,
          message: `gateway settlement failed with HTTP ${response.status}`,
        });
      return parseSettlementFile(await response.text());
    },
  };
}
