import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  auditChainKey,
  auditRowHash,
  auditRowHashV1,
  canonicalJson,
  GENESIS_HASH,
  type AuditRecord,
} from '../../../security/audit.js';
import { generateKeyring } from '../../../security/keyring.js';

const row: Omit<AuditRecord, 'prevHash' | 'hash' | 'chainVersion'> = {
  id: '1',
  at: new Date('2026-03-01T00:00:00.000Z'),
  actorId: 'u1',
  actorRole: 'OPS',
  action: 'CODEC_DECODE',
  resourceType: null,
  resourceId: null,
  loanId: null,
  sourceIp: '127.0.0.1',
  result: 'SUCCESS',
  detail: { payloads: 2 },
};

describe('audit hashing', () => {
  it('writes canonical JSON with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson('张三')).toBe('"张三"');
  });

  it('scheme 2 changes when any field, the previous hash or the key changes', () => {
    const key = randomBytes(32);
    const hash = auditRowHash(key, GENESIS_HASH, row);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(auditRowHash(key, GENESIS_HASH, { ...row, detail: { payloads: 2 } })).toBe(hash);
    expect(auditRowHash(key, GENESIS_HASH, { ...row, detail: { payloads: 3 } })).not.toBe(hash);
    expect(auditRowHash(key, GENESIS_HASH, { ...row, result: 'FAILURE' })).not.toBe(hash);
    expect(auditRowHash(key, GENESIS_HASH, { ...row, at: new Date('2026-03-01T00:00:00.001Z') })).not.toBe(hash);
    expect(auditRowHash(key, '1'.repeat(64), row)).not.toBe(hash);
    expect(auditRowHash(randomBytes(32), GENESIS_HASH, row)).not.toBe(hash);
  });

  it('scheme 1 (rows before migration 0024) is the keyless SHA-256 of before, and differs from scheme 2', () => {
    // Pinned: rows written before the keyed chain must keep verifying exactly as they were hashed.
    expect(auditRowHashV1(GENESIS_HASH, row)).toBe('e4a5661649e44d2f3736441b70e8223af7b0b546848413fa891b7cc9e8d64299');
    expect(auditRowHash(Buffer.alloc(32), GENESIS_HASH, row)).not.toBe(auditRowHashV1(GENESIS_HASH, row));
  });

  it('the chain key is derived from the installation keyring and is not the checkpoint key', () => {
    const keyring = generateKeyring();
    expect(auditChainKey(keyring)).toEqual(auditChainKey(keyring));
    expect(auditChainKey(keyring)).not.toEqual(keyring.derive('audit-checkpoint/v1'));
    expect(auditChainKey(keyring)).not.toEqual(auditChainKey(generateKeyring()));
  });
});
