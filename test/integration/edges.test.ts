// The API's edges, on the production entry point (api/main.ts) started with TLS against the
// stack's database and Temporal: HTTPS with a certificate made here by openssl, security headers,
// CORS for listed origins only, the request size limit, and error answers that never show a stack
// trace or a file path.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../lib/ports.js';
import { ROOT } from '../../lib/tools.js';
import '../setup/provided.js';

const stack = inject('stack');
const dir = mkdtempSync(join(tmpdir(), 'edges-tls-'));
const ALLOWED_ORIGIN = 'https://channel.example.com';
let api: ChildProcess | undefined;
let base: string;
let ca: Buffer;
let output = '';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request that trusts only the test's own certificate. */
function call(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; trust?: Buffer | null } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, base),
      {
        method,
        headers: options.headers,
        ca: options.trust === null ? undefined : (options.trust ?? ca),
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end(options.body);
  });
}

async function waitUntilServing(deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (api?.exitCode !== null) throw new Error(`api/main.ts exited (${api?.exitCode}): ${output.slice(-2000)}`);
    try {
      if ((await call('GET', '/readyz')).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`api/main.ts did not serve HTTPS in time: ${output.slice(-2000)}`);
}

beforeAll(async () => {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(cert);
  const port = await freePort();
  base = `https://127.0.0.1:${port}`;
  api = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'api/main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      APP_MODE: 'local',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      DATA_DIR: stack.dataDir,
      DATA_KEY_FILE: stack.dataKeyFile,
      TLS_CERT_FILE: cert,
      TLS_KEY_FILE: key,
      CORS_ORIGINS: ALLOWED_ORIGIN,
      PASSWORD_HASH_COST: 'test',
      LOG_LEVEL: 'warn',
      STACK_PARENT_PID: String(process.pid),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  api.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  api.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntilServing(120_000);
});

afterAll(async () => {
  if (api?.pid && api.exitCode === null) {
    const exited = new Promise((r) => api!.once('exit', r));
    api.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (api.exitCode === null) api.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

async function token(username: string): Promise<string> {
  const answer = await call('POST', '/v1/auth/login', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'Demo@2026' }),
  });
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.body) as { token: string }).token;
}

describe('HTTPS on the production entry point', () => {
  it('serves HTTPS with the configured certificate, and not plain HTTP', async () => {
    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ok' });
    // A client that does not trust the certificate refuses it: this is real TLS.
    await expect(call('GET', '/healthz', { trust: null })).rejects.toThrow(/self[- ]signed|certificate/i);
    const plain = await new Promise<string>((resolve) => {
      const req = httpRequest(base.replace('https:', 'http:') + '/healthz', { timeout: 10_000 }, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on('error', (err) => resolve(`error ${err.message}`));
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end();
    });
    expect(plain).not.toBe('status 200');
  });

  it('sends security headers: HSTS, CSP with frame-ancestors, nosniff, frame options, referrer policy', async () => {
    for (const path of ['/healthz', '/v1/products', '/openapi.json', '/']) {
      const { headers } = await call('GET', path);
      expect(headers['strict-transport-security'], path).toMatch(/max-age=\d+/);
      const csp = String(headers['content-security-policy']);
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'self'");
      expect(csp, path).toContain("object-src 'none'");
      expect(headers['x-content-type-options'], path).toBe('nosniff');
      expect(headers['x-frame-options'], path).toBe('SAMEORIGIN');
      expect(headers['referrer-policy'], path).toBe('no-referrer');
    }
  });

  it('answers CORS preflights for listed origins only', async () => {
    const preflight = (origin: string) =>
      call('OPTIONS', '/v1/loans', {
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    expect(allowed.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(allowed.headers['access-control-allow-methods']).toMatch(/POST/);
    const stranger = await preflight('https://evil.example.net');
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await call('GET', '/v1/products', { headers: { origin: 'https://evil.example.net' } });
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
    expect(simple.headers.vary).toMatch(/Origin/);
  });

  it('lets a listed origin read answers, with credentials, alongside the security headers', async () => {
    const quoteBody = JSON.stringify({
      principal: '10000.00',
      annualRate: '0.1200',
      termCount: 12,
      method: 'EQUAL_INSTALLMENT',
    });
    // A refusal too: the page must be able to read why.
    for (const [method, path, body, status] of [
      ['GET', '/v1/products', undefined, 401],
      ['POST', '/v1/quotes', quoteBody, 200],
    ] as const) {
      const answer = await call(method, path, {
        headers: { origin: ALLOWED_ORIGIN, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
      });
      expect(answer.status, path).toBe(status);
      expect(answer.headers['access-control-allow-origin'], path).toBe(ALLOWED_ORIGIN);
      expect(answer.headers['access-control-allow-credentials'], path).toBe('true');
      expect(answer.headers.vary, path).toMatch(/Origin/);
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      expect(answer.headers['x-request-id'], path).toBeTruthy();
    }
  });

  it('refuses request bodies over the limit with 413 before reading them', async () => {
    // Announce 2 MiB, send one kilobyte and wait: the answer must come from the header alone.
    const announced = (path: string) =>
      new Promise<Answer>((resolve, reject) => {
        const req = httpsRequest(
          new URL(path, base),
          {
            method: 'POST',
            ca,
            headers: { 'content-type': 'application/json', 'content-length': String(2 * 1024 * 1024) },
            timeout: 30_000,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks).toString('utf8'),
              });
              req.destroy();
            });
          },
        );
        req.on('error', (err) => reject(err));
        req.on('timeout', () => req.destroy(new Error('no answer before the body was sent')));
        req.write(`{"username": "${'x'.repeat(1024)}`);
      });
    for (const path of ['/v1/auth/login', '/v1/quotes', '/v1/applications']) {
      const answer = await announced(path);
      expect(answer.status, path).toBe(413);
      expect(JSON.parse(answer.body).error).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        message: { zh: expect.any(String), en: expect.any(String) },
      });
    }
  });
});

describe('error answers', () => {
  const STACK_LINE = /(\n|\\n)\s+at\s|\bat\s+\S+\s+\(|\bat\s+(file:|node:|\/)/;
  const FILE_PATH = /\/work\/|\/home\/|\/root\/|node_modules|\.ts:\d+|\.js:\d+|file:\/\//;

  it('never carry a stack trace or a file path, whatever is sent', async () => {
    const [borrowerish, ops] = await Promise.all([token('loan_officer'), token('ops')]);
    const loanPath = `/v1/loans/loan-20260101-${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const cases: Array<{ method: string; path: string; token?: string; type?: string; body?: string | Buffer }> = [
      { method: 'POST', path: '/v1/auth/login', type: 'application/json', body: '{"username": "admin", "password": ' },
      { method: 'POST', path: '/v1/auth/login', type: 'application/json', body: '[1,2,3]' },
      { method: 'POST', path: '/v1/auth/login', type: 'application/json', body: 'null' },
      { method: 'POST', path: '/v1/auth/login', type: 'text/plain', body: 'username=admin' },
      {
        method: 'POST',
        path: '/v1/auth/register',
        type: 'application/json',
        body: '{"phone": {"$gt": ""}, "idNumber": [], "name": 1e400, "password": true}',
      },
      {
        method: 'POST',
        path: '/v1/quotes',
        type: 'application/json',
        body: '{"principal": "1e309", "annualRate": "NaN", "termCount": 1.5, "method": "X"}',
      },
      {
        method: 'POST',
        path: '/v1/quotes',
        type: 'application/json',
        body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      },
      {
        method: 'POST',
        path: '/v1/applications',
        token: borrowerish,
        type: 'application/json',
        body: `{"loanType": "PERSONAL_CONSUMER", "applicant": ${'['.repeat(5000)}`,
      },
      {
        method: 'POST',
        path: '/v1/applications',
        token: borrowerish,
        type: 'application/json',
        body: JSON.stringify({
          loanType: 'PERSONAL_CONSUMER',
          amount: -1,
          termCount: 'many',
          applicant: { idNumber: '../../etc/passwd' },
        }),
      },
      { method: 'POST', path: `${loanPath}/reviews`, token: borrowerish, type: 'application/json', body: '{' },
      {
        method: 'POST',
        path: '/codec/decode',
        token: ops,
        type: 'application/json',
        body: '{"payloads": [{"metadata": {"encoding": "YmluYXJ5L2VuY3J5cHRlZA=="}, "data": "AAAA"}]}',
      },
      {
        method: 'POST',
        path: '/codec/decode',
        token: ops,
        type: 'application/json',
        body: '{"payloads": "not a list"}',
      },
      {
        method: 'POST',
        path: `${loanPath}/documents`,
        token: borrowerish,
        type: 'multipart/form-data; boundary=x',
        body: '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\ngarbage',
      },
      { method: 'GET', path: '/v1/loans/%E0%A4%A', token: borrowerish },
      { method: 'GET', path: '/v1/audit?from=yesterday&limit=-5', token: ops },
      { method: 'GET', path: '/v1/does-not-exist/../../etc/passwd' },
    ];
    for (const c of cases) {
      const headers: Record<string, string> = {};
      if (c.type) headers['content-type'] = c.type;
      if (c.token) headers.authorization = `Bearer ${c.token}`;
      const answer = await call(c.method, c.path, { headers, body: c.body });
      const what = `${c.method} ${c.path} → ${answer.status} ${answer.body.slice(0, 300)}`;
      expect(answer.status, what).toBeGreaterThanOrEqual(400);
      expect(answer.status, what).toBeLessThan(500);
      expect(answer.body, what).not.toMatch(STACK_LINE);
      expect(answer.body, what).not.toMatch(FILE_PATH);
      const parsed = JSON.parse(answer.body) as { error?: { code?: string; message?: { zh?: string; en?: string } } };
      expect(parsed.error?.code, what).toEqual(expect.any(String));
      expect(parsed.error?.message, what).toEqual({ zh: expect.any(String), en: expect.any(String) });
    }
  });
});
