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
    const encodedRes = await h.request('POST', '/codec/encode', { token, body: plainWire(), headers: { 'X-Namespace': 'default' } });
    expect(encodedRes.status).toBe(200);
    const encoded = (await encodedRes.json()) as Wire;
    expect(unb64(encoded.payloads[0]!.metadata.encoding)).toBe('binary/encrypted');
    expect(unb64(encoded.payloads[0]!.metadata['encryption-key-id'])).toBe('k1');
    expect(unb64(encoded.payloads[0]!.data)).not.toContain('13711112222');

    const decodedRes = await h.request('POST', '/codec/decode', { token, body: encoded, headers: { 'X-Namespace': 'default' } });
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
        { metadata: Object.fromEntries(Object.entries(fromWorker!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(fromWorker!.data!).toString('base64') },
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
    const rows = await h.sql`select actor_role, result, detail from audit_log where action = 'CODEC_DECODE' order by id`;
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
    const other = await h.request('POST', '/codec/decode', { token, body: plainWire(), headers: { 'X-Namespace': 'someone-else' } });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_NAMESPACE');
    const bad = await h.request('POST', '/codec/decode', { token, body: { payloads: [{ metadata: { encoding: '***' }, data: '' }] } });
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
      headers: { Origin: 'http://localhost:8233', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,x-namespace' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');

    const evil = await h.request('OPTIONS', '/codec/decode', { headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();

    const token = await h.login('ops');
    const actual = await h.request('POST', '/codec/decode', { token, body: plainWire(), headers: { Origin: 'http://localhost:8233' } });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
    const denied = await h.request('POST', '/codec/decode', { body: plainWire(), headers: { Origin: 'http://localhost:8233' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
  });
});
