// The staff lifecycle over the API: disable / enable, role change, approval limit, an
// administrator's password reset with a forced change, and one's own password change. Each ends
// the user's sessions at once and writes an audit row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STAFF } from '../../../security/demo-users.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let admin: string;
beforeAll(async () => {
  h = await startHarness();
  admin = await h.login('admin');
});
afterAll(async () => {
  await h?.stop();
});

type ErrorBody = { error: { code: string; fields?: Array<{ field: string; code: string }> } };

let counter = 0;
/** A new staff account created by the admin; returns its id, username and password. */
async function newStaff(role: string, extra: Record<string, unknown> = {}) {
  counter += 1;
  const username = `staff_${counter}_${role.toLowerCase()}`;
  const password = `Staff-Pass-${counter}x`;
  const res = await h.request('POST', '/v1/auth/users', {
    token: admin,
    body: { username, role, password, ...extra },
  });
  expect(res.status).toBe(201);
  const { userId } = (await res.json()) as { userId: string };
  return { userId, username, password };
}

/** Moves the injected clock on, so a login is not in the same millisecond as a session cut-off. */
const tick = () => {
  h.clock.now += 1000;
};

const auditRows = (action: string, userId: string) =>
  h.sql<{ actor_id: string; result: string; detail: Record<string, unknown> }[]>`
    select actor_id, result, detail from audit_log where action = ${action} and resource_id = ${userId} order by id`;

describe('who may manage staff', () => {
  it('only a role with user:manage reaches the lifecycle routes (403 for every other role)', async () => {
    const target = await newStaff('COLLECTOR');
    for (const { role, username } of DEMO_STAFF) {
      const token = await h.login(username);
      const answers = await Promise.all([
        h.request('POST', `/v1/auth/users/${target.userId}/disable`, { token }),
        h.request('POST', `/v1/auth/users/${target.userId}/enable`, { token }),
        h.request('PUT', `/v1/auth/users/${target.userId}/role`, { token, body: { role: 'OPS' } }),
        h.request('PUT', `/v1/auth/users/${target.userId}/approval-limit`, {
          token,
          body: { approvalLimit: '1000.00' },
        }),
        h.request('POST', `/v1/auth/users/${target.userId}/reset-password`, { token }),
      ]);
      const expected = role === 'ADMIN' ? 200 : 403;
      expect(
        answers.map((a) => a.status),
        role,
      ).toEqual([expected, expected, expected, expected, expected]);
      tick();
    }
    const [collector] = await h.sql`select id from users where username = 'collector'`;
    const refusals = await h.sql<{ resource_id: string; result: string; detail: Record<string, unknown> }[]>`
      select resource_id, result, detail from audit_log where action = 'ACCESS_DENIED' and actor_id = ${collector!.id}`;
    expect(refusals.map((r) => r.resource_id).sort()).toEqual([
      'POST /v1/auth/users/:id/disable',
      'POST /v1/auth/users/:id/enable',
      'POST /v1/auth/users/:id/reset-password',
      'PUT /v1/auth/users/:id/approval-limit',
      'PUT /v1/auth/users/:id/role',
    ]);
    expect(refusals[0]).toMatchObject({
      result: 'DENIED',
      detail: { reason: 'PERMISSION', permission: 'user:manage' },
    });
  });

  it('refuses an administrator’s own account (409), a borrower (409) and an unknown user (404)', async () => {
    const [me] = await h.sql`select id from users where username = 'admin'`;
    const own = await h.request('POST', `/v1/auth/users/${me!.id}/disable`, { token: admin });
    expect(own.status).toBe(409);
    expect(((await own.json()) as ErrorBody).error.code).toBe('OWN_ACCOUNT');

    const [borrower] = await h.sql<{ id: string }[]>`
      insert into users (role, phone_hash, password_hash) values ('BORROWER', 'hash-lifecycle', 'x') returning id`;
    const res = await h.request('PUT', `/v1/auth/users/${borrower!.id}/role`, {
      token: admin,
      body: { role: 'ADMIN' },
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error.code).toBe('NOT_STAFF');

    const unknown = await h.request('POST', '/v1/auth/users/00000000-0000-4000-8000-000000000000/disable', {
      token: admin,
    });
    expect(unknown.status).toBe(404);
  });
});

describe('disable and enable', () => {
  it('a disabled user’s token stops at once, the user cannot log in, and old tokens stay dead after enabling', async () => {
    const staff = await newStaff('FINANCE');
    const token = await h.login(staff.username, staff.password);
    expect((await h.request('GET', '/v1/auth/me', { token })).status).toBe(200);

    const res = await h.request('POST', `/v1/auth/users/${staff.userId}/disable`, { token: admin });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userId: staff.userId, status: 'DISABLED', role: 'FINANCE' });
    expect((await h.request('GET', '/v1/auth/me', { token })).status).toBe(401);

    tick();
    const login = await h.request('POST', '/v1/auth/login', {
      body: { username: staff.username, password: staff.password },
    });
    expect(login.status).toBe(403);
    expect(((await login.json()) as ErrorBody).error.code).toBe('ACCOUNT_DISABLED');

    expect((await h.request('POST', `/v1/auth/users/${staff.userId}/enable`, { token: admin })).status).toBe(200);
    expect((await h.request('GET', '/v1/auth/me', { token })).status).toBe(401);
    tick();
    const fresh = await h.login(staff.username, staff.password);
    expect((await h.request('GET', '/v1/auth/me', { token: fresh })).status).toBe(200);

    const [adminRow] = await h.sql`select id from users where username = 'admin'`;
    const disabled = await auditRows('USER_DISABLE', staff.userId);
    expect(disabled).toHaveLength(1);
    expect(disabled[0]).toMatchObject({ actor_id: adminRow!.id, result: 'SUCCESS', detail: { from: 'ACTIVE' } });
    expect(await auditRows('USER_ENABLE', staff.userId)).toHaveLength(1);
    const [created] = await h.sql`select created_by from users where id = ${staff.userId}`;
    expect(created!.created_by).toBe(adminRow!.id);
  });
});

describe('role change', () => {
  it('ends the sessions of the user, whose next login carries the new role', async () => {
    const staff = await newStaff('COLLECTOR');
    const token = await h.login(staff.username, staff.password);
    const res = await h.request('PUT', `/v1/auth/users/${staff.userId}/role`, {
      token: admin,
      body: { role: 'AUDITOR' },
    });
    expect(res.status).toBe(200);
    expect((await h.request('GET', '/v1/auth/me', { token })).status).toBe(401);
    tick();
    const fresh = await h.login(staff.username, staff.password);
    expect(await (await h.request('GET', '/v1/auth/me', { token: fresh })).json()).toMatchObject({ role: 'AUDITOR' });
    expect((await h.request('GET', '/v1/audit?limit=1', { token: fresh })).status).toBe(200);
    expect(await auditRows('USER_ROLE_CHANGE', staff.userId)).toMatchObject([
      { detail: { from: 'COLLECTOR', to: 'AUDITOR' } },
    ]);
  });

  it('refuses an unknown role and BORROWER, naming the field', async () => {
    const staff = await newStaff('OPS');
    for (const role of ['BORROWER', 'KING']) {
      const res = await h.request('PUT', `/v1/auth/users/${staff.userId}/role`, { token: admin, body: { role } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain('role');
    }
  });
});

describe('approval limit per person', () => {
  it('is set at creation or later, ends sessions, and must be an amount', async () => {
    const staff = await newStaff('FINAL_REVIEWER', { approvalLimit: '30000.00' });
    const [row] = await h.sql`select approval_limit from users where id = ${staff.userId}`;
    expect(row!.approval_limit).toBe('30000.00');
    const token = await h.login(staff.username, staff.password);

    const res = await h.request('PUT', `/v1/auth/users/${staff.userId}/approval-limit`, {
      token: admin,
      body: { approvalLimit: '5000.50' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ approvalLimit: '5000.50' });
    expect((await h.request('GET', '/v1/auth/me', { token })).status).toBe(401);

    const bad = await h.request('PUT', `/v1/auth/users/${staff.userId}/approval-limit`, {
      token: admin,
      body: { approvalLimit: '-1' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('approvalLimit');

    const cleared = await h.request('PUT', `/v1/auth/users/${staff.userId}/approval-limit`, {
      token: admin,
      body: { approvalLimit: null },
    });
    expect(await cleared.json()).toMatchObject({ approvalLimit: null });
    expect(await auditRows('USER_APPROVAL_LIMIT_CHANGE', staff.userId)).toMatchObject([
      { detail: { from: '30000.00', to: '5000.50' } },
      { detail: { from: '5000.50', to: null } },
    ]);
  });
});

describe('password reset by an administrator', () => {
  it('gives a temporary password that only lets the user change it; the old password and sessions end', async () => {
    const staff = await newStaff('AUDITOR');
    const before = await h.login(staff.username, staff.password);
    const res = await h.request('POST', `/v1/auth/users/${staff.userId}/reset-password`, { token: admin });
    expect(res.status).toBe(200);
    const { temporaryPassword } = (await res.json()) as { temporaryPassword: string };
    expect(temporaryPassword).toMatch(/^\S{12,}$/);
    expect((await h.request('GET', '/v1/auth/me', { token: before })).status).toBe(401);

    tick();
    const old = await h.request('POST', '/v1/auth/login', {
      body: { username: staff.username, password: staff.password },
    });
    expect(old.status).toBe(401);

    const login = await h.request('POST', '/v1/auth/login', {
      body: { username: staff.username, password: temporaryPassword },
    });
    expect(login.status).toBe(200);
    const session = (await login.json()) as { token: string; mustChangePassword: boolean };
    expect(session.mustChangePassword).toBe(true);

    const blocked = await h.request('GET', '/v1/audit?limit=1', { token: session.token });
    expect(blocked.status).toBe(403);
    expect(((await blocked.json()) as ErrorBody).error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect(
      await h.sql`select resource_id, detail from audit_log where action = 'ACCESS_DENIED' and actor_id = ${staff.userId}`,
    ).toMatchObject([{ resource_id: 'GET /v1/audit', detail: { reason: 'PASSWORD_CHANGE_REQUIRED' } }]);
    expect((await h.request('GET', '/v1/auth/me', { token: session.token })).status).toBe(200);

    const changed = await h.request('POST', '/v1/auth/password', {
      token: session.token,
      body: { currentPassword: temporaryPassword, newPassword: 'Fresh-Audit-2026' },
    });
    expect(changed.status).toBe(204);
    expect((await h.request('GET', '/v1/auth/me', { token: session.token })).status).toBe(401);

    tick();
    const again = await h.request('POST', '/v1/auth/login', {
      body: { username: staff.username, password: 'Fresh-Audit-2026' },
    });
    const next = (await again.json()) as { token: string; mustChangePassword: boolean };
    expect(next.mustChangePassword).toBe(false);
    expect((await h.request('GET', '/v1/audit?limit=1', { token: next.token })).status).toBe(200);

    expect(await auditRows('USER_PASSWORD_RESET', staff.userId)).toHaveLength(1);
    expect(await auditRows('PASSWORD_CHANGE', staff.userId)).toMatchObject([
      { result: 'SUCCESS', detail: { afterReset: true } },
    ]);
    const rows = await h.sql`select detail::text as d from audit_log where resource_id = ${staff.userId}`;
    for (const row of rows) expect(row.d as string).not.toContain(temporaryPassword);
  });

  it('unlocks a locked account', async () => {
    const staff = await newStaff('OPS');
    await h.sql`update users set failed_logins = 5, locked_until = ${new Date(h.clock.now + 3_600_000)} where id = ${staff.userId}`;
    const res = await h.request('POST', `/v1/auth/users/${staff.userId}/reset-password`, { token: admin });
    const { temporaryPassword } = (await res.json()) as { temporaryPassword: string };
    tick();
    const login = await h.request('POST', '/v1/auth/login', {
      body: { username: staff.username, password: temporaryPassword },
    });
    expect(login.status).toBe(200);
  });
});

describe('changing one’s own password', () => {
  it('needs the current password, checks the new one, and ends every session of the user', async () => {
    const staff = await newStaff('COLLECTOR');
    const one = await h.login(staff.username, staff.password);
    const two = await h.login(staff.username, staff.password);

    const wrong = await h.request('POST', '/v1/auth/password', {
      token: one,
      body: { currentPassword: 'not-it-123', newPassword: 'Brand-New-9' },
    });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as ErrorBody).error.fields).toMatchObject([
      { field: 'currentPassword', code: 'WRONG_PASSWORD' },
    ]);

    const weak = await h.request('POST', '/v1/auth/password', {
      token: one,
      body: { currentPassword: staff.password, newPassword: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as ErrorBody).error.fields!.every((f) => f.field === 'newPassword')).toBe(true);

    const same = await h.request('POST', '/v1/auth/password', {
      token: one,
      body: { currentPassword: staff.password, newPassword: staff.password },
    });
    expect(((await same.json()) as ErrorBody).error.fields).toMatchObject([{ code: 'PASSWORD_UNCHANGED' }]);

    const ok = await h.request('POST', '/v1/auth/password', {
      token: one,
      body: { currentPassword: staff.password, newPassword: 'Brand-New-9' },
    });
    expect(ok.status).toBe(204);
    expect((await h.request('GET', '/v1/auth/me', { token: one })).status).toBe(401);
    expect((await h.request('GET', '/v1/auth/me', { token: two })).status).toBe(401);

    tick();
    const old = await h.request('POST', '/v1/auth/login', {
      body: { username: staff.username, password: staff.password },
    });
    expect(old.status).toBe(401);
    await h.login(staff.username, 'Brand-New-9');
    expect(await auditRows('PASSWORD_CHANGE', staff.userId)).toMatchObject([
      { result: 'FAILURE', detail: { reason: 'WRONG_CURRENT_PASSWORD' } },
      { result: 'SUCCESS' },
    ]);
  });

  it('needs a token', async () => {
    expect(
      (await h.request('POST', '/v1/auth/password', { body: { currentPassword: 'a', newPassword: 'b' } })).status,
    ).toBe(401);
  });
});
