import { describe, expect, it } from 'vitest';
import { auditRowHash, canonicalJson, GENESIS_HASH, type AuditRecord } from '../../../security/audit.js';

describe('audit hashing', () => {
  it('writes canonical JSON with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson('张三')).toBe('"张三"');
  });

  it('changes when any field or the previous hash changes', () => {
    const row: Omit<AuditRecord, 'prevHash' | 'hash'> = {
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
    const hash = auditRowHash(GENESIS_HASH, row);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(auditRowHash(GENESIS_HASH, { ...row, detail: { payloads: 2 } })).toBe(hash);
    expect(auditRowHash(GENESIS_HASH, { ...row, detail: { payloads: 3 } })).not.toBe(hash);
    expect(auditRowHash(GENESIS_HASH, { ...row, result: 'FAILURE' })).not.toBe(hash);
    expect(auditRowHash(GENESIS_HASH, { ...row, at: new Date('2026-03-01T00:00:00.001Z') })).not.toBe(hash);
    expect(auditRowHash('1'.repeat(64), row)).not.toBe(hash);
  });
});
