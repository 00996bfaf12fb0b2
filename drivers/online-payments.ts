// A borrower's online repayment as people make it: ask the API for an order (202 with the gateway's
// pay page), pay on that page, then wait for the gateway's confirmation to reach the loan.
import { randomUUID } from 'node:crypto';
import type { ApiClient, Json } from './api-client.js';
import { makeCardNumber } from './identities.js';

export type OnlinePaymentStatus = 'PENDING' | 'APPLIED' | 'EXPIRED' | 'UNAPPLIED';

export interface OnlinePayment {
  paymentId: string;
  loanId: string;
  status: OnlinePaymentStatus;
  amount: string;
  payUrl?: string;
  expiresAt?: string;
  confirmedAmount?: string;
  paidAt?: string;
  appliedAfterExpiry?: boolean;
  /** The repayment's answer once APPLIED. */
  result?: Json;
}

/**
 * Card endings the gateway simulator answers on purpose: a card ending otherwise pays and is
 * confirmed once. DUPLICATE, LATE and WITHHELD pay and have their confirmation sent twice, late, or
 * not until released; DECLINED is refused on the pay page.
 */
export const GATEWAY_CARD_ENDINGS = {
  NORMAL: '8888',
  DUPLICATE: '2121',
  LATE: '3131',
  WITHHELD: '4141',
  DECLINED: '5555',
} as const;

export function gatewayCard(kind: keyof typeof GATEWAY_CARD_ENDINGS = 'NORMAL'): string {
  return makeCardNumber(GATEWAY_CARD_ENDINGS[kind]);
}

/** POST an ONLINE repayment: the order (202), nothing applied yet. */
export async function orderOnlinePayment(
  api: ApiClient,
  token: string,
  loanId: string,
  payment: { amount: string; paymentId?: string },
): Promise<OnlinePayment> {
  const response = await api.fetch('POST', `/v1/loans/${loanId}/repayments`, {
    token,
    body: { paymentId: payment.paymentId ?? `online-${randomUUID()}`, amount: payment.amount, channel: 'ONLINE' },
  });
  const body = (await response.json()) as OnlinePayment;
  if (response.status !== 202)
    throw new Error(`ONLINE repayment of ${loanId} answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Pays on the gateway's hosted page, as its card form posts; the page's answer as JSON. */
export async function payOnHostedPage(
  payUrl: string,
  cardNumber: string = gatewayCard(),
): Promise<{ status: number; body: Json }> {
  const response = await fetch(payUrl, {
    method: 'POST',
    headers: { accept: 'application/json' },
    body: new URLSearchParams({ cardNumber }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

export async function onlinePayment(
  api: ApiClient,
  token: string,
  loanId: string,
  paymentId: string,
): Promise<OnlinePayment> {
  return api.call<OnlinePayment>('GET', `/v1/loans/${loanId}/repayments/${paymentId}`, { token });
}

/** Polls the payment until it reaches one of `statuses`. */
export async function waitForOnlinePayment(
  api: ApiClient,
  token: string,
  loanId: string,
  paymentId: string,
  statuses: readonly OnlinePaymentStatus[] = ['APPLIED'],
  timeoutMs = 60_000,
): Promise<OnlinePayment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const payment = await onlinePayment(api, token, loanId, paymentId);
    if (statuses.includes(payment.status)) return payment;
    if (Date.now() > deadline)
      throw new Error(
        `online payment ${paymentId} is ${payment.status}, not ${statuses.join('/')}, after ${timeoutMs} ms`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The whole journey: order, pay on the hosted page, wait until the confirmation is applied. */
export async function repayOnline(
  api: ApiClient,
  token: string,
  loanId: string,
  payment: { amount: string; paymentId?: string; card?: string; timeoutMs?: number },
): Promise<OnlinePayment> {
  const order = await orderOnlinePayment(api, token, loanId, payment);
  const paid = await payOnHostedPage(order.payUrl!, payment.card);
  if (paid.status !== 200)
    throw new Error(`the gateway refused the payment: ${paid.status} ${JSON.stringify(paid.body)}`);
  return waitForOnlinePayment(api, token, loanId, order.paymentId, ['APPLIED'], payment.timeoutMs);
}
