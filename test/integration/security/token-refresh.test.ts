// POST /v1/auth/refresh: a new token for a session still valid, audited; never for a revoked or
// expired token, nor one whose user must change the password; never past 12 hours after the login.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../setup/provided.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

type Issued = { token: string; role: string; expiresAt: string; mustChangePassword: boolean };
type ErrorBody = { error: { code: string; message: { zh: string; en: string } } };

async function refresh(token: string): Promise<Response> {
  return h.request('POST', '/v1/auth/refresh', { token });
}

describe('token refresh', () => {
  it('issues a new token for the same user and role, later expiring, audited with the token it replaces', async () => {
    const first = await h.login('final_reviewer');
    h.clock.now += 20 * 60_000;
    const res = await refresh(first);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Issued;
    expect(body.token).not.toBe(first);
    expect(body).toMatchObject({ role: 'FINAL_REVIEWER', mustChangePassword: false });
    expect(new Date(body.expiresAt).getTime()).toBe(Math.floor(h.clock.now / 1000) * 1000 + 30 * 60_000);
    const me = await h.request('GET', '/v1/auth/me', { token: body.token });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe('final_reviewer');
    const [audit] = await h.sql<{ result: string; detail: { previousTokenId: string } }[]>`
      select result, detail from audit_log where action = 'TOKEN_REFRESH' order by id desc limit 1`;
    expect(audit!.result).toBe('SUCCESS');
    expect(audit!.detail.previousTokenId).toMatch(/^[0-9a-f-]{36}$/);

    // The old token lapses at its own expiry; the new one outlives it.
    h.clock.now += 10 * 60_000 + 1000;
    expect((await h.request('GET', '/v1/auth/me', { token: first })).status).toBe(401);
    expect((await h.request('GET', '/v1/auth/me', { token: body.token })).status).toBe(200);
  });

  it('refuses an expired token, a logged-out one and a garbled one (401)', async () => {
    const expired = await h.login('initial_reviewer');
    h.clock.now += 30 * 60_000 + 1000;
    expect((await refresh(expired)).status).toBe(401);

    const loggedOut = await h.login('initial_reviewer');
    expect((await h.request('POST', '/v1/auth/logout', { token: loggedOut })).status).toBe(204);
    expect((await refresh(loggedOut)).status).toBe(401);
    expect((await refresh('not.a.token')).status).toBe(401);
  });

  it('refuses a user whose tokens an administrator revoked, though the token has not expired', async () => {
    const token = await h.login('collector');
    const [collector] = await h.sql<{ id: string }[]>`select id from users where username = 'collector'`;
    const admin = await h.login('admin');
    h.clock.now += 1000;
    expect((await h.request('POST', `/v1/auth/users/${collector!.id}/revoke-tokens`, { token: admin })).status).toBe(
      200,
    );
    h.clock.now += 1000;
    expect((await refresh(token)).status).toBe(401);
  });

  it('a token refreshed after the tokens were revoked elsewhere is refused: a revocation ends the session', async () => {
    const token = await h.login('collector');
    const [collector] = await h.sql<{ id: string }[]>`select id from users where username = 'collector'`;
    // This API has just checked the token (and remembers it as good for a few seconds) when
    // another replica revokes the user's tokens.
    expect((await h.request('GET', '/v1/auth/me', { token })).status).toBe(200);
    h.clock.now += 1000;
    await h.sql`update users set tokens_valid_after = ${new Date(h.clock.now)} where id = ${collector!.id}`;
    h.clock.now += 1000;
    const res = await refresh(token);
    if (res.status === 200) {
      const renewed = ((await res.json()) as Issued).token;
      expect((await h.request('GET', '/v1/auth/me', { token: renewed })).status).toBe(401);
    } else expect(res.status).toBe(401);
  });

  it('keeps the login time across refreshes and ends the session 12 hours after the login', async () => {
    let token = await h.login('auditor');
    const loginAt = h.clock.now;
    while (h.clock.now - loginAt < 11.5 * 3_600_000) {
      h.clock.now += 20 * 60_000;
      const res = await refresh(token);
      expect(res.status).toBe(200);
      token = ((await res.json()) as Issued).token;
    }
    h.clock.now = loginAt + 12 * 3_600_000 + 1000;
    const res = await refresh(token);
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorBody).error.code).toBe('SESSION_TOO_OLD');
    const [audit] = await h.sql<{ result: string; detail: { reason: string } }[]>`
      select result, detail from audit_log where action = 'TOKEN_REFRESH' order by id desc limit 1`;
    expect(audit).toMatchObject({ result: 'DENIED', detail: { reason: 'SESSION_TOO_OLD' } });
    // The token itself still works until it expires; only its renewal is refused.
    expect((await h.request('GET', '/v1/auth/me', { token })).status).toBe(200);
  });
});
