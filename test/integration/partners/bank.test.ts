import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incomingPaymentNoticeSchema, settlementCallbackSchema } from '../../../partners/bank-client.js';
import { PartnerError } from '../../../partners/http.js';
import { signedCallbackFrom, signCallback, verifyCallbackSignature } from '../../../partners/signature.js';
import {
  eventually,
  startCallbackReceiver,
  startPartnersHarness,
  type CallbackReceiver,
  type PartnersHarness,
  type ReceivedCallback,
} from '../../setup/partners-harness.js';

// Luhn-valid cards with the endings the simulated bank reacts to.
const GOOD_CARD = '6222020200112233446';
const FROZEN_CARD = '6222020200123464444'; // transfers to it fail: ACCOUNT_FROZEN
const NO_FUNDS_CARD = '6222020200123485555'; // debits from it fail: INSUFFICIENT_FUNDS
const PERSON = { name: '张三', idNumber: '11010119900101123X', phone: '13812345678' };

let h: PartnersHarness;
let receiver: CallbackReceiver;

const newKey = () => `test-${randomUUID()}`;
const newReference = () => `REF-${randomUUID().slice(0, 8)}`;
const transferTo = (toCard: string, extra: { amount?: string; callbackUrl?: string } = {}) => ({
  amount: extra.amount ?? '1000.00',
  currency: 'CNY' as const,
  toCard,
  toName: '张三',
  reference: newReference(),
  ...(extra.callbackUrl ? { callbackUrl: extra.callbackUrl } : {}),
});

function expectPartnerError(err: unknown, fields: Partial<PartnerError>): void {
  expect(err).toBeInstanceOf(PartnerError);
  expect(err).toMatchObject(fields);
}

function verify(callback: ReceivedCallback, options: { secret?: string; now?: Date } = {}) {
  return verifyCallbackSignature(signedCallbackFrom(callback.headers, callback.rawBody), {
    secret: options.secret ?? h.callbackSecret,
    ...(options.now ? { now: options.now } : {}),
  });
}

beforeAll(async () => {
  h = await startPartnersHarness();
  receiver = await startCallbackReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await h?.close();
});

describe('account verification (四要素)', () => {
  it('matches a valid card', async () => {
    expect(await h.bank.verifyAccount({ ...PERSON, cardNumber: GOOD_CARD })).toEqual({ match: true, mismatched: [] });
  });

  it('does not match a card failing the Luhn check, nor one ending 0000', async () => {
    expect(await h.bank.verifyAccount({ ...PERSON, cardNumber: '6222020200112233445' })).toEqual({
      match: false,
      mismatched: ['cardNumber'],
    });
    expect(await h.bank.verifyAccount({ ...PERSON, cardNumber: '6222020200123400000' })).toEqual({
      match: false,
      mismatched: ['cardNumber'],
    });
  });
});

describe('transfers', () => {
  it('the same key twice is one transfer; the replay says so', async () => {
    const key = newKey();
    const request = transferTo(GOOD_CARD);
    const first = await h.bank.transfer(key, request);
    const second = await h.bank.transfer(key, request);
    expect(first).toMatchObject({
      status: 'PENDING',
      replayed: false,
      idempotencyKey: key,
      amount: '1000.00',
      reference: request.reference,
    });
    expect(second.transferId).toBe(first.transferId);
    expect(second.replayed).toBe(true);
    const rows = await h.sql<
      { count: number }[]
    >`select count(*)::int as count from bank_payments where idempotency_key = ${key}`;
    expect(rows[0]?.count).toBe(1);
  });

  it('the same key with a different body is a non-retryable CONFLICT', async () => {
    const key = newKey();
    const request = transferTo(GOOD_CARD);
    await h.bank.transfer(key, request);
    const err = await h.bank.transfer(key, { ...request, amount: '1000.01' }).catch((e: unknown) => e);
    expectPartnerError(err, {
      partner: 'bank',
      code: 'CONFLICT',
      status: 409,
      retryable: false,
      partnerCode: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('refuses a transfer without an Idempotency-Key', async () => {
    const response = await fetch(`${h.bankUrl}/transfers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(transferTo(GOOD_CARD)),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REQUIRED' } });
  });

  it('refuses amounts that are not two-decimal strings, as BAD_REQUEST', async () => {
    for (const amount of ['1000', '10.5', '-5.00', '0.00']) {
      const err = await h.bank.transfer(newKey(), transferTo(GOOD_CARD, { amount })).catch((e: unknown) => e);
      expectPartnerError(err, { code: 'BAD_REQUEST', retryable: false, status: 400 });
    }
  });

  it('settles asynchronously; polling by id and by key sees PENDING then SUCCEEDED', async () => {
    const key = newKey();
    const accepted = await h.bank.transfer(key, transferTo(GOOD_CARD, { amount: '88.80' }));
    expect((await h.bank.getTransfer(accepted.transferId)).status).toBe('PENDING');
    const settled = await eventually(
      () => h.bank.getTransfer(accepted.transferId),
      (t) => t.status !== 'PENDING',
    );
    expect(settled).toMatchObject({ status: 'SUCCEEDED', amount: '88.80', idempotencyKey: key });
    expect(settled.settledAt).toBeDefined();
    expect(settled.failureReason).toBeUndefined();
    expect(await h.bank.findTransferByKey(key)).toEqual(settled);
  });

  it('finds nothing for an unknown key or id', async () => {
    expect(await h.bank.findTransferByKey(newKey())).toBeNull();
    const err = await h.bank.getTransfer('trf_unknown').catch((e: unknown) => e);
    expectPartnerError(err, { code: 'NOT_FOUND', retryable: false, status: 404 });
  });

  it('fails a transfer to a frozen card (ending 4444) with ACCOUNT_FROZEN', async () => {
    const accepted = await h.bank.transfer(newKey(), transferTo(FROZEN_CARD));
    expect(accepted.status).toBe('PENDING');
    const settled = await eventually(
      () => h.bank.getTransfer(accepted.transferId),
      (t) => t.status !== 'PENDING',
    );
    expect(settled).toMatchObject({ status: 'FAILED', failureReason: 'ACCOUNT_FROZEN' });
  });
});

describe('signed settlement callbacks', () => {
  it('posts a callback that verifies with the shared secret', async () => {
    const accepted = await h.bank.transfer(newKey(), transferTo(GOOD_CARD, { callbackUrl: `${receiver.url}/cb/ok` }));
    const callback = await receiver.waitFor((c) => c.path === '/cb/ok');
    expect(verify(callback)).toEqual({ ok: true });
    const body = settlementCallbackSchema.parse(JSON.parse(callback.rawBody));
    expect(body).toMatchObject({
      kind: 'TRANSFER',
      transferId: accepted.transferId,
      status: 'SUCCEEDED',
      amount: '1000.00',
    });
  });

  it('a tampered body, a wrong secret or a forged signature is rejected', async () => {
    await h.bank.transfer(newKey(), transferTo(FROZEN_CARD, { callbackUrl: `${receiver.url}/cb/tamper` }));
    const callback = await receiver.waitFor((c) => c.path === '/cb/tamper');
    expect(JSON.parse(callback.rawBody)).toMatchObject({ status: 'FAILED', failureReason: 'ACCOUNT_FROZEN' });

    const tampered = { ...callback, rawBody: callback.rawBody.replace('"FAILED"', '"SUCCEEDED"') };
    expect(verify(tampered)).toEqual({ ok: false, reason: 'BAD_SIGNATURE' });
    expect(verify(callback, { secret: 'another-secret-of-enough-length' })).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    const flipped = String(callback.headers['x-bank-signature']).replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(verify({ ...callback, headers: { ...callback.headers, 'x-bank-signature': flipped } })).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
  });

  it('an old timestamp is rejected even with a valid signature for it', async () => {
    await h.bank.transfer(newKey(), transferTo(GOOD_CARD, { callbackUrl: `${receiver.url}/cb/replay` }));
    const callback = await receiver.waitFor((c) => c.path === '/cb/replay');
    expect(verify(callback, { now: new Date(Date.now() + 10 * 60_000) })).toEqual({
      ok: false,
      reason: 'STALE_TIMESTAMP',
    });

    const oldTimestamp = String(Math.floor(Date.now() / 1000) - 3600);
    const resigned = {
      ...callback,
      headers: {
        ...callback.headers,
        'x-bank-timestamp': oldTimestamp,
        'x-bank-signature': signCallback(h.callbackSecret, oldTimestamp, callback.rawBody),
      },
    };
    expect(verify(resigned)).toEqual({ ok: false, reason: 'STALE_TIMESTAMP' });
    const moved = { ...callback, headers: { ...callback.headers, 'x-bank-timestamp': oldTimestamp } };
    expect(verify(moved)).toEqual({ ok: false, reason: 'STALE_TIMESTAMP' });
  });

  it('retries a callback with backoff until the receiver answers 2xx, re-signing each attempt', async () => {
    receiver.answerWith((path, attempt) => (path === '/cb/flaky' && attempt < 3 ? 500 : 200));
    try {
      const accepted = await h.bank.transfer(
        newKey(),
        transferTo(GOOD_CARD, { callbackUrl: `${receiver.url}/cb/flaky` }),
      );
      await receiver.waitFor((c) => c.path === '/cb/flaky' && c.status === 200);
      const attempts = receiver.received.filter((c) => c.path === '/cb/flaky');
      expect(attempts.map((c) => c.status)).toEqual([500, 500, 200]);
      for (const attempt of attempts) expect(verify(attempt)).toEqual({ ok: true });
      // The simulator records the delivery after the receiver has answered: wait for the record.
      const row = await eventually(
        async () =>
          (
            await h.sql<{ attempts: number; delivered: boolean }[]>`
            select attempts, delivered_at is not null as delivered from partner_callbacks where subject_id = ${accepted.transferId}`
          )[0],
        (r) => r?.delivered === true,
      );
      expect(row).toEqual({ attempts: 3, delivered: true });
    } finally {
      receiver.answerWith(() => 200);
    }
  });
});

describe('debits (auto-collection)', () => {
  it('collects from a normal card, idempotently', async () => {
    const key = newKey();
    const request = { amount: '523.17', fromCard: GOOD_CARD, fromName: '张三', reference: newReference() };
    const first = await h.bank.debit(key, request);
    expect(await h.bank.debit(key, request)).toMatchObject({ debitId: first.debitId, replayed: true });
    const settled = await eventually(
      () => h.bank.getDebit(first.debitId),
      (d) => d.status !== 'PENDING',
    );
    expect(settled).toMatchObject({ status: 'SUCCEEDED', amount: '523.17', currency: 'CNY' });
    expect(await h.bank.findDebitByKey(key)).toEqual(settled);
  });

  it('fails a debit from a card ending 5555 with INSUFFICIENT_FUNDS and says so in the callback', async () => {
    const debit = await h.bank.debit(newKey(), {
      amount: '300.00',
      fromCard: NO_FUNDS_CARD,
      fromName: '李四',
      reference: newReference(),
      callbackUrl: `${receiver.url}/cb/debit`,
    });
    const callback = await receiver.waitFor((c) => c.path === '/cb/debit');
    expect(verify(callback)).toEqual({ ok: true });
    expect(settlementCallbackSchema.parse(JSON.parse(callback.rawBody))).toMatchObject({
      kind: 'DEBIT',
      debitId: debit.debitId,
      status: 'FAILED',
      failureReason: 'INSUFFICIENT_FUNDS',
    });
  });
});

describe('incoming repayments and the ledger', () => {
  it('notifies our endpoint of an incoming payment with a signed notice', async () => {
    const reference = newReference();
    const payment = await h.admin.simulateIncomingPayment({
      reference,
      amount: '1234.56',
      fromCard: GOOD_CARD,
      notifyUrl: `${receiver.url}/cb/incoming`,
    });
    const callback = await receiver.waitFor((c) => c.path === '/cb/incoming');
    expect(verify(callback)).toEqual({ ok: true });
    expect(incomingPaymentNoticeSchema.parse(JSON.parse(callback.rawBody))).toEqual(payment);
    expect(payment).toMatchObject({ reference, amount: '1234.56' });
    expect(callback.rawBody).not.toContain(GOOD_CARD);
  });

  it('lists every transfer, debit and incoming payment with its status', async () => {
    const transfer = await h.bank.transfer(newKey(), transferTo(GOOD_CARD, { amount: '10.00' }));
    const ledger = await eventually(
      () => h.bank.ledger(),
      (l) => l.transfers.some((t) => t.transferId === transfer.transferId && t.status === 'SUCCEEDED'),
    );
    const [counts] = await h.sql<{ transfers: number; debits: number }[]>`
      select count(*) filter (where kind = 'TRANSFER')::int as transfers, count(*) filter (where kind = 'DEBIT')::int as debits from bank_payments`;
    expect(ledger.transfers).toHaveLength(counts!.transfers);
    expect(ledger.debits).toHaveLength(counts!.debits);
    expect(ledger.incoming.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ledger.transfers.map((t) => t.status))).toEqual(new Set(['SUCCEEDED', 'FAILED']));
  });

  it('never stores card numbers or names in clear', async () => {
    const rows = await h.sql<{ card_masked: string }[]>`select card_masked from bank_payments`;
    for (const row of rows) expect(row.card_masked).toMatch(/^\*\*\*\* \d{4}$/);
    const dump = JSON.stringify(await h.sql`select * from bank_payments`);
    expect(dump).not.toContain(GOOD_CARD);
    expect(dump).not.toContain('张三');
  });
});
