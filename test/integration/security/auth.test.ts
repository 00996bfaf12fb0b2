import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../setup/provided.js';
import { ApiClient } from '../../../drivers/api-client.js';
import { identityNameCode, makePhone } from '../../../drivers/identities.js';
import { idNumberCheckChar } from '../../../domain/validation/id-number.js';
import { blindIndex } from '../../../security/blind-index.js';
import { USER_FIELDS } from '../../../security/encryption-contexts.js';
import { startHarness, type Harness } from './harness.js';

const idNumber = (first17: string) => first17 + idNumberCheckChar(first17);
const seq = (name: string) => String(identityNameCode(name)).padStart(2, '0');
// Registered to 王小明 and 李四 in the simulated identity register (the sequence code is the name's).
const ID_A = idNumber(`11010519900307${seq('王小明')}1`);
const ID_B = idNumber(`31010419851120${seq('李四')}3`);
const reader = new ApiClient('http://unused.invalid', { simulatorUrl: inject('stack').simulatorUrl });

/** Asks the API under test for a REGISTER code to the phone and reads it from the SMS simulator. */
async function registerCode(phone: string, ip?: string): Promise<string> {
  const sent = await h.request('POST', '/v1/auth/sms-codes', {
    body: { phone, purpose: 'REGISTER' },
    ...(ip ? { ip } : {}),
  });
  expect(sent.status).toBe(202);
  return (await reader.latestSmsCode(phone.replace(/\D/g, '').slice(-11), 'REGISTER')) ?? '000000';
}
const PASSWORD = 'Borrow3r-Pass';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

type ErrorBody = {
  error: { code: string; message: { zh: string; en: string }; fields?: Array<{ field: string; code: string }> };
};

describe('registration, login and the current user', () => {
  it('registers a borrower with encrypted personal data and blind indexes', async () => {
    const res = await h.request('POST', '/v1/auth/register', {
      body: {
        phone: '138 1234 5678',
        password: PASSWORD,
        name: '王小明',
        idNumber: ID_A.toLowerCase(),
        smsCode: await registerCode('13812345678'),
      },
    });
    expect(res.status).toBe(201);
    const { userId } = (await res.json()) as { userId: string };

    const [row] = await h.sql`select * from users where id = ${userId}`;
    expect(row!.role).toBe('BORROWER');
    expect(row!.phone_hash).toBe(blindIndex(h.security.keyring, 'phone', '13812345678'));
    expect(row!.id_number_hash).toBe(blindIndex(h.security.keyring, 'idNumber', ID_A));
    for (const column of ['phone_enc', 'name_enc', 'id_number_enc']) expect(String(row![column])).toMatch(/^v1:k1:/);
    expect(JSON.stringify(row)).not.toContain('王小明');
    expect(JSON.stringify(row)).not.toContain('13812345678');
    expect(JSON.stringify(row)).not.toContain(ID_A);
    expect(h.security.cipher.decrypt(row!.id_number_enc as string, USER_FIELDS.idNumber)).toBe(ID_A);
    expect(String(row!.password_hash)).toMatch(/^\$argon2id\$/);
  });

  it('logs a borrower in by phone and shows them masked', async () => {
    const res = await h.request('POST', '/v1/auth/login', { body: { username: '13812345678', password: PASSWORD } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; role: string; expiresAt: string };
    expect(body.role).toBe('BORROWER');
    expect(new Date(body.expiresAt).getTime()).toBe(h.clock.now + 30 * 60_000);

    const me = await h.request('GET', '/v1/auth/me', { token: body.token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      role: 'BORROWER',
      username: '138****5678',
      phone: '138****5678',
      name: '王**',
      idNumber: `110105********${ID_A.slice(-4)}`,
    });
  });

  it('explains invalid registrations field by field in both languages', async () => {
    const badId = ID_B.slice(0, 17) + (ID_B.endsWith('1') ? '2' : '1');
    const res = await h.request('POST', '/v1/auth/register', {
      body: { phone: '12345678901', password: 'password', name: '', idNumber: badId, smsCode: '' },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    const codes = Object.fromEntries((body.error.fields ?? []).map((f) => [f.field, f.code]));
    expect(codes).toMatchObject({
      phone: 'INVALID_PHONE',
      idNumber: 'INVALID_CHECKSUM',
      name: 'REQUIRED',
      smsCode: 'INVALID_FORMAT',
    });
    expect(body.error.fields!.filter((f) => f.field === 'password').map((f) => f.code)).toEqual([
      'PASSWORD_TOO_SIMPLE',
      'PASSWORD_TOO_COMMON',
    ]);
    expect(body.error.message.zh).toMatch(/请求参数有误/);
  });

  it('refuses a second registration with the same ID number (409); a registered phone gets no code', async () => {
    // The first test sent this phone a code moments ago (database time): move it past the one-minute resend wait.
    await h.sql`update sms_codes set issued_at = issued_at - interval '61 seconds'`;
    const samePhone = await h.request('POST', '/v1/auth/register', {
      body: {
        phone: '+8613812345678',
        password: PASSWORD,
        name: '李四',
        idNumber: ID_B,
        smsCode: await registerCode('13812345678'),
      },
    });
    expect(samePhone.status).toBe(400);
    expect(((await samePhone.json()) as ErrorBody).error.fields).toEqual([
      expect.objectContaining({ field: 'smsCode' }),
    ]);
    const otherPhone = makePhone();
    const sameId = await h.request('POST', '/v1/auth/register', {
      body: {
        phone: otherPhone,
        password: PASSWORD,
        name: '王小明',
        idNumber: ID_A,
        smsCode: await registerCode(otherPhone),
      },
    });
    expect(sameId.status).toBe(409);
    expect(((await sameId.json()) as ErrorBody).error.code).toBe('ALREADY_REGISTERED');
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await h.request('POST', '/v1/auth/login', {
      body: { username: 'nobody', password: PASSWORD },
      ip: '192.0.2.50',
    });
    const wrong = await h.request('POST', '/v1/auth/login', {
      body: { username: 'finance', password: 'Wrong-pass1' },
      ip: '192.0.2.50',
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(((await unknown.json()) as ErrorBody).error.message).toEqual(
      ((await wrong.json()) as ErrorBody).error.message,
    );
    await h.login('finance');
  });

  it('audits logins, successful and failed, with the source address', async () => {
    await h.login('auditor', undefined, '198.51.100.7');
    await h.request('POST', '/v1/auth/login', {
      body: { username: 'auditor', password: 'Nope-nope-1' },
      ip: '198.51.100.7',
    });
    const rows =
      await h.sql`select result, source_ip, detail from audit_log where action = 'LOGIN' and source_ip = '198.51.100.7' order by id`;
    expect(rows.map((r) => r.result)).toEqual(['SUCCESS', 'FAILURE']);
    expect(rows[1]!.detail).toMatchObject({ username: 'auditor', reason: 'WRONG_PASSWORD' });
    const phones = await h.sql`select detail from audit_log where action = 'LOGIN' and detail->>'username' like '138%'`;
    for (const r of phones) expect(r.detail.username).toBe('138****5678');
  });
});

describe('lockout and throttling', () => {
  it('locks an account for 15 minutes after 5 failures; a successful login then resets the count', async () => {
    const ip = '203.0.113.9';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push(
        (
          await h.request('POST', '/v1/auth/login', {
            body: { username: 'collector', password: `Wrong-${i}-pass` },
            ip,
          })
        ).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    const locked = await h.request('POST', '/v1/auth/login', {
      body: { username: 'collector', password: 'Demo@2026' },
      ip,
    });
    expect(locked.status).toBe(423);
    const body = (await locked.json()) as ErrorBody;
    expect(body.error.code).toBe('ACCOUNT_LOCKED');
    expect(body.error.message.zh).toMatch(/锁定/);
    expect(body.error.message.en).toMatch(/locked/);

    h.clock.now += 15 * 60_000 + 1000;
    await h.login('collector', undefined, ip);
    const [row] = await h.sql`select failed_logins, locked_until from users where username = 'collector'`;
    expect(row).toMatchObject({ failed_logins: 0, locked_until: null });
  });

  it('slows down a client that keeps probing registrations with known numbers, with Retry-After', async () => {
    const ip = '203.0.113.120';
    const headers = { 'x-device-id': 'probe-device-0001' };
    let res: Response | undefined;
    for (let i = 0; i < 11 && res?.status !== 429; i += 1) {
      const phone = makePhone();
      res = await h.request('POST', '/v1/auth/register', {
        body: { phone, password: PASSWORD, name: '王小明', idNumber: ID_A, smsCode: await registerCode(phone, ip) },
        ip,
        headers,
      });
      if (res.status !== 429) expect(res.status).toBe(409);
    }
    expect(res!.status).toBe(429);
    expect(Number(res!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res!.json()) as ErrorBody).error.code).toBe('TOO_MANY_REGISTRATION_ATTEMPTS');
    // Registrations are counted apart from logins: the same client still logs in.
    expect(
      (await h.request('POST', '/v1/auth/login', { body: { username: 'auditor', password: 'Demo@2026' }, ip, headers }))
        .status,
    ).toBe(200);
  });

  it("25 failed logins for one user leave another user's correct login from the same address untouched", async () => {
    const ip = '203.0.113.77';
    const statuses = new Set<number>();
    let last: Response | undefined;
    for (let i = 0; i < 25; i += 1) {
      last = await h.request('POST', '/v1/auth/login', { body: { username: 'ops', password: `Wrong-${i}-pass` }, ip });
      statuses.add(last.status);
    }
    // The account is locked after five; the lock answer says when to come back.
    expect([...statuses].sort()).toEqual([401, 423]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    const res = await h.request('POST', '/v1/auth/login', { body: { username: 'finance', password: 'Demo@2026' }, ip });
    expect(res.status).toBe(200);
    h.clock.now += 15 * 60_000 + 1000;
    await h.login('ops', undefined, ip);
  });

  it('answers 429 with Retry-After to one client that keeps failing across accounts; other clients at its address pass', async () => {
    const ip = '203.0.113.78';
    const headers = { 'x-device-id': 'stuffing-device-01' };
    let res: Response | undefined;
    for (let i = 0; i < 21 && res?.status !== 429; i += 1) {
      res = await h.request('POST', '/v1/auth/login', {
        body: { username: `user${i}`, password: 'Wrong-pass1' },
        ip,
        headers,
      });
    }
    expect(res!.status).toBe(429);
    const held = await h.request('POST', '/v1/auth/login', {
      body: { username: 'finance', password: 'Demo@2026' },
      ip,
      headers,
    });
    expect(held.status).toBe(429);
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await held.json()) as ErrorBody).error.code).toBe('TOO_MANY_LOGIN_ATTEMPTS');
    await h.login('finance', undefined, ip);
  });

  it('holds a whole address back only at its high ceiling', async () => {
    const ip = '203.0.113.79';
    let res: Response | undefined;
    let count = 0;
    for (; count < 301 && res?.status !== 429; count += 1) {
      res = await h.request('POST', '/v1/auth/login', {
        body: { username: `nobody${count}`, password: 'Wrong-pass1' },
        ip,
      });
    }
    expect(res!.status).toBe(429);
    expect(count).toBe(301);
    expect(res!.headers.get('retry-after')).not.toBeNull();
  }, 120_000);
});

describe('revocation', () => {
  it('logout revokes the current token only', async () => {
    const first = await h.login('risk_manager');
    const second = await h.login('risk_manager');
    expect((await h.request('GET', '/v1/auth/me', { token: first })).status).toBe(200);
    expect((await h.request('POST', '/v1/auth/logout', { token: first })).status).toBe(204);
    expect((await h.request('GET', '/v1/auth/me', { token: first })).status).toBe(401);
    expect((await h.request('GET', '/v1/auth/me', { token: second })).status).toBe(200);
    const [row] = await h.sql`select count(*)::int as n from revoked_tokens`;
    expect(row!.n).toBe(1);
  });

  it('an administrator revokes every token of a user', async () => {
    const admin = await h.login('admin');
    const victim = await h.login('loan_officer');
    const [user] = await h.sql`select id from users where username = 'loan_officer'`;
    const res = await h.request('POST', `/v1/auth/users/${user!.id}/revoke-tokens`, { token: admin });
    expect(res.status).toBe(200);
    expect((await h.request('GET', '/v1/auth/me', { token: victim })).status).toBe(401);
    h.clock.now += 1;
    const fresh = await h.login('loan_officer');
    expect((await h.request('GET', '/v1/auth/me', { token: fresh })).status).toBe(200);
    expect((await h.request('POST', `/v1/auth/users/${user!.id}/revoke-tokens`, { token: fresh })).status).toBe(403);
    const [audit] = await h.sql`select actor_id, resource_id from audit_log where action = 'USER_TOKENS_REVOKE'`;
    expect(audit!.resource_id).toBe(user!.id);
  });

  it('refuses expired, forged and missing tokens', async () => {
    const token = await h.login('ops');
    h.clock.now += 30 * 60_000;
    expect((await h.request('GET', '/v1/auth/me', { token })).status).toBe(401);
    expect((await h.request('GET', '/v1/auth/me', { token: `${token}x` })).status).toBe(401);
    expect((await h.request('GET', '/v1/auth/me')).status).toBe(401);
  });
});

describe('staff accounts', () => {
  it('an administrator creates staff users with a policy-checked password', async () => {
    const admin = await h.login('admin');
    const weak = await h.request('POST', '/v1/auth/users', {
      token: admin,
      body: { username: 'new_officer', role: 'LOAN_OFFICER', password: 'new_officer' },
    });
    expect(weak.status).toBe(400);
    const made = await h.request('POST', '/v1/auth/users', {
      token: admin,
      body: { username: 'New_Officer', role: 'LOAN_OFFICER', password: 'Strong-pass-9', name: '赵六' },
    });
    expect(made.status).toBe(201);
    const again = await h.request('POST', '/v1/auth/users', {
      token: admin,
      body: { username: 'new_officer', role: 'FINANCE', password: 'Strong-pass-9' },
    });
    expect(again.status).toBe(409);
    const token = await h.login('new_officer', 'Strong-pass-9');
    expect(await (await h.request('GET', '/v1/auth/me', { token })).json()).toMatchObject({
      username: 'new_officer',
      role: 'LOAN_OFFICER',
      name: '赵*',
      phone: null,
    });
    const borrower = await h.request('POST', '/v1/auth/users', {
      token: admin,
      body: { username: 'sneaky', role: 'BORROWER', password: 'Strong-pass-9' },
    });
    expect(borrower.status).toBe(400);
  });

  it('other roles may not create users', async () => {
    const token = await h.login('final_reviewer');
    const res = await h.request('POST', '/v1/auth/users', {
      token,
      body: { username: 'x_user', role: 'ADMIN', password: 'Strong-pass-9' },
    });
    expect(res.status).toBe(403);
  });

  it('seeds the demo staff once', async () => {
    const rows = await h.sql`select username, role from users where username is not null order by username`;
    const demo = rows.filter((r) => r.username !== 'new_officer');
    expect(demo).toHaveLength(12);
    // One account per role, named after it, and two more: finance_checker, the second finance user
    // (maker-checker), and collection_supervisor, the risk manager who supervises collections.
    const roleOf: Record<string, string> = { finance_checker: 'FINANCE', collection_supervisor: 'RISK_MANAGER' };
    for (const r of demo) expect(r.role).toBe(roleOf[String(r.username)] ?? String(r.username).toUpperCase());
    const { seedDemoUsers } = await import('../../../security/demo-users.js');
    expect(await seedDemoUsers(h.sql, h.config)).toEqual([]);
    expect(await seedDemoUsers(h.sql, { APP_MODE: 'production' })).toEqual([]);
  });
});
