import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyChannel } from '../../../api/routes/api-keys.js';
import { newRouter } from '../../../api/app.js';
import { ApiError, errorBody } from '../../../api/errors.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

type KeyInfo = { id: string; channel: string; key?: string; keyPrefix: string; revokedAt: string | null };

describe('channel API keys', () => {
  it('an administrator creates a key, shown once and stored only as a hash', async () => {
    const admin = await h.login('admin');
    const res = await h.request('POST', '/v1/api-keys', { token: admin, body: { channel: 'WECHAT_MINIAPP' } });
    expect(res.status).toBe(201);
    const made = (await res.json()) as KeyInfo;
    expect(made.key).toMatch(/^mlk_[A-Za-z0-9_-]{43}$/);
    expect(made.key!.startsWith(made.keyPrefix)).toBe(true);

    const [row] = await h.sql`select * from api_keys where id = ${made.id}`;
    expect(JSON.stringify(row)).not.toContain(made.key!);
    expect(await h.security.auth.verifyApiKey(made.key!)).toEqual({ channel: 'WECHAT_MINIAPP' });
    expect(
      await h.security.auth.verifyApiKey(`${made.key!.slice(0, -1)}${made.key!.endsWith('A') ? 'B' : 'A'}`),
    ).toBeNull();

    const list = (await (await h.request('GET', '/v1/api-keys', { token: admin })).json()) as { items: KeyInfo[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).not.toHaveProperty('key');
  });

  it('revokes a key; it stops working at once in this process', async () => {
    const admin = await h.login('admin');
    const made = (await (
      await h.request('POST', '/v1/api-keys', { token: admin, body: { channel: 'H5' } })
    ).json()) as KeyInfo;
    expect(await h.security.auth.verifyApiKey(made.key!)).toEqual({ channel: 'H5' });
    expect((await h.request('POST', `/v1/api-keys/${made.id}/revoke`, { token: admin })).status).toBe(204);
    expect(await h.security.auth.verifyApiKey(made.key!)).toBeNull();
    expect((await h.request('POST', `/v1/api-keys/${made.id}/revoke`, { token: admin })).status).toBe(404);
    const actions = await h.sql`select action from audit_log where resource_type = 'api_key' order by id`;
    expect(actions.map((r) => r.action)).toEqual(['API_KEY_CREATE', 'API_KEY_CREATE', 'API_KEY_REVOKE']);
  });

  it('is for administrators only, and validates the channel name', async () => {
    const ops = await h.login('ops');
    expect((await h.request('POST', '/v1/api-keys', { token: ops, body: { channel: 'APP' } })).status).toBe(403);
    expect((await h.request('GET', '/v1/api-keys', { token: ops })).status).toBe(403);
    const admin = await h.login('admin');
    expect((await h.request('POST', '/v1/api-keys', { token: admin, body: { channel: 'bad channel!' } })).status).toBe(
      400,
    );
  });

  it('the apiKeyChannel middleware sets the channel, refuses bad keys and ignores requests without one', async () => {
    const admin = await h.login('admin');
    const made = (await (
      await h.request('POST', '/v1/api-keys', { token: admin, body: { channel: 'APP' } })
    ).json()) as KeyInfo;
    const app = newRouter();
    app.onError((err, c) => (err instanceof ApiError ? c.json(errorBody(err), err.status) : c.text('internal', 500)));
    app.use('*', apiKeyChannel(h.security.auth));
    app.get('/where', (c) => c.json({ channel: c.get('channel') ?? null }));
    expect(await (await app.request('/where', { headers: { 'X-Api-Key': made.key! } })).json()).toEqual({
      channel: 'APP',
    });
    expect(await (await app.request('/where')).json()).toEqual({ channel: null });
    const bad = await app.request('/where', { headers: { 'X-Api-Key': 'mlk_nope' } });
    expect(bad.status).toBe(401);
  });
});
