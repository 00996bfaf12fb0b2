import { z } from 'zod';
import type { Money } from '../domain/types.js';
import { createPartnerHttp, PartnerError, type PartnerClientOptions } from './http.js';

const money = z.string().regex(/^-?\d+\.\d{2}$/);

export const SETTLEMENT_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;

export interface AccountVerificationRequest {
  name: string;
  idNumber: string;
  cardNumber: string;
  phone: string;
}

const accountVerificationSchema = z.object({ match: z.boolean(), mismatched: z.array(z.string()) });
export type AccountVerification = z.infer<typeof accountVerificationSchema>;

export interface TransferRequest {
  amount: Money;
  currency: 'CNY';
  toCard: string;
  toName: string;
  /** Our reference (e.g. the disbursement id); comes back in callbacks and the ledger. */
  reference: string;
  callbackUrl?: string;
}

export interface DebitRequest {
  amount: Money;
  fromCard: string;
  fromName: string;
  reference: string;
  callbackUrl?: string;
}

const settlementFields = {
  idempotencyKey: z.string(),
  reference: z.string(),
  status: z.enum(SETTLEMENT_STATUSES),
  amount: money,
  currency: z.string(),
  failureReason: z.string().optional(),
  createdAt: z.string(),
  settledAt: z.string().optional(),
};

const transferSchema = z.object({ transferId: z.string(), ...settlementFields });
const debitSchema = z.object({ debitId: z.string(), ...settlementFields });
export type BankTransfer = z.infer<typeof transferSchema>;
export type BankDebit = z.infer<typeof debitSchema>;

const incomingPaymentSchema = z.object({
  paymentId: z.string(),
  reference: z.string(),
  amount: money,
  receivedAt: z.string(),
});
/** The body of the bank's signed notification of a borrower's incoming payment. */
export type IncomingPaymentNotice = z.infer<typeof incomingPaymentSchema>;

const ledgerSchema = z.object({
  /** What our account held before the first movement the bank lists (its opening balance). */
  openingBalance: money.optional(),
  transfers: z.array(transferSchema),
  debits: z.array(debitSchema),
  incoming: z.array(incomingPaymentSchema),
});
export type BankLedger = z.infer<typeof ledgerSchema>;

/** The body of the bank's signed settlement callback for a transfer or a debit. */
export const settlementCallbackSchema = z.discriminatedUnion('kind', [
  transferSchema.extend({ kind: z.literal('TRANSFER') }),
  debitSchema.extend({ kind: z.literal('DEBIT') }),
]);
export const incomingPaymentNoticeSchema = incomingPaymentSchema;

/** Created (202) or the earlier result for the same Idempotency-Key (200). */
export type Accepted<T> = T & { replayed: boolean };

export interface BankClient {
  /** Four-element verification (四要素): name, ID number, card and phone against the card's bank records. */
  verifyAccount(request: AccountVerificationRequest): Promise<AccountVerification>;
  /** Pays out. Safe to repeat with the same key; a different body under the same key fails with CONFLICT. */
  transfer(idempotencyKey: string, request: TransferRequest): Promise<Accepted<BankTransfer>>;
  getTransfer(transferId: string): Promise<BankTransfer>;
  /** Null when the bank holds no transfer under that key. */
  findTransferByKey(idempotencyKey: string): Promise<BankTransfer | null>;
  /** Auto-collection (代扣) from the borrower's card. Same idempotency rules as transfer. */
  debit(idempotencyKey: string, request: DebitRequest): Promise<Accepted<BankDebit>>;
  getDebit(debitId: string): Promise<BankDebit>;
  findDebitByKey(idempotencyKey: string): Promise<BankDebit | null>;
  /** Everything the bank holds, for reconciliation against our ledger. */
  ledger(): Promise<BankLedger>;
}

function nullWhenNotFound<T>(promise: Promise<T>): Promise<T | null> {
  return promise.catch((err: unknown) => {
    if (err instanceof PartnerError && err.code === 'NOT_FOUND') return null;
    throw err;
  });
}

export function createBankClient(options: PartnerClientOptions): BankClient {
  const http = createPartnerHttp('bank', options);
  const keyed = (idempotencyKey: string) => ({ 'Idempotency-Key': idempotencyKey });

  return {
    async verifyAccount(request) {
      const { data } = await http.call({
        operation: 'verifyAccount',
        method: 'POST',
        path: 'accounts/verify',
        json: request,
        idempotent: true,
        schema: accountVerificationSchema,
      });
      return data;
    },
    async transfer(idempotencyKey, request) {
      const { status, data } = await http.call({
        operation: 'transfer',
        method: 'POST',
        path: 'transfers',
        json: request,
        headers: keyed(idempotencyKey),
        idempotent: true,
        schema: transferSchema,
      });
      return { ...data, replayed: status === 200 };
    },
    async getTransfer(transferId) {
      const { data } = await http.call({
        operation: 'getTransfer',
        method: 'GET',
        path: `transfers/${encodeURIComponent(transferId)}`,
        idempotent: true,
        schema: transferSchema,
      });
      return data;
    },
    findTransferByKey(idempotencyKey) {
      return nullWhenNotFound(
        http
          .call({
            operation: 'findTransferByKey',
            method: 'GET',
            path: 'transfers',
            searchParams: { idempotencyKey },
            idempotent: true,
            schema: transferSchema,
          })
          .then((r) => r.data),
      );
    },
    async debit(idempotencyKey, request) {
      const { status, data } = await http.call({
        operation: 'debit',
        method: 'POST',
        path: 'debits',
        json: request,
        headers: keyed(idempotencyKey),
        idempotent: true,
        schema: debitSchema,
      });
      return { ...data, replayed: status === 200 };
    },
    async getDebit(debitId) {
      const { data } = await http.call({
        operation: 'getDebit',
        method: 'GET',
        path: `debits/${encodeURIComponent(debitId)}`,
        idempotent: true,
        schema: debitSchema,
      });
      return data;
    },
    findDebitByKey(idempotencyKey) {
      return nullWhenNotFound(
        http
          .call({
            operation: 'findDebitByKey',
            method: 'GET',
            path: 'debits',
            searchParams: { idempotencyKey },
            idempotent: true,
            schema: debitSchema,
          })
          .then((r) => r.data),
      );
    },
    async ledger() {
      const { data } = await http.call({
        operation: 'ledger',
        method: 'GET',
        path: 'ledger',
        idempotent: true,
        schema: ledgerSchema,
      });
      return data;
    },
  };
}
