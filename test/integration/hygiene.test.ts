// Response headers every answer of the running API carries, and where the API listens in local mode.
import { describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { loadConfig } from '../../config/index.js';
import { ApiClient } from '../../drivers/api-client.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl);

describe('response headers', () => {
  it('answers that may carry personal data say Cache-Control: no-store; every answer says Permissions-Policy', async () => {
    const { token } = await api.login('risk_manager');
    const answers = await Promise.all([
      api.fetch('GET', '/v1/auth/me', { token }),
      api.fetch('GET', '/v1/loans', { token }),
      api.fetch('POST', '/v1/auth/login', { body: { username: 'risk_manager', password: 'Wrong-pass-1' } }),
      api.fetch('GET', '/v1/no-such-route', { token }),
    ]);
    for (const res of answers) {
      expect(res.headers.get('cache-control'), res.url).toContain('no-store');
      expect(res.headers.get('permissions-policy'), res.url).toMatch(/camera=\(\)/);
      await res.arrayBuffer();
    }
    for (const path of ['/healthz', '/', '/ui/assets/login.js']) {
      const res = await api.fetch('GET', path);
      expect(res.headers.get('permissions-policy'), path).toMatch(/geolocation=\(\)/);
      await res.arrayBuffer();
    }
  });
});

describe('where the API listens', () => {
  it('binds 127.0.0.1 in local mode unless told otherwise, and every address in production', () => {
    expect(loadConfig({ APP_MODE: 'local' }).HOST).toBe('127.0.0.1');
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ APP_MODE: 'local', HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    const production = {
      APP_MODE: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TOKEN_SECRET: 't'.repeat(32),
      BANK_CALLBACK_SECRET: 'b'.repeat(32),
      GATEWAY_CALLBACK_SECRET: 'g'.repeat(32),
      DATA_KEYS: 'k1:' + Buffer.alloc(32, 1).toString('base64'),
    };
    expect(loadConfig(production).HOST).toBe('0.0.0.0');
  });
});
