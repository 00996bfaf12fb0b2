import { Hono } from 'hono';
import { z } from 'zod';
import type { Sql } from '../../lib/db-client.js';
import type { Logger } from '../../lib/logger.js';
import { newId, requestHash } from '../hashing.js';
import { errorResponse, idempotencyKeyOf, parseJsonBody } from '../responses.js';
import { httpUrl } from '../validation.js';
import { deliveryOutcome, maskRecipient, normalizeRecipient, recipientHash } from './recipient.js';
import { findMessage, messagesTo, messageView, queueMessage } from './store.js';

const messageSchema = z.object({
  channel: z.enum(['SMS', 'EMAIL']),
  to: z.string().min(1).max(254),
  template: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a template code'),
  params: z.record(z.string().max(64), z.string().max(1000)).default({}),
  text: z.string().min(1).max(2000).optional(),
  receiptUrl: httpUrl.optional(),
});

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The SMS/email gateway: queue, deliver a little later, send a signed delivery receipt. */
export function notifyRoutes({ sql, log }: { sql: Sql; log: Logger }): Hono {
  const app = new Hono();

  app.post('/messages', async (c) => {
    const key = idempotencyKeyOf(c);
    if (!key.ok) return key.response;
    const parsed = await parseJsonBody(c, messageSchema);
    if (!parsed.ok) return parsed.response;
    const message = parsed.value;
    const to = normalizeRecipient(message.channel, message.to);
    if (to === null) {
      return errorResponse(
        c,
        400,
        'INVALID_RECIPIENT',
        message.channel === 'SMS' ? 'to must be a mainland China mobile number' : 'to must be an email address',
      );
    }
    const { outcome, reason } = deliveryOutcome(message.channel, to);
    const result = await queueMessage(sql, {
      messageId: newId('msg'),
      idempotencyKey: key.value,
      requestHash: requestHash({ ...message, to }),
      channel: message.channel,
      toMasked: maskRecipient(message.channel, to),
      toHash: recipientHash(message.channel, to),
      template: message.template,
      params: message.params,
      text: message.text ?? null,
      receiptUrl: message.receiptUrl ?? null,
      outcome,
      outcomeReason: reason,
    });
    if (result.kind === 'KEY_REUSED') {
      return errorResponse(
        c,
        409,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used for a different message',
      );
    }
    if (result.kind === 'CREATED')
      log.info(
        { messageId: result.message.message_id, channel: message.channel, template: message.template },
        'queued',
      );
    return c.json(messageView(result.message), result.kind === 'CREATED' ? 202 : 200);
  });

  app.get('/messages/:id', async (c) => {
    const row = await findMessage(sql, c.req.param('id'));
    return row ? c.json(messageView(row)) : errorResponse(c, 404, 'NOT_FOUND', 'No such message');
  });

  // For tests: looked up by the SHA-256 of the recipient, so no phone number or address is ever in a URL.
  app.get('/messages', async (c) => {
    const toHash = c.req.query('to') ?? '';
    if (!SHA256_HEX.test(toHash))
      return errorResponse(c, 400, 'INVALID_REQUEST', 'to must be the SHA-256 hex of the recipient');
    const rows = await messagesTo(sql, toHash);
    return c.json({ messages: rows.map((row) => ({ ...messageView(row), params: row.params, text: row.text })) });
  });

  return app;
}
