import { z } from 'zod';
import type { Money } from '../domain/types.js';
import type { Logger } from '../lib/logger.js';
import { incomingPaymentNoticeSchema, type IncomingPaymentNotice } from '../partners/bank-client.js';
import { createPartnerHttp, type RetryPolicy } from '../partners/http.js';
import { MESSAGE_STATUSES } from '../partners/notify-client.js';
import { idNumberHash } from './bureau/profiles.js';
import { SIMULATORS, type FaultPatch, type FaultSettings, type FaultStats, type SimulatorName } from './faults.js';
import { recipientHash, type Channel } from './notify/recipient.js';

const profileSchema = z.object({ failureRate: z.number(), timeoutRate: z.number(), latencyMs: z.number() });
const settingsSchema = z.object({
  bank: profileSchema,
  bureau: profileSchema,
  notify: profileSchema,
  gateway: profileSchema,
  identity: profileSchema,
});
const statsEntry = z.object({
  requests: z.number(),
  failures: z.number(),
  timeoutsBeforeCommit: z.number(),
  timeoutsAfterCommit: z.number(),
});
const statsSchema = z.object({
  seed: z.number(),
  bank: statsEntry,
  bureau: statsEntry,
  notify: statsEntry,
  gateway: statsEntry,
  identity: statsEntry,
});
const recordedMessageSchema = z.object({
  messageId: z.string(),
  channel: z.enum(['SMS', 'EMAIL']),
  toMasked: z.string(),
  template: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  failureReason: z.string().optional(),
  queuedAt: z.string(),
  deliveredAt: z.string().optional(),
  params: z.record(z.string(), z.string()),
});
export type RecordedMessage = z.infer<typeof recordedMessageSchema>;

export interface IncomingPaymentRequest {
  reference: string;
  amount: Money;
  fromCard?: string;
  /** Our endpoint for the bank's signed notification. */
  notifyUrl: string;
}

export interface SimulatorAdminClient {
  getFaults(): Promise<FaultSettings>;
  /** Changes some fault settings; the PRNGs restart (from `seed` if given) and the counters clear. */
  setFaults(patch: FaultPatch): Promise<FaultSettings>;
  /** Sets every simulator back to no faults. */
  clearFaults(): Promise<FaultSettings>;
  faultStats(): Promise<{ seed: number } & Record<SimulatorName, FaultStats>>;
  /** Empties every simulator table; the simulator refuses unless SIM_ALLOW_RESET=1. */
  reset(): Promise<void>;
  /** A borrower pays into our account: the bank sends its signed notification to notifyUrl. */
  simulateIncomingPayment(request: IncomingPaymentRequest): Promise<IncomingPaymentNotice>;
  /** Messages sent to `to`; only its hash goes over the wire. */
  messagesTo(channel: Channel, to: string): Promise<RecordedMessage[]>;
  bureauEnquiryCount(idNumber: string): Promise<number>;
  /** The payment gateway sends the confirmation it withheld for this paid order. */
  releaseGatewayConfirmation(orderId: string): Promise<void>;
  /** The credit reference center rejects the next NEW record of this account with this reason. */
  rejectNextCreditRecord(rule: { accountId: string; code: string; message: string }): Promise<void>;
}

export interface SimulatorAdminClientOptions {
  /** The simulator root, e.g. "http://127.0.0.1:4010" (not /bank). */
  baseUrl: string;
  timeoutMs?: number;
  log: Logger;
  retry?: Partial<RetryPolicy>;
}

/** Test and drill controls of the partner simulators. Never used by production code paths. */
export function createSimulatorAdminClient(options: SimulatorAdminClientOptions): SimulatorAdminClient {
  const http = createPartnerHttp('simulator', options);
  const setFaults = async (patch: FaultPatch) =>
    (
      await http.call({
        operation: 'setFaults',
        method: 'PUT',
        path: 'admin/faults',
        json: patch,
        idempotent: true,
        schema: settingsSchema,
      })
    ).data;

  return {
    async getFaults() {
      return (
        await http.call({
          operation: 'getFaults',
          method: 'GET',
          path: 'admin/faults',
          idempotent: true,
          schema: settingsSchema,
        })
      ).data;
    },
    setFaults,
    clearFaults() {
      const none = { failureRate: 0, timeoutRate: 0, latencyMs: 0 };
      return setFaults(Object.fromEntries(SIMULATORS.map((s) => [s, none])));
    },
    async faultStats() {
      return (
        await http.call({
          operation: 'faultStats',
          method: 'GET',
          path: 'admin/faults/stats',
          idempotent: true,
          schema: statsSchema,
        })
      ).data;
    },
    async reset() {
      await http.call({
        operation: 'reset',
        method: 'POST',
        path: 'admin/reset',
        idempotent: true,
        schema: z.object({ reset: z.literal(true) }),
      });
    },
    async simulateIncomingPayment(request) {
      const { data } = await http.call({
        operation: 'simulateIncomingPayment',
        method: 'POST',
        path: 'bank/incoming',
        json: request,
        idempotent: false,
        schema: incomingPaymentNoticeSchema,
      });
      return data;
    },
    async messagesTo(channel, to) {
      const { data } = await http.call({
        operation: 'messagesTo',
        method: 'GET',
        path: 'notify/messages',
        searchParams: { to: recipientHash(channel, to) },
        idempotent: true,
        schema: z.object({ messages: z.array(recordedMessageSchema) }),
      });
      return data.messages;
    },
    async bureauEnquiryCount(idNumber) {
      const { data } = await http.call({
        operation: 'bureauEnquiryCount',
        method: 'GET',
        path: 'admin/bureau/enquiries',
        searchParams: { idNumberHash: idNumberHash(idNumber) },
        idempotent: true,
        schema: z.object({ idNumberHash: z.string(), count: z.number().int() }),
      });
      return data.count;
    },
    async releaseGatewayConfirmation(orderId) {
      await http.call({
        operation: 'releaseGatewayConfirmation',
        method: 'POST',
        path: `admin/gateway/orders/${encodeURIComponent(orderId)}/release-confirmation`,
        idempotent: false,
        schema: z.object({ released: z.literal(true) }),
      });
    },
    async rejectNextCreditRecord(rule) {
      await http.call({
        operation: 'rejectNextCreditRecord',
        method: 'POST',
        path: 'admin/bureau/reporting/rejections',
        json: rule,
        idempotent: true,
        schema: z.object({ armed: z.literal(true) }),
      });
    },
  };
}
