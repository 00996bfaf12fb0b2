import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

type Wire = { payloads: Array<{ metadata: Record<string, string>; data: string }> };
const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string | undefined) => Buffer.from(text ?? '', 'base64').toString();
const APPLICATION = { applicant: { name: '陈七', idNumber: '440301199205061234', phone: '13711112222' } };
const plainWire = () => ({
  payloads: [{ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(APPLICATION)) }],
});

describe('codec endpoint', () => {
  it('round-trips payloads for OPS, following the remote codec protocol', async () => {
    const token = await h.login('ops');
    const encodedRes = await h.request('POST', '/codec/encode', {
      token,
      body: plainWire(),
      headers: { 'X-Namespace': 'default' },
    });
    expect(encodedRes.status).toBe(200);
    const encoded = (await encodedRes.json()) as Wire;
    expect(unb64(encoded.payloads[0]!.metadata.encoding)).toBe('binary/encrypted');
    expect(unb64(encoded.payloads[0]!.metadata['encryption-key-id'])).toBe('k1');
    expect(unb64(encoded.payloads[0]!.data)).not.toContain('13711112222');
    const [ops] = await h.sql`select id from users where username = 'ops'`;
    const sealed = await h.sql`select actor_id, result, detail from audit_log where action = 'CODEC_ENCODE'`;
    expect(sealed).toMatchObject([
      { actor_id: ops!.id, result: 'SUCCESS', detail: { namespace: 'default', payloads: 1 } },
    ]);

    const decodedRes = await h.request('POST', '/codec/decode', {
      token,
      body: encoded,
      headers: { 'X-Namespace': 'default' },
    });
    expect(decodedRes.status).toBe(200);
    const decoded = (await decodedRes.json()) as Wire;
    expect(unb64(decoded.payloads[0]!.metadata.encoding)).toBe('json/plain');
    expect(JSON.parse(unb64(decoded.payloads[0]!.data))).toEqual(APPLICATION);
  });

  it('decodes what the worker encoded and passes plain payloads through', async () => {
    const token = await h.login('ops');
    const [fromWorker] = await h.security.codec.encode([defaultPayloadConverter.toPayload({ amount: '1000.00' })]);
    const wire = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(fromWorker!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(fromWorker!.data!).toString('base64'),
        },
        plainWire().payloads[0]!,
      ],
    };
    const res = await h.request('POST', '/codec/decode', { token, body: wire });
    expect(res.status).toBe(200);
    const out = (await res.json()) as Wire;
    expect(JSON.parse(unb64(out.payloads[0]!.data))).toEqual({ amount: '1000.00' });
    expect(out.payloads[1]).toEqual(plainWire().payloads[0]);
  });

  it('audits every decode: who and how many payloads', async () => {
    const rows =
      await h.sql`select actor_role, result, detail from audit_log where action = 'CODEC_DECODE' order by id`;
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => [r.actor_role, r.result, r.detail.payloads, r.detail.namespace])).toEqual([
      ['OPS', 'SUCCESS', 1, 'default'],
      ['OPS', 'SUCCESS', 2, 'default'],
    ]);
  });

  it('is for OPS only', async () => {
    for (const user of ['loan_officer', 'admin', 'auditor']) {
      const token = await h.login(user);
      expect((await h.request('POST', '/codec/decode', { token, body: plainWire() })).status).toBe(403);
    }
    expect((await h.request('POST', '/codec/decode', { body: plainWire() })).status).toBe(401);
  });

  it('refuses other namespaces, bad base64 and altered ciphertext', async () => {
    const token = await h.login('ops');
    const other = await h.request('POST', '/codec/decode', {
      token,
      body: plainWire(),
      headers: { 'X-Namespace': 'someone-else' },
    });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_NAMESPACE');
    const bad = await h.request('POST', '/codec/decode', {
      token,
      body: { payloads: [{ metadata: { encoding: '***' }, data: '' }] },
    });
    expect(bad.status).toBe(400);
    const encoded = (await (await h.request('POST', '/codec/encode', { token, body: plainWire() })).json()) as Wire;
    const data = Buffer.from(encoded.payloads[0]!.data, 'base64');
    data[data.length - 1]! ^= 1;
    encoded.payloads[0]!.data = data.toString('base64');
    const altered = await h.request('POST', '/codec/decode', { token, body: encoded });
    expect(altered.status).toBe(400);
    expect(((await altered.json()) as { error: { code: string } }).error.code).toBe('CODEC_DECODE_FAILED');
  });

  it('answers CORS preflight for the Temporal UI origin with Authorization and credentials', async () => {
    const res = await h.request('OPTIONS', '/codec/decode', {
      headers: {
        Origin: 'http://localhost:8233',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-namespace',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');

    const evil = await h.request('OPTIONS', '/codec/decode', {
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();

    const token = await h.login('ops');
    const actual = await h.request('POST', '/codec/decode', {
      token,
      body: plainWire(),
      headers: { Origin: 'http://localhost:8233' },
    });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    const denied = await h.request('POST', '/codec/decode', {
      body: plainWire(),
      headers: { Origin: 'http://localhost:8233' },
    });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
  });
});

describe('codec with nothing to convert', () => {
  it('answers {} with no payloads, as `temporal workflow metadata` and `workflow stack` send it, and audits no decryption', async () => {
    const token = await h.login('ops');
    const [{ count: before }] = await h.sql<
      [{ count: number }]
    >`select count(*)::int as count from audit_log where action = 'CODEC_DECODE'`;
    for (const path of ['/codec/encode', '/codec/decode']) {
      const res = await h.request('POST', path, { token, body: {} });
      expect(res.status, path).toBe(200);
      expect(await res.json()).toEqual({ payloads: [] });
    }
    const [{ count: after }] = await h.sql<
      [{ count: number }]
    >`select count(*)::int as count from audit_log where action = 'CODEC_DECODE'`;
    expect(after).toBe(before);
  });
});

describe('codec session cookie for Temporal Web', () => {
  const TEMPORAL_WEB = 'http://localhost:8233';
  const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('microloan_codec='));
  const loginFor = (username: string) =>
    h.request('POST', '/v1/auth/login', { body: { username, password: 'Demo@2026' } });
  const decodeWith = (cookie: string | undefined, origin?: string) =>
    h.request('POST', '/codec/decode', {
      body: plainWire(),
      headers: {
        ...(cookie ? { cookie: cookie.split(';')[0]! } : {}),
        ...(origin ? { origin } : {}),
        'x-namespace': 'default',
      },
    });

  it('is set on an OPS login: the token itself, HttpOnly, SameSite=Strict, path /codec, for the token lifetime', async () => {
    const res = await loginFor('ops');
    const { token } = (await res.json()) as { token: string };
    const cookie = cookieOf(res);
    expect(cookie).toBeDefined();
    const [pair, ...attributes] = cookie!.split(';').map((s) => s.trim());
    expect(pair).toBe(`microloan_codec=${token}`);
    expect(attributes).toEqual(expect.arrayContaining(['Max-Age=1800', 'Path=/codec', 'HttpOnly', 'SameSite=Strict']));
    expect(attributes).not.toContain('Secure');
  });

  it('is Secure when the client came over HTTPS through a trusted proxy', async () => {
    process.env.TRUST_PROXY = 'true';
    try {
      const res = await h.request('POST', '/v1/auth/login', {
        body: { username: 'ops', password: 'Demo@2026' },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(
        cookieOf(res)!
          .split(';')
          .map((s) => s.trim()),
      ).toContain('Secure');
    } finally {
      delete process.env.TRUST_PROXY;
    }
  });

  it('is not set for roles without codec:use', async () => {
    for (const user of ['auditor', 'admin', 'risk_manager'])
      expect(cookieOf(await loginFor(user)), user).toBeUndefined();
  });

  it('decrypts for Temporal Web with the cookie alone, answering its exact origin with credentials, and is audited', async () => {
    const cookie = cookieOf(await loginFor('ops'));
    const res = await decodeWith(cookie, TEMPORAL_WEB);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(TEMPORAL_WEB);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(JSON.parse(unb64(((await res.json()) as Wire).payloads[0]!.data))).toEqual(APPLICATION);
    const [row] =
      await h.sql`select actor_role, result, detail from audit_log where action = 'CODEC_DECODE' order by id desc limit 1`;
    expect([row!.actor_role, row!.result, row!.detail.payloads]).toEqual(['OPS', 'SUCCESS', 1]);

    const preflight = await h.request('OPTIONS', '/codec/decode', {
      headers: {
        Origin: TEMPORAL_WEB,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(TEMPORAL_WEB);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('is refused from any other origin, or with no origin at all', async () => {
    const cookie = cookieOf(await loginFor('ops'));
    for (const origin of ['http://localhost:3000', 'http://localhost:9999', 'https://evil.example', undefined]) {
      const res = await decodeWith(cookie, origin);
      expect(res.status, String(origin)).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('CODEC_ORIGIN_REFUSED');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('stops working at logout, which also clears it', async () => {
    const login = await loginFor('ops');
    const { token } = (await login.json()) as { token: string };
    const cookie = cookieOf(login);
    expect((await decodeWith(cookie, TEMPORAL_WEB)).status).toBe(200);
    const logout = await h.request('POST', '/v1/auth/logout', { token });
    expect(logout.status).toBe(204);
    const cleared = cookieOf(logout)!
      .split(';')
      .map((s) => s.trim());
    expect(cleared).toEqual(expect.arrayContaining(['microloan_codec=', 'Max-Age=0', 'Path=/codec']));
    // A copy of the cookie kept elsewhere is refused: it holds the revoked token.
    expect((await decodeWith(cookie, TEMPORAL_WEB)).status).toBe(401);
  });

  it("stops working when an admin revokes the user's tokens, and expires with the token", async () => {
    const cookie = cookieOf(await loginFor('ops'));
    expect((await decodeWith(cookie, TEMPORAL_WEB)).status).toBe(200);
    const admin = await h.login('admin');
    const [ops] = await h.sql<{ id: string }[]>`select id from users where username = 'ops'`;
    h.clock.now += 1_000;
    expect((await h.request('POST', `/v1/auth/users/${ops!.id}/revoke-tokens`, { token: admin })).status).toBe(200);
    expect((await decodeWith(cookie, TEMPORAL_WEB)).status).toBe(401);

    h.clock.now += 1_000;
    const fresh = cookieOf(await loginFor('ops'));
    expect((await decodeWith(fresh, TEMPORAL_WEB)).status).toBe(200);
    h.clock.now += 31 * 60_000;
    expect((await decodeWith(fresh, TEMPORAL_WEB)).status).toBe(401);
  });

  it('gives a role that lost codec:use nothing: the cookie of a token whose role changed is refused', async () => {
    const cookie = cookieOf(await loginFor('ops'));
    await h.sql`update users set role = 'AUDITOR' where username = 'ops'`;
    try {
      expect((await decodeWith(cookie, TEMPORAL_WEB)).status).toBe(401);
    } finally {
      await h.sql`update users set role = 'OPS' where username = 'ops'`;
    }
  });
});
