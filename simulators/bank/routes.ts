import { Hono } from 'hono';
import { z } from 'zod';
import type { Sql } from '../../lib/db-client.js';
import type { Logger } from '../../lib/logger.js';
import { maskCard, newId, requestHash } from '../hashing.js';
import { errorResponse, idempotencyKeyOf, parseJsonBody } from '../responses.js';
import { cardNumber, httpUrl, positiveMoney, text } from '../validation.js';
import { listIncomingPayments, incomingView, receiveIncomingPayment } from './incoming.js';
import { CLOSED_PAYEE_SUFFIX, verificationMismatches, settlementOutcome, type SettlementKind } from './rules.js';
import { acceptPayment, findPayment, findPaymentByKey, listPayments, paymentView } from './store.js';

export interface BankRouteDeps {
  sql: Sql;
  log: Logger;
}

const verifySchema = z.object({ name: text(100), idNumber: text(32), cardNumber, phone: text(32) });

const transferSchema = z.object({
  amount: positiveMoney,
  currency: z.literal('CNY'),
  toCard: cardNumber,
  toName: text(100),
  reference: text(64),
  callbackUrl: httpUrl.optional(),
});

const debitSchema = z.object({
  amount: positiveMoney,
  currency: z.literal('CNY').default('CNY'),
  fromCard: cardNumber,
  fromName: text(100),
  reference: text(64),
  callbackUrl: httpUrl.optional(),
});

const incomingSchema = z.object({
  reference: text(64),
  amount: positiveMoney,
  fromCard: cardNumber.optional(),
  notifyUrl: httpUrl,
});

interface SettlementBody {
  amount: string;
  currency: string;
  reference: string;
  callbackUrl?: string | undefined;
}

interface SettlementSpec<T extends SettlementBody> {
  kind: SettlementKind;
  path: string;
  idPrefix: string;
  schema: z.ZodType<T>;
  cardOf: (body: T) => string;
}

/** POST (idempotent by key), GET by id and GET by key, the same for transfers and debits. */
function addSettlementRoutes<T extends SettlementBody>(
  app: Hono,
  { sql, log }: BankRouteDeps,
  spec: SettlementSpec<T>,
): void {
  const { kind, path } = spec;
  const label = kind.toLowerCase();

  app.post(path, async (c) => {
    const key = idempotencyKeyOf(c);
    if (!key.ok) return key.response;
    const parsed = await parseJsonBody(c, spec.schema);
    if (!parsed.ok) return parsed.response;
    const body = parsed.value;
    const card = spec.cardOf(body);
    if (kind === 'TRANSFER' && card.endsWith(CLOSED_PAYEE_SUFFIX)) {
      return errorResponse(c, 422, 'PAYEE_ACCOUNT_CLOSED', 'The payee account is closed');
    }
    const { outcome, reason } = settlementOutcome(kind, card);
    const result = await acceptPayment(sql, {
      paymentId: newId(spec.idPrefix),
      kind,
      idempotencyKey: key.value,
      requestHash: requestHash(body),
      amount: body.amount,
      currency: body.currency,
      cardMasked: maskCard(card),
      reference: body.reference,
      callbackUrl: body.callbackUrl ?? null,
      outcome,
      outcomeReason: reason,
    });
    if (result.kind === 'KEY_REUSED') {
      return errorResponse(
        c,
        409,
        'IDEMPOTENCY_KEY_REUSED',
        `This Idempotency-Key was already used for a different ${label}`,
      );
    }
    if (result.kind === 'CREATED') log.info({ paymentId: result.payment.payment_id, kind }, 'accepted');
    return c.json(paymentView(result.payment), result.kind === 'CREATED' ? 202 : 200);
  });

  app.get(`${path}/:id`, async (c) => {
    const row = await findPayment(sql, kind, c.req.param('id'));
    return row ? c.json(paymentView(row)) : errorResponse(c, 404, 'NOT_FOUND', `No such ${label}`);
  });

  app.get(path, async (c) => {
    const key = c.req.query('idempotencyKey');
    if (!key) return errorResponse(c, 400, 'INVALID_REQUEST', 'idempotencyKey query parameter is required');
    const row = await findPaymentByKey(sql, kind, key);
    return row ? c.json(paymentView(row)) : errorResponse(c, 404, 'NOT_FOUND', `No ${label} with this Idempotency-Key`);
  });
}

/** What our account at the simulated bank held before its first payout: the company's paid-in capital. */
export const BANK_OPENING_BALANCE = '100000000.00';

/** The custodian bank (资金托管): account verification, payouts, auto-collection debits, the ledger. */
export function bankRoutes(deps: BankRouteDeps): Hono {
  const { sql } = deps;
  const app = new Hono();

  app.post('/accounts/verify', async (c) => {
    const parsed = await parseJsonBody(c, verifySchema);
    if (!parsed.ok) return parsed.response;
    const mismatched = verificationMismatches(parsed.value.cardNumber);
    return c.json({ match: mismatched.length === 0, mismatched });
  });

  addSettlementRoutes(app, deps, {
    kind: 'TRANSFER',
    path: '/transfers',
    idPrefix: 'trf',
    schema: transferSchema,
    cardOf: (b) => b.toCard,
  });
  addSettlementRoutes(app, deps, {
    kind: 'DEBIT',
    path: '/debits',
    idPrefix: 'dbt',
    schema: debitSchema,
    cardOf: (b) => b.fromCard,
  });

  app.get('/ledger', async (c) => {
    const [transfers, debits, incoming] = await Promise.all([
      listPayments(sql, 'TRANSFER'),
      listPayments(sql, 'DEBIT'),
      listIncomingPayments(sql),
    ]);
    return c.json({
      openingBalance: BANK_OPENING_BALANCE,
      transfers: transfers.map(paymentView),
      debits: debits.map(paymentView),
      incoming: incoming.map(incomingView),
    });
  });

  // Simulator-only: a borrower pays into our account; the bank notifies us.
  app.post('/incoming', async (c) => {
    const parsed = await parseJsonBody(c, incomingSchema);
    if (!parsed.ok) return parsed.response;
    const { reference, amount, fromCard, notifyUrl } = parsed.value;
    const payment = await receiveIncomingPayment(sql, {
      paymentId: newId('pay'),
      reference,
      amount,
      fromCardMasked: fromCard ? maskCard(fromCard) : null,
      notifyUrl,
    });
    return c.json(payment, 202);
  });

  return app;
}

export const BANK_SIMULATOR_ONLY_PATHS = ['/bank/incoming'];
