import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyring } from '../../../security/keyring.js';
import { createTokenSigner, resolveTokenSecret, tokenTtlSeconds } from '../../../security/tokens.js';

const subject = { userId: '7d9f6f0e-8a4b-4a52-9a55-0d6f0c1d2e3f', username: 'ops', role: 'OPS' as const };
const t0 = new Date('2026-03-01T08:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

function reencode(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  change(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('access tokens', () => {
  const signer = createTokenSigner(randomBytes(32));

  it('carries sub, role, username, jti and exp; 30 minutes by default', () => {
    const issued = signer.issue(subject, t0);
    expect(issued.token.split('.')).toHaveLength(3);
    expect(issued.expiresAt.toISOString()).toBe('2026-03-01T08:30:00.000Z');
    const claims = signer.verify(issued.token, later(1000))!;
    expect(claims).toMatchObject({ sub: subject.userId, role: 'OPS', username: 'ops', exp: issued.claims.exp });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(signer.issue(subject, t0).claims.jti).not.toBe(claims.jti);
  });

  it('marks a session opened with a temporary password, and the mark cannot be stripped or forged', () => {
    const plain = signer.issue(subject, t0);
    expect(signer.verify(plain.token, later(1))!.pwc).toBeUndefined();
    const temporary = signer.issue({ ...subject, mustChangePassword: true }, t0);
    expect(signer.verify(temporary.token, later(1))!.pwc).toBe(true);
    expect(
      signer.verify(
        reencode(temporary.token, (c) => delete c.pwc),
        later(1),
      ),
    ).toBeNull();
    expect(
      signer.verify(
        reencode(plain.token, (c) => (c.pwc = true)),
        later(1),
      ),
    ).toBeNull();
  });

  it('expires', () => {
    const { token } = signer.issue(subject, t0);
    expect(signer.verify(token, later(30 * 60_000 - 1))).not.toBeNull();
    expect(signer.verify(token, later(30 * 60_000))).toBeNull();
  });

  it('refuses tampered claims, signatures, headers and foreign secrets', () => {
    const { token } = signer.issue(subject, t0);
    expect(
      signer.verify(
        reencode(token, (c) => (c.role = 'ADMIN')),
        t0,
      ),
    ).toBeNull();
    expect(
      signer.verify(
        reencode(token, (c) => (c.exp = (c.exp as number) + 3600)),
        t0,
      ),
    ).toBeNull();
    const [h, p, s] = token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(signer.verify(flipped, t0)).toBeNull();
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(signer.verify(`${none}.${p}.`, t0)).toBeNull();
    expect(signer.verify(`${none}.${p}.${s}`, t0)).toBeNull();
    expect(createTokenSigner(randomBytes(32)).verify(token, t0)).toBeNull();
    expect(signer.verify('not.a.token', t0)).toBeNull();
    expect(signer.verify('', t0)).toBeNull();
  });

  it('takes its lifetime from ACCESS_TOKEN_TTL_MINUTES', () => {
    expect(tokenTtlSeconds({})).toBe(1800);
    expect(tokenTtlSeconds({ ACCESS_TOKEN_TTL_MINUTES: '5' })).toBe(300);
    expect(() => tokenTtlSeconds({ ACCESS_TOKEN_TTL_MINUTES: '0' })).toThrow(/ACCESS_TOKEN_TTL_MINUTES/);
    const short = createTokenSigner(randomBytes(32), { ttlSeconds: 300 });
    expect(short.issue(subject, t0).expiresAt.toISOString()).toBe('2026-03-01T08:05:00.000Z');
  });

  it('uses TOKEN_SECRET, or in local mode a secret derived from the key material', () => {
    const keyring = generateKeyring();
    const secret = 'x'.repeat(40);
    expect(resolveTokenSecret({ TOKEN_SECRET: secret, APP_MODE: 'production' }, keyring).toString()).toBe(secret);
    const derived = resolveTokenSecret({ TOKEN_SECRET: undefined, APP_MODE: 'local' }, keyring);
    expect(derived).toHaveLength(32);
    expect(derived.equals(keyring.hmacKey)).toBe(false);
    expect(() => resolveTokenSecret({ TOKEN_SECRET: undefined, APP_MODE: 'production' }, keyring)).toThrow(
      /TOKEN_SECRET/,
    );
    expect(() => createTokenSigner(Buffer.from('short'))).toThrow(/TOKEN_SECRET/);
  });
});
