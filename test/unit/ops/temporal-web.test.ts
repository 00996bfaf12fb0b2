// Temporal Web as served by ops/temporal-web.ts, in front of a stand-in for the dev server's UI
// server: the settings answer gains Codec.IncludeCredentials, everything else passes through.
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../lib/ports.js';
import { startTemporalWeb, type TemporalWebHandle } from '../../../ops/temporal-web.js';

const SETTINGS = {
  Auth: { Enabled: false },
  Codec: { Endpoint: 'http://localhost:3000/codec', PassAccessToken: false, IncludeCredentials: false },
  DefaultNamespace: 'default',
};
let upstream: Server;
let web: TemporalWebHandle;
const seen: Array<{ method?: string; url?: string; encoding?: string; body: string }> = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        url: req.url,
        encoding: req.headers['accept-encoding'],
        body: Buffer.concat(chunks).toString(),
      });
      if (req.url?.startsWith('/api/v1/settings')) {
        const body = JSON.stringify(SETTINGS);
        // Compressed only when the client asked for it, as the UI server does.
        if (req.headers['accept-encoding']?.includes('gzip'))
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(gzipSync(body));
        else res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': '_csrf=abc; Path=/' }).end(body);
      } else if (req.url === '/missing') res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
      else
        res
          .writeHead(200, { 'content-type': 'text/html', 'x-upstream': 'ui' })
          .end(`<html>${req.method} ${req.url}</html>`);
    });
  });
  const upstreamPort = await freePort();
  await new Promise<void>((resolve) => upstream.listen(upstreamPort, '127.0.0.1', resolve));
  web = await startTemporalWeb({ host: '127.0.0.1', port: await freePort(), upstreamPort });
});

afterAll(async () => {
  await web?.close();
  await new Promise((resolve) => upstream?.close(resolve));
});

const url = (path: string) => web.url.replace('localhost', '127.0.0.1') + path;

describe('Temporal Web in front of the dev server UI', () => {
  it('turns Codec.IncludeCredentials on in the settings, keeping every other setting and header', async () => {
    const res = await fetch(url('/api/v1/settings?'), { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ...SETTINGS,
      Codec: { ...SETTINGS.Codec, IncludeCredentials: true },
      DisableWriteActions: true,
    });
    expect(res.headers.get('set-cookie')).toBe('_csrf=abc; Path=/');
    expect(seen.at(-1)!.encoding).toBeUndefined();
  });

  it('passes pages, read calls with their bodies, and errors through unchanged', async () => {
    const page = await fetch(url('/namespaces/default/workflows'));
    expect(await page.text()).toBe('<html>GET /namespaces/default/workflows</html>');
    expect(page.headers.get('x-upstream')).toBe('ui');

    const posted = await fetch(url('/api/v1/namespaces/default/workflows/x/query/__stack_trace'), {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(posted.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/v1/namespaces/default/workflows/x/query/__stack_trace',
      body: '{"a":1}',
    });

    const missing = await fetch(url('/missing'));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('not here');
  });

  it('refuses write actions without passing them on', async () => {
    const before = seen.length;
    for (const [method, path] of [
      ['POST', '/api/v1/namespaces/default/workflows/x/signal/review'],
      ['POST', '/api/v1/namespaces/default/workflows/x/update/review'],
      ['POST', '/api/v1/namespaces/default/workflows/x/terminate'],
      ['POST', '/api/v1/namespaces/default/workflows/x/reset'],
      ['POST', '/api/v1/namespaces/default/workflows/x'],
      ['POST', '/api/v1/namespaces/default/workflows/x/query/a/../../signal/review'],
      ['DELETE', '/api/v1/namespaces/default/schedules/s'],
      ['PUT', '/api/v1/namespaces/default/batch-operations/b'],
    ] as const) {
      const res = await fetch(url(path), { method, body: '{"reviewer":{"role":"RISK_MANAGER"}}' });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect(seen.length).toBe(before);
  });

  it('answers 502 when the dev server UI is not there', async () => {
    const orphan = await startTemporalWeb({
      host: '127.0.0.1',
      port: await freePort(),
      upstreamPort: await freePort(),
    });
    try {
      expect((await fetch(orphan.url.replace('localhost', '127.0.0.1') + '/')).status).toBe(502);
    } finally {
      await orphan.close();
    }
  });
});
