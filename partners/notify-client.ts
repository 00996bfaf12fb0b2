import { z } from 'zod';
import { createPartnerHttp, type PartnerClientOptions } from './http.js';

export const CHANNELS = ['SMS', 'EMAIL'] as const;
export type Channel = (typeof CHANNELS)[number];
export const MESSAGE_STATUSES = ['QUEUED', 'DELIVERED', 'FAILED'] as const;

export interface OutgoingMessage {
  channel: Channel;
  /** Mobile number for SMS, address for EMAIL. */
  to: string;
  /** Template code registered with the gateway, e.g. "REPAYMENT_REMINDER". */
  template: string;
  params: Record<string, string>;
  /** The message as the recipient reads it (our template rendered, personal data masked). */
  text?: string;
  /** Where the gateway POSTs the signed delivery receipt. */
  receiptUrl?: string;
}

const messageSchema = z.object({
  messageId: z.string(),
  channel: z.enum(CHANNELS),
  toMasked: z.string(),
  template: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  failureReason: z.string().optional(),
  queuedAt: z.string(),
  deliveredAt: z.string().optional(),
});
export type SentMessage = z.infer<typeof messageSchema>;

/** The body of the gateway's signed delivery receipt. */
export const deliveryReceiptSchema = z.object({
  messageId: z.string(),
  status: z.enum(['DELIVERED', 'FAILED']),
  failureReason: z.string().optional(),
  at: z.string(),
});

export interface NotifyClient {
  /** Queues a message. Safe to repeat with the same key; a different body under the same key fails with CONFLICT. */
  send(idempotencyKey: string, message: OutgoingMessage): Promise<SentMessage & { replayed: boolean }>;
  get(messageId: string): Promise<SentMessage>;
}

export function createNotifyClient(options: PartnerClientOptions): NotifyClient {
  const http = createPartnerHttp('notify', options);
  return {
    async send(idempotencyKey, message) {
      const { status, data } = await http.call({
        operation: 'send',
        method: 'POST',
        path: 'messages',
        json: message,
        headers: { 'Idempotency-Key': idempotencyKey },
        idempotent: true,
        schema: messageSchema,
      });
      return { ...data, replayed: status === 200 };
    },
    async get(messageId) {
      const { data } = await http.call({
        operation: 'getMessage',
        method: 'GET',
        path: `messages/${encodeURIComponent(messageId)}`,
        idempotent: true,
        schema: messageSchema,
      });
      return data;
    },
  };
}
