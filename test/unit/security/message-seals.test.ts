// Seals on workflow messages (security/message-seals.ts) and their check in the worker's payload
// codec (security/payload-codec.ts): what the workflow receives for each kind of message.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyring, generateKeyring, type Keyring } from '../../../security/keyring.js';
import { checkSeal, sealMessage } from '../../../security/message-seals.js';
import { createPayloadCodec } from '../../../security/payload-codec.js';

const LOAN = 'L-20261207-000001';
const review = {
  stage: 'INITIAL',
  decision: 'APPROVE',
  comment: '同意',
  amount: '60000.00',
  reviewer: { userId: 'u-reviewer', role: 'INITIAL_REVIEWER' },
};
const context = { type: 'workflow' as const, namespace: 'default', workflowId: LOAN };

/** Sent as the API sends it (sealed, encoded by the client's codec), received as the worker decodes it. */
async function received(keyring: Keyring, arg: unknown, options: { workerKeyring?: Keyring; encode?: boolean } = {}) {
  const payload = defaultPayloadConverter.toPayload(arg);
  const wire: Payload[] = options.encode === false ? [payload] : await createPayloadCodec(keyring).encode([payload]);
  const worker = createPayloadCodec(options.workerKeyring ?? keyring, { refuseUnencrypted: true });
  const [decoded] = await worker.decode(wire, context);
  return defaultPayloadConverter.fromPayload<Record<string, unknown>>(decoded!);
}

describe('message seals', () => {
  const keyring = generateKeyring(['k1']);

  it('reach the workflow as a verdict for the loan and message they were sealed for, the argument unchanged', async () => {
    const now = new Date('2026-12-07T05:00:00Z');
    const got = await received(keyring, sealMessage(keyring, { workflowId: LOAN, message: 'review' }, review, now));
    expect(got).toEqual({
      ...review,
      messageCheck: { sealed: true, workflowId: LOAN, message: 'review', issuedAt: now.toISOString(), keyId: 'k1' },
    });
  });

  it("carry an update's id in the verdict; the id cannot be changed, taken off or added after sealing", async () => {
    const now = new Date('2026-12-07T05:00:00Z');
    const sealed = sealMessage(keyring, { workflowId: LOAN, message: 'review', updateId: 'u-1' }, review, now);
    expect((await received(keyring, sealed)).messageCheck).toMatchObject({ sealed: true, updateId: 'u-1' });
    const seal = sealed.seal as Record<string, string>;
    const { updateId: _taken, ...withoutId } = seal;
    for (const changed of [{ ...seal, updateId: 'u-2' }, withoutId])
      expect(checkSeal(keyring, { ...sealed, seal: changed })).toEqual({ sealed: false, reason: 'BAD_SEAL' });
    const signalSeal = sealMessage(keyring, { workflowId: LOAN, message: 'review' }, review, now).seal as object;
    expect(checkSeal(keyring, { ...sealed, seal: { ...signalSeal, updateId: 'u-1' } })).toEqual({
      sealed: false,
      reason: 'BAD_SEAL',
    });
    expect(checkSeal(keyring, { ...sealed, seal: { ...seal, updateId: 7 } })).toEqual({
      sealed: false,
      reason: 'MALFORMED_SEAL',
    });
  });

  it('refuse a sealed argument changed afterwards, whatever field changed', async () => {
    const sealed = sealMessage(keyring, { workflowId: LOAN, message: 'review' }, review);
    const tampered = { ...sealed, reviewer: { userId: 'u-insider', role: 'INITIAL_REVIEWER' } };
    expect((await received(keyring, tampered)).messageCheck).toEqual({ sealed: false, reason: 'BAD_SEAL' });
    fc.assert(
      fc.property(
        fc.constantFrom('stage', 'decision', 'comment', 'amount', 'reviewer'),
        fc.string({ minLength: 1 }),
        (field, value) => {
          fc.pre((review as Record<string, unknown>)[field] !== value);
          expect(checkSeal(keyring, { ...sealed, [field]: value })).toEqual({ sealed: false, reason: 'BAD_SEAL' });
        },
      ),
    );
    const seal = sealed.seal as Record<string, string>;
    for (const [field, value] of [
      ['workflowId', 'L-other'],
      ['message', 'withdraw'],
      ['issuedAt', '2030-01-01T00:00:00.000Z'],
    ] as const)
      expect(checkSeal(keyring, { ...sealed, seal: { ...seal, [field]: value } })).toEqual({
        sealed: false,
        reason: 'BAD_SEAL',
      });
    expect(checkSeal(keyring, { ...sealed, seal: { ...seal, keyId: 'k9' } })).toEqual({
      sealed: false,
      reason: 'UNKNOWN_KEY',
    });
    expect(checkSeal(keyring, { ...sealed, seal: 'x' })).toEqual({ sealed: false, reason: 'MALFORMED_SEAL' });
  });

  it('refuse a seal made with a key from another installation', async () => {
    const other = generateKeyring(['k1']);
    const forged = sealMessage(other, { workflowId: LOAN, message: 'review' }, review);
    expect((await received(keyring, forged)).messageCheck).toEqual({ sealed: false, reason: 'BAD_SEAL' });
  });

  it('refuse a seal for another loan', async () => {
    const sealed = sealMessage(keyring, { workflowId: 'L-other', message: 'review' }, review);
    expect((await received(keyring, sealed)).messageCheck).toEqual({ sealed: false, reason: 'WRONG_WORKFLOW' });
  });

  it('stay verifiable after the current key changes', async () => {
    const [k1, k2, hmac] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const before = createKeyring({ current: 'k1', keys: { k1 }, hmac });
    const after = createKeyring({ current: 'k2', keys: { k2, k1 }, hmac });
    const sealed = sealMessage(before, { workflowId: LOAN, message: 'review' }, review);
    expect((await received(before, sealed, { workerKeyring: after })).messageCheck).toMatchObject({
      sealed: true,
      keyId: 'k1',
    });
  });

  it('drop a verdict written by the sender: only the worker writes one', async () => {
    const madeUp = { ...review, messageCheck: { sealed: true, workflowId: LOAN, message: 'review' } };
    expect(await received(keyring, madeUp)).toEqual(review);
  });

  it('drop a verdict whose field name is spelled with a JSON escape', async () => {
    const text = JSON.stringify({ ...review, messageCheck: { sealed: true, workflowId: LOAN, message: 'review' } });
    const escaped = text.replace('"messageCheck"', '"messageChec\\u006b"');
    expect(escaped).not.toContain('"messageCheck"');
    const payload: Payload = {
      metadata: { encoding: new TextEncoder().encode('json/plain') },
      data: new TextEncoder().encode(escaped),
    };
    const [wire] = await createPayloadCodec(keyring).encode([payload]);
    const worker = createPayloadCodec(keyring, { refuseUnencrypted: true });
    const [decoded] = await worker.decode([wire!], context);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(review);
  });

  it('give the workflow nothing but a refusal for a payload the codec did not encrypt', async () => {
    const plain = sealMessage(keyring, { workflowId: LOAN, message: 'review' }, review);
    expect(await received(keyring, plain, { encode: false })).toEqual({
      messageCheck: { sealed: false, reason: 'UNSEALED_PAYLOAD' },
    });
  });

  it('leave other payloads as they were', async () => {
    const others = [{ status: 'ACTIVE', note: 'sealed with care' }, 'seal', 42, null, [{ seal: 1 }]];
    for (const value of others) expect(await received(keyring, value)).toEqual(value);
    // Without refuseUnencrypted (the API's client, local debugging) plain payloads decode as they are.
    const [p] = await createPayloadCodec(keyring).decode([defaultPayloadConverter.toPayload(review)], context);
    expect(defaultPayloadConverter.fromPayload(p!)).toEqual(review);
  });
});
