import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerError } from '../../../partners/http.js';
import { deliveryReceiptSchema } from '../../../partners/notify-client.js';
import { signedCallbackFrom, verifyCallbackSignature } from '../../../partners/signature.js';
import { recipientHash } from '../../../simulators/notify/recipient.js';
import {
  eventually,
  startCallbackReceiver,
  startPartnersHarness,
  type CallbackReceiver,
  type PartnersHarness,
} from '../../setup/partners-harness.js';

let h: PartnersHarness;
let receiver: CallbackReceiver;
const newKey = () => `msg-${randomUUID()}`;

beforeAll(async () => {
  h = await startPartnersHarness();
  receiver = await startCallbackReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

describe('SMS and email gateway', () => {
  it('queues an SMS, delivers it shortly after and sends a signed receipt', async () => {
    const phone = '13912345678';
    const queued = await h.notify.send(newKey(), {
      channel: 'SMS',
      to: phone,
      template: 'REPAYMENT_REMINDER',
      params: { amount: '1200.00', dueDate: '2026-12-15' },
      receiptUrl: `${receiver.url}/receipts/sms`,
    });
    expect(queued).toMatchObject({
      status: 'QUEUED',
      channel: 'SMS',
      toMasked: '139****5678',
      template: 'REPAYMENT_REMINDER',
      replayed: false,
    });

    const receipt = await receiver.waitFor((c) => c.path === '/receipts/sms');
    expect(
      verifyCallbackSignature(signedCallbackFrom(receipt.headers, receipt.rawBody), { secret: h.callbackSecret }),
    ).toEqual({ ok: true });
    expect(deliveryReceiptSchema.parse(JSON.parse(receipt.rawBody))).toMatchObject({
      messageId: queued.messageId,
      status: 'DELIVERED',
    });
    expect(receipt.rawBody).not.toContain(phone);

    const delivered = await h.notify.get(queued.messageId);
    expect(delivered.status).toBe('DELIVERED');
    expect(delivered.deliveredAt).toBeDefined();
  });

  it('fails an SMS to a number ending 0000', async () => {
    const sent = await h.notify.send(newKey(), {
      channel: 'SMS',
      to: '13800000000',
      template: 'OTP',
      params: { code: '123456' },
    });
    const final = await eventually(
      () => h.notify.get(sent.messageId),
      (m) => m.status !== 'QUEUED',
    );
    expect(final).toMatchObject({ status: 'FAILED', failureReason: 'UNREACHABLE' });
  });

  it('delivers email and fails a mailbox ending 0000', async () => {
    const ok = await h.notify.send(newKey(), {
      channel: 'EMAIL',
      to: 'Borrower@Example.com',
      template: 'CONTRACT_SIGNED',
      params: {},
    });
    const bad = await h.notify.send(newKey(), {
      channel: 'EMAIL',
      to: 'nobody0000@example.com',
      template: 'CONTRACT_SIGNED',
      params: {},
    });
    expect(ok.toMasked).toBe('b***@example.com');
    expect(
      await eventually(
        () => h.notify.get(ok.messageId),
        (m) => m.status !== 'QUEUED',
      ),
    ).toMatchObject({ status: 'DELIVERED' });
    expect(
      await eventually(
        () => h.notify.get(bad.messageId),
        (m) => m.status !== 'QUEUED',
      ),
    ).toMatchObject({ status: 'FAILED', failureReason: 'MAILBOX_UNAVAILABLE' });
  });

  it('is idempotent by key: a replay returns the same message; a different body under the key is a CONFLICT', async () => {
    const key = newKey();
    const message = { channel: 'SMS' as const, to: '13712345678', template: 'OTP', params: { code: '654321' } };
    const first = await h.notify.send(key, message);
    const again = await h.notify.send(key, { ...message, to: '+86 137 1234 5678' });
    expect(again).toMatchObject({ messageId: first.messageId, replayed: true });
    const err = await h.notify.send(key, { ...message, params: { code: '000000' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartnerError);
    expect(err).toMatchObject({ partner: 'notify', code: 'CONFLICT', retryable: false });
    expect(await h.admin.messagesTo('SMS', message.to)).toHaveLength(1);
  });

  it('lists messages by the hash of the recipient and stores only a masked number and its hash', async () => {
    const phone = '15012345678';
    await h.notify.send(newKey(), { channel: 'SMS', to: phone, template: 'OTP', params: { code: '111111' } });
    await h.notify.send(newKey(), {
      channel: 'SMS',
      to: phone,
      template: 'LOAN_APPROVED',
      params: { amount: '5000.00' },
    });
    const messages = await h.admin.messagesTo('SMS', phone);
    expect(messages.map((m) => [m.template, m.params])).toEqual([
      ['OTP', { code: '111111' }],
      ['LOAN_APPROVED', { amount: '5000.00' }],
    ]);
    expect(messages.every((m) => m.toMasked === '150****5678')).toBe(true);

    const rows = await h.sql<{ to_masked: string; to_hash: string }[]>`select to_masked, to_hash from notify_messages`;
    expect(rows.some((r) => r.to_hash === recipientHash('SMS', phone))).toBe(true);
    expect(JSON.stringify(await h.sql`select * from notify_messages`)).not.toContain(phone);

    const raw = await fetch(`${h.notifyUrl}/messages?to=${phone}`);
    expect(raw.status).toBe(400);
  });

  it('refuses an invalid recipient and a missing key', async () => {
    const err = await h.notify
      .send(newKey(), { channel: 'SMS', to: '12345', template: 'OTP', params: {} })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BAD_REQUEST', partnerCode: 'INVALID_RECIPIENT' });
    const response = await fetch(`${h.notifyUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'SMS', to: '13912345678', template: 'OTP', params: {} }),
    });
    expect(response.status).toBe(400);
  });

  it('an unknown message is a non-retryable NOT_FOUND', async () => {
    const err = await h.notify.get('msg_missing').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND', status: 404, retryable: false });
  });
});
