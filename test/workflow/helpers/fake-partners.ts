// Partner fakes for workflow tests: the boundary where the real system talks HTTP. The bureau
// answers with the simulator's own deterministic profiles; the bank settles at once, with the
// simulator's rules for failing cards; both remember every call so tests can assert exactly-once.
import { randomUUID } from 'node:crypto';
import { PartnerError } from '../../../partners/http.js';
import type {
  BankClient,
  BankDebit,
  BankTransfer,
  IncomingPaymentNotice,
  DebitRequest,
  TransferRequest,
} from '../../../partners/bank-client.js';
import type { BureauClient } from '../../../partners/bureau-client.js';
import type { NotifyClient, OutgoingMessage, SentMessage } from '../../../partners/notify-client.js';
import { buildBureauReport } from '../../../simulators/bureau/profiles.js';
import { analyzeStatement } from '../../../simulators/bureau/statements.js';

export interface FakeBank extends BankClient {
  transfers: Map<string, BankTransfer & { request: TransferRequest }>;
  debits: Map<string, BankDebit & { request: DebitRequest }>;
  /** Number of transfer calls, retries included. */
  transferCalls: number;
  /** When set, transfers stay PENDING until `settle` is called. */
  holdSettlement: boolean;
  /** When set, the bank refuses new transfers as a bad request (HTTP 400), as it does a malformed payout. */
  refuseTransfers: string | null;
  settle(idempotencyKey: string, status: 'SUCCEEDED' | 'FAILED', failureReason?: string): void;
  /** Money paid into the company's account, such as capital whose reference is its injectionId. */
  receive(reference: string, amount: string): void;
}

/** `openingBalance`: what the company's account held before its first movement, as the real bank reports it. */
export function createFakeBank(options: { openingBalance?: string } = {}): FakeBank {
  const transfers = new Map<string, BankTransfer & { request: TransferRequest }>();
  const debits = new Map<string, BankDebit & { request: DebitRequest }>();
  const incoming: IncomingPaymentNotice[] = [];
  const bank: FakeBank = {
    transfers,
    debits,
    transferCalls: 0,
    holdSettlement: false,
    refuseTransfers: null,
    settle(key, status, failureReason) {
      const t = transfers.get(key);
      if (t)
        Object.assign(t, { status, ...(failureReason ? { failureReason } : {}), settledAt: new Date().toISOString() });
    },
    receive(reference, amount) {
      incoming.push({
        paymentId: `incoming-${incoming.length + 1}`,
        reference,
        amount,
        receivedAt: new Date().toISOString(),
      });
    },
    async verifyAccount(request) {
      const ok = !request.cardNumber.endsWith('0000');
      return { match: ok, mismatched: ok ? [] : ['cardNumber'] };
    },
    async transfer(idempotencyKey, request) {
      bank.transferCalls += 1;
      const existing = transfers.get(idempotencyKey);
      if (existing) return { ...existing, replayed: true };
      if (bank.refuseTransfers) {
        throw new PartnerError({
          partner: 'bank',
          code: 'BAD_REQUEST',
          retryable: false,
          status: 400,
          message: `bank transfer refused: ${bank.refuseTransfers}`,
        });
      }
      const failed = request.toCard.endsWith('4444');
      const transfer = {
        transferId: randomUUID(),
        idempotencyKey,
        amount: request.amount,
        status: bank.holdSettlement ? 'PENDING' : failed ? 'FAILED' : 'SUCCEEDED',
        ...(failed && !bank.holdSettlement ? { failureReason: 'ACCOUNT_FROZEN' } : {}),
        request,
      } as BankTransfer & { request: TransferRequest };
      transfers.set(idempotencyKey, transfer);
      return { ...transfer, replayed: false };
    },
    async getTransfer(transferId) {
      const found = [...transfers.values()].find((t) => t.transferId === transferId);
      if (!found) throw new Error('not found');
      return found;
    },
    async findTransferByKey(key) {
      return transfers.get(key) ?? null;
    },
    async debit(idempotencyKey, request) {
      const existing = debits.get(idempotencyKey);
      if (existing) return { ...existing, replayed: true };
      const failed = request.fromCard.endsWith('5555');
      const debit = {
        debitId: randomUUID(),
        idempotencyKey,
        amount: request.amount,
        status: failed ? 'FAILED' : 'SUCCEEDED',
        ...(failed ? { failureReason: 'INSUFFICIENT_FUNDS' } : {}),
        request,
      } as unknown as BankDebit & { request: DebitRequest };
      debits.set(idempotencyKey, debit);
      return { ...debit, replayed: false };
    },
    async getDebit(debitId) {
      const found = [...debits.values()].find((d) => (d as { debitId?: string }).debitId === debitId);
      if (!found) throw new Error('not found');
      return found;
    },
    async findDebitByKey(key) {
      return debits.get(key) ?? null;
    },
    async ledger() {
      return {
        ...(options.openingBalance !== undefined ? { openingBalance: options.openingBalance } : {}),
        transfers: [...transfers.values()],
        debits: [...debits.values()],
        incoming: [...incoming],
      };
    },
  };
  return bank;
}

export interface FakeBureau extends BureauClient {
  reportCalls: Array<{ consentId: string; purpose: string }>;
}

export function createFakeBureau(): FakeBureau {
  const reportCalls: FakeBureau['reportCalls'] = [];
  return {
    reportCalls,
    async fetchReport(request) {
      reportCalls.push({ consentId: request.consentId, purpose: request.purpose });
      return buildBureauReport(request.idNumber, new Date());
    },
    async analyzeStatement(request) {
      return analyzeStatement(request.idNumber, request.declaredMonthlyIncome);
    },
  };
}

export interface FakeNotify extends NotifyClient {
  sent: Array<OutgoingMessage & { idempotencyKey: string }>;
  /** How long each send takes, to hold a workflow inside a step that sends a notice. */
  delayMs: number;
}

export function createFakeNotify(): FakeNotify {
  const sent: FakeNotify['sent'] = [];
  const byKey = new Map<string, SentMessage>();
  const notify: FakeNotify = {
    sent,
    delayMs: 0,
    async send(idempotencyKey, message) {
      if (notify.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, notify.delayMs));
      const existing = byKey.get(idempotencyKey);
      if (existing) return { ...existing, replayed: true };
      sent.push({ ...message, idempotencyKey });
      const stored: SentMessage = {
        messageId: randomUUID(),
        channel: message.channel,
        toMasked: '***',
        template: message.template,
        status: 'DELIVERED',
        queuedAt: new Date().toISOString(),
      };
      byKey.set(idempotencyKey, stored);
      return { ...stored, replayed: false };
    },
    async get(messageId) {
      const found = [...byKey.values()].find((m) => m.messageId === messageId);
      if (!found) throw new Error('not found');
      return found;
    },
  };
  return notify;
}
