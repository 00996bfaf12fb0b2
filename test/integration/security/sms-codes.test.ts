// One-time SMS codes on the running stack: POST /v1/auth/sms-codes sends through the notification
// simulator, which keeps the message; the code is checked against the stack's database as the
// routes that take it check it: wrong, right, used again, expired, too many tries, too soon.
import { afterAll, describe, expect, inject, it } from 'vitest';
import '../../setup/provided.js';
import { ApiCallError, ApiClient } from '../../../drivers/api-client.js';
import { makePhone } from '../../../drivers/identities.js';
import { smsPhoneKey, verifySmsCode } from '../../../security/sms-codes.js';
import { readKeyFile } from '../../../security/keyring.js';
import { stackDb } from '../support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
const keyring = readKeyFile(stack.dataKeyFile);
const store = { sql, keyring };

afterAll(async () => {
  await sql.end();
});

async function status(promise: Promise<unknown>): Promise<{ status: number; body: ApiCallError['body'] }> {
  try {
    await promise;
    return { status: 200, body: null };
  } catch (err) {
    if (err instanceof ApiCallError) return { status: err.status, body: err.body };
    throw err;
  }
}

describe('POST /v1/auth/sms-codes', () => {
  it('sends a REGISTER code that works once, and only for its phone and purpose', async () => {
    const phone = makePhone();
    const answer = await api.requestSmsCode(phone, 'REGISTER');
    expect(answer).toEqual({ expiresInSeconds: 300, resendAfterSeconds: 60 });
    const code = (await api.latestSmsCode(phone, 'REGISTER'))!;
    expect(code).toMatch(/^\d{6}$/);
    const [row] = await sql<
      { code_hash: string }[]
    >`select code_hash from sms_codes where phone_key = ${smsPhoneKey(keyring, phone)}`;
    expect(row!.code_hash).not.toContain(code);

    const wrong = code === '000000' ? '000001' : '000000';
    expect(await verifySmsCode(store, { phone, purpose: 'CLAIM_ACCOUNT', code })).toEqual({
      ok: false,
      reason: 'NOT_FOUND',
    });
    expect(await verifySmsCode(store, { phone: makePhone(), purpose: 'REGISTER', code })).toEqual({
      ok: false,
      reason: 'NOT_FOUND',
    });
    expect(await verifySmsCode(store, { phone, purpose: 'REGISTER', code: wrong })).toEqual({
      ok: false,
      reason: 'WRONG',
    });
    const verified = await verifySmsCode(store, { phone, purpose: 'REGISTER', code });
    expect(verified).toEqual({ ok: true, verificationId: expect.any(String) });
    expect(await verifySmsCode(store, { phone, purpose: 'REGISTER', code })).toEqual({
      ok: false,
      reason: 'NOT_FOUND',
    });
  });

  it('a second code within a minute is refused with Retry-After; the first still works', async () => {
    const phone = makePhone();
    await api.requestSmsCode(phone, 'REGISTER');
    const response = await api.fetch('POST', '/v1/auth/sms-codes', { body: { phone, purpose: 'REGISTER' } });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('SMS_CODE_TOO_SOON');
    const code = (await api.latestSmsCode(phone, 'REGISTER'))!;
    expect((await verifySmsCode(store, { phone, purpose: 'REGISTER', code })).ok).toBe(true);
  });

  it('an expired code is EXPIRED; five wrong tries kill the code, even the right one after', async () => {
    const phone = makePhone();
    await api.requestSmsCode(phone, 'REGISTER');
    const code = (await api.latestSmsCode(phone, 'REGISTER'))!;
    await sql`update sms_codes set expires_at = now() - interval '1 second' where phone_key = ${smsPhoneKey(keyring, phone)}`;
    expect(await verifySmsCode(store, { phone, purpose: 'REGISTER', code })).toEqual({ ok: false, reason: 'EXPIRED' });

    const other = makePhone();
    await api.requestSmsCode(other, 'REGISTER');
    const right = (await api.latestSmsCode(other, 'REGISTER'))!;
    const wrong = right === '999999' ? '999998' : '999999';
    for (let i = 0; i < 5; i++)
      expect(await verifySmsCode(store, { phone: other, purpose: 'REGISTER', code: wrong })).toEqual({
        ok: false,
        reason: 'WRONG',
      });
    expect(await verifySmsCode(store, { phone: other, purpose: 'REGISTER', code: right })).toEqual({
      ok: false,
      reason: 'TOO_MANY_ATTEMPTS',
    });
  });

  it('answers 202 for a purpose the phone cannot use, and sends nothing', async () => {
    const phone = makePhone();
    const answer = await api.requestSmsCode(phone, 'CLAIM_ACCOUNT');
    expect(answer).toEqual({ expiresInSeconds: 300, resendAfterSeconds: 60 });
    expect(await api.latestSmsCode(phone, 'CLAIM_ACCOUNT')).toBeNull();
    const signing = await api.requestSmsCode(phone, 'SIGN_CONTRACT', 'loan-20260101-0000000000');
    expect(signing).toEqual({ expiresInSeconds: 300, resendAfterSeconds: 60 });
    expect(await api.latestSmsCode(phone, 'SIGN_CONTRACT')).toBeNull();
  });

  it('names the field: a bad phone, a loan purpose without loanId, an unknown purpose', async () => {
    const bad = await status(api.requestSmsCode('12345', 'REGISTER'));
    expect(bad.status).toBe(400);
    expect(bad.body?.error?.fields).toEqual([expect.objectContaining({ field: 'phone' })]);
    const noLoan = await status(api.requestSmsCode(makePhone(), 'SIGN_CONTRACT'));
    expect(noLoan.status).toBe(400);
    expect(noLoan.body?.error?.fields).toEqual([expect.objectContaining({ field: 'loanId' })]);
    const unknown = await status(
      api.call('POST', '/v1/auth/sms-codes', { body: { phone: makePhone(), purpose: 'LOGIN' } }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body?.error?.fields).toEqual([expect.objectContaining({ field: 'purpose' })]);
  });
});
