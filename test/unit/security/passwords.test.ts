import { beforeAll, describe, expect, it } from 'vitest';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../../../security/passwords.js';

beforeAll(() => {
  process.env.PASSWORD_HASH_COST = 'test';
});

const codes = (password: string, identity = {}) => checkPasswordPolicy(password, identity).map((p) => p.code);

describe('password policy', () => {
  it('accepts a reasonable password', () => {
    expect(codes('Lend1ng-Is-Fun')).toEqual([]);
    expect(codes('贷款2026abc')).toEqual([]);
  });

  it('requires 8 characters with letters and digits', () => {
    expect(codes('ab1')).toContain('PASSWORD_TOO_SHORT');
    expect(codes('abcdefghij')).toEqual(['PASSWORD_TOO_SIMPLE']);
    expect(codes('1234567890123')).toEqual(['PASSWORD_TOO_SIMPLE']);
    expect(codes(`a1${'x'.repeat(200)}`)).toContain('PASSWORD_TOO_LONG');
  });

  it('refuses the username or phone and common passwords', () => {
    expect(codes('Officer99', { username: 'officer99' })).toEqual(['PASSWORD_SAME_AS_USERNAME']);
    expect(codes('abc13812345678', { phone: 'abc13812345678' })).toEqual(['PASSWORD_SAME_AS_USERNAME']);
    expect(codes('Password1')).toEqual(['PASSWORD_TOO_COMMON']);
    expect(codes('woaini1314')).toEqual(['PASSWORD_TOO_COMMON']);
  });

  it('explains every problem in Chinese and English on the given field', () => {
    const [first] = checkPasswordPolicy('abc', {}, 'newPassword');
    expect(first!.field).toBe('newPassword');
    expect(first!.message.zh).toMatch(/密码/);
    expect(first!.message.en).toMatch(/Password/);
  });
});

describe('argon2id hashing', () => {
  it('hashes with argon2id and verifies', async () => {
    const hash = await hashPassword('Lend1ng-Is-Fun');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'Lend1ng-Is-Fun')).toBe(true);
    expect(await verifyPassword(hash, 'lend1ng-is-fun')).toBe(false);
    expect(await hashPassword('Lend1ng-Is-Fun')).not.toBe(hash);
  });

  it('treats an unreadable hash as a mismatch', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever1')).toBe(false);
  });

  it('uses the production cost unless PASSWORD_HASH_COST=test, which production mode refuses', async () => {
    const saved = { cost: process.env.PASSWORD_HASH_COST, mode: process.env.APP_MODE };
    try {
      delete process.env.PASSWORD_HASH_COST;
      expect(await hashPassword('Lend1ng-Is-Fun')).toMatch(/\$m=19456,t=2,p=1\$/);
      process.env.PASSWORD_HASH_COST = 'test';
      process.env.APP_MODE = 'production';
      await expect(hashPassword('Lend1ng-Is-Fun')).rejects.toThrow(/PASSWORD_HASH_COST/);
    } finally {
      process.env.PASSWORD_HASH_COST = saved.cost;
      if (saved.mode === undefined) delete process.env.APP_MODE;
      else process.env.APP_MODE = saved.mode;
    }
  });
});
