import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFieldCipher, DecryptionError } from '../../../security/field-crypto.js';
import { createKeyring, generateKeyring } from '../../../security/keyring.js';

const flipBit = (text: string): string => {
  const [version, keyId, body] = text.split(':') as [string, string, string];
  const bytes = Buffer.from(body, 'base64');
  bytes[bytes.length - 1]! ^= 0x01;
  return `${version}:${keyId}:${bytes.toString('base64')}`;
};

describe('field encryption', () => {
  const cipher = createFieldCipher(generateKeyring(['k1']));

  it('round-trips text, including Chinese, in the v1:<keyId>:<base64> format', () => {
    const encrypted = cipher.encrypt('张三丰', 'users.name');
    expect(encrypted).toMatch(/^v1:k1:[A-Za-z0-9+/]+=*$/);
    expect(encrypted).not.toContain('张三丰');
    expect(cipher.decrypt(encrypted, 'users.name')).toBe('张三丰');
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('same', 'users.name')).not.toBe(cipher.encrypt('same', 'users.name'));
  });

  it('detects a flipped bit', () => {
    const encrypted = cipher.encrypt('110105199001010021', 'users.id_number');
    expect(() => cipher.decrypt(flipBit(encrypted), 'users.id_number')).toThrow(DecryptionError);
  });

  it('refuses a ciphertext moved to another field (wrong AAD)', () => {
    const encrypted = cipher.encrypt('13812345678', 'users.phone');
    expect(() => cipher.decrypt(encrypted, 'users.name')).toThrow(DecryptionError);
  });

  it('refuses unknown key ids and malformed text without revealing anything', () => {
    expect(() => cipher.decrypt('v1:k9:AAAA', 'users.name')).toThrow(/unknown key id "k9"/);
    expect(() => cipher.decrypt('garbage', 'users.name')).toThrow(DecryptionError);
    expect(() => cipher.decrypt('v1:k1:AAAA', 'users.name')).toThrow(/too short/);
  });

  it('rotates keys without downtime: k1 data stays readable when k2 becomes current, new data uses k2', () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const hmac = randomBytes(32);
    const before = createFieldCipher(createKeyring({ current: 'k1', keys: { k1 }, hmac }));
    const old = before.encrypt('旧数据', 'loans.application');
    const sealedOld = before.seal(Buffer.from('pdf bytes'), 'documents:1');

    const after = createFieldCipher(createKeyring({ current: 'k2', keys: { k1, k2 }, hmac }));
    expect(after.decrypt(old, 'loans.application')).toBe('旧数据');
    expect(after.open(sealedOld, 'documents:1').toString()).toBe('pdf bytes');
    const fresh = after.encrypt('新数据', 'loans.application');
    expect(after.keyIdOf(fresh)).toBe('k2');

    const rotated = after.reencrypt(old, 'loans.application');
    expect(after.keyIdOf(rotated)).toBe('k2');
    expect(after.decrypt(rotated, 'loans.application')).toBe('旧数据');
    expect(after.reencrypt(rotated, 'loans.application')).toBe(rotated);

    const retired = createFieldCipher(createKeyring({ current: 'k2', keys: { k2 }, hmac }));
    expect(retired.decrypt(rotated, 'loans.application')).toBe('旧数据');
    expect(() => retired.decrypt(old, 'loans.application')).toThrow(DecryptionError);
  });

  it('seals binary data bound to its context', () => {
    const data = randomBytes(4096);
    const sealed = cipher.seal(data, 'documents:abc');
    expect(sealed.keyId).toBe('k1');
    expect(cipher.open(sealed, 'documents:abc').equals(data)).toBe(true);
    expect(() => cipher.open(sealed, 'documents:other')).toThrow(DecryptionError);
    const tampered = Buffer.from(sealed.bytes);
    tampered[20]! ^= 0x80;
    expect(() => cipher.open({ keyId: 'k1', bytes: tampered }, 'documents:abc')).toThrow(DecryptionError);
  });
});
