import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { DecryptionError } from '../../../security/field-crypto.js';
import { createKeyring, generateKeyring } from '../../../security/keyring.js';
import {
  createPayloadCodec,
  ENCRYPTED_ENCODING,
  isEncryptedPayload,
  temporalDataConverter,
} from '../../../security/payload-codec.js';

const ID_NUMBER = '11010519900307281X';
const PHONE = '13912345678';
const application = { applicant: { name: '李四', idNumber: ID_NUMBER, phone: PHONE }, amount: '50000.00' };
const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());
const wireBytes = (payloads: Payload[]) =>
  Buffer.concat(payloads.map((p) => proto.temporal.api.common.v1.Payload.encode(p).finish()));

describe('payload codec', () => {
  const codec = createPayloadCodec(generateKeyring(['k1']));

  it('round-trips payloads', async () => {
    const payloads = [
      defaultPayloadConverter.toPayload(application),
      defaultPayloadConverter.toPayload(null),
      defaultPayloadConverter.toPayload(42),
    ];
    const encoded = await codec.encode(payloads);
    expect(encoded).toHaveLength(3);
    for (const p of encoded) {
      expect(text(p.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(p.metadata?.['encryption-key-id'])).toBe('k1');
      expect(isEncryptedPayload(p)).toBe(true);
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([application, null, 42]);
    expect(text(decoded[0]!.metadata?.encoding)).toBe('json/plain');
  });

  it('leaves no personal data readable in what goes to Temporal', async () => {
    const encoded = await codec.encode([defaultPayloadConverter.toPayload(application)]);
    const bytes = wireBytes(encoded);
    for (const secret of [ID_NUMBER, PHONE, '李四', 'json/plain']) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    expect(bytes.toString('base64')).not.toContain(Buffer.from(ID_NUMBER).toString('base64'));
  });

  it('passes through payloads that are not encrypted', async () => {
    const plain = defaultPayloadConverter.toPayload({ hello: 'world' });
    const [out] = await codec.decode([plain]);
    expect(out).toBe(plain);
    expect(await codec.decode([])).toEqual([]);
  });

  it('detects tampering and unknown keys', async () => {
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(application)]);
    const data = Buffer.from(encoded!.data!);
    data[data.length - 1]! ^= 1;
    await expect(codec.decode([{ ...encoded, data }])).rejects.toThrow(DecryptionError);
    const other = createPayloadCodec(generateKeyring(['k2']));
    await expect(other.decode([encoded!])).rejects.toThrow(/unknown key id "k1"/);
  });

  it('reads payloads written under a retired current key after rotation', async () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const hmac = randomBytes(32);
    const [old] = await createPayloadCodec(createKeyring({ current: 'k1', keys: { k1 }, hmac })).encode([
      defaultPayloadConverter.toPayload('x'),
    ]);
    const rotated = createPayloadCodec(createKeyring({ current: 'k2', keys: { k1, k2 }, hmac }));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toBe('x');
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload('y')]);
    expect(text(fresh!.metadata?.['encryption-key-id'])).toBe('k2');
  });
});

describe('temporal data converter', () => {
  it('encrypts failure messages and stack traces as well', async () => {
    const { loadDataConverter } =
      await import('@temporalio/common/lib/internal-non-workflow/data-converter-helpers.js');
    const { encodeErrorToFailure, encodeFailure } =
      await import('@temporalio/common/lib/internal-non-workflow/codec-helpers.js');
    const keyring = generateKeyring(['k1']);
    const converter = loadDataConverter(temporalDataConverter(keyring));
    const failure = await encodeErrorToFailure(converter, new Error(`bad ID number ${ID_NUMBER} for ${PHONE}`));
    expect(failure.message).toBe('Encoded failure');
    const encoded = await encodeFailure(converter.payloadCodecs, failure);
    const bytes = Buffer.from(proto.temporal.api.failure.v1.Failure.encode(encoded).finish());
    expect(bytes.includes(Buffer.from(ID_NUMBER))).toBe(false);
    expect(bytes.includes(Buffer.from(PHONE))).toBe(false);
  });
});
