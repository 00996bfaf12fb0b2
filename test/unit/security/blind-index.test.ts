import { describe, expect, it } from 'vitest';
import { blindIndex, borrowerHash, normalizeForIndex } from '../../../security/blind-index.js';
import { generateKeyring } from '../../../security/keyring.js';

describe('blind index', () => {
  const keyring = generateKeyring();

  it('normalizes ID numbers (uppercase) and phones (digits only, no +86)', () => {
    expect(normalizeForIndex('idNumber', ' 11010519900101002x ')).toBe('11010519900101002X');
    expect(normalizeForIndex('phone', '+86 138-1234-5678')).toBe('13812345678');
    expect(normalizeForIndex('phone', '8613812345678')).toBe('13812345678');
    expect(normalizeForIndex('phone', '138 1234 5678')).toBe('13812345678');
  });

  it('normalizes names: NFKC, without spaces', () => {
    expect(normalizeForIndex('name', ' 张 伟 ')).toBe('张伟');
    expect(normalizeForIndex('name', 'ＡＢＣ')).toBe('ABC');
    expect(blindIndex(keyring, 'name', '张　伟')).toBe(blindIndex(keyring, 'name', '张伟'));
    expect(blindIndex(keyring, 'name', '张伟')).not.toBe(blindIndex(keyring, 'name', '张炜'));
    expect(blindIndex(keyring, 'name', '张伟')).not.toContain('张伟');
  });

  it('is deterministic over the normalized value, hex', () => {
    const a = blindIndex(keyring, 'idNumber', '11010519900101002x');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(blindIndex(keyring, 'idNumber', '11010519900101002X')).toBe(a);
    expect(blindIndex(keyring, 'phone', '+86 138 1234 5678')).toBe(blindIndex(keyring, 'phone', '13812345678'));
    expect(blindIndex(keyring, 'phone', '13812345678')).not.toBe(blindIndex(keyring, 'phone', '13812345679'));
  });

  it('depends on the key and the kind', () => {
    expect(blindIndex(generateKeyring(), 'phone', '13812345678')).not.toBe(blindIndex(keyring, 'phone', '13812345678'));
    expect(blindIndex(keyring, 'phone', '12345')).not.toBe(blindIndex(keyring, 'idNumber', '12345'));
    expect(blindIndex(keyring, 'name', '12345')).not.toBe(blindIndex(keyring, 'phone', '12345'));
  });

  it('derives the borrower search attribute differently from the database index', () => {
    const id = '11010519900101002X';
    const attribute = borrowerHash(keyring, id);
    expect(attribute).toMatch(/^[0-9a-f]{64}$/);
    expect(borrowerHash(keyring, id.toLowerCase())).toBe(attribute);
    expect(attribute).not.toBe(blindIndex(keyring, 'idNumber', id));
  });
});
