// Signed webhooks over the real stack: a channel subscribes with its API key, a borrower applies
// through that channel, and a local HTTP listener receives the loan's journey signed with the
// subscription's secret; it verifies every signature (independently of our code, with node:crypto)
// and refuses a forged request. A replay arrives again with the same event id; after a secret
// rotation it is signed with the new secret only. Another channel's subscription hears nothing of
// the loan; a listener that fails twice gets each event a third time, after the backoff.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiCallError, ApiClient, personalLoanApplication, type Session } from '../../drivers/api-client.js';
import { payOffToday } from '../../drivers/loan-journeys.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });

interface Received {
  path: string;
  body: string;
  event: { id: string; type: string; occurredAt: string; data: Record<string, unknown> };
  signature: string;
  deliveryId: string;
}

/** Checks `t=<unix>,v1=<hex>` against HMAC-SHA256(secret, "t.body"), within 5 minutes. */
function signatureValid(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300 || !/^[0-9a-f]{64}$/.test(parts.v1 ?? ''))
    return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1!, 'hex'));
}

/** A channel's receiving end: every path keeps what it was sent; /flaky answers 500 twice per event. */
class Listener {
  readonly received: Received[] = [];
  readonly secrets = new Map<string, string>();
  readonly refused: string[] = [];
  private readonly flakyTries = new Map<string, number>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then((status) => res.writeHead(status).end());
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const signature = String(req.headers['x-loans-signature'] ?? '');
    const secret = this.secrets.get(path);
    if (!secret || !signatureValid(secret, signature, body)) {
      this.refused.push(path);
      return 401;
    }
    const event = JSON.parse(body) as Received['event'];
    if (path === '/flaky') {
      const tries = (this.flakyTries.get(event.id) ?? 0) + 1;
      this.flakyTries.set(event.id, tries);
      if (tries <= 2) return 500;
    }
    this.received.push({ path, body, event, signature, deliveryId: String(req.headers['x-loans-delivery-id']) });
    return 200;
  }

  of(path: string, loanId: string): Received[] {
    return this.received.filter((r) => r.path === path && r.event.data.loanId === loanId);
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code?: string; fields?: string[] }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiCallError) {
      const body = err.body as { error?: { code?: string; fields?: Array<{ field: string }> } } | null;
      return { status: err.status, code: body?.error?.code, fields: body?.error?.fields?.map((f) => f.field) };
    }
    throw err;
  }
  throw new Error('expected a refusal');
}

const listener = new Listener();
let admin: Session;
let keyA: string;
let keyB: string;
const asChannel = (key: string) => ({ 'x-api-key': key });

interface SubscriptionAnswer {
  id: string;
  url: string;
  eventTypes: string[];
  secret: string;
}
interface DeliveryAnswer {
  id: string;
  eventId: string;
  eventType: string;
  loanId: string;
  subscriptionId: string;
  status: string;
  replayOf: string | null;
  attempts: Array<{ attempt: number; startedAt: string; statusCode: number | null }>;
}

const ALL_TYPES = [
  'loan.status_changed',
  'loan.documents_requested',
  'loan.offer_ready',
  'loan.signed',
  'loan.disbursed',
  'loan.payout_failed',
  'installment.due',
  'payment.received',
  'loan.overdue',
  'loan.paid_off',
];

async function subscribe(key: string, path: string, eventTypes = ALL_TYPES): Promise<SubscriptionAnswer> {
  const made = await api.call<SubscriptionAnswer>('POST', '/v1/webhooks', {
    headers: asChannel(key),
    body: { url: `${listener.url}${path}`, eventTypes },
  });
  listener.secrets.set(path, made.secret);
  return made;
}

const deliveriesOf = async (key: string, loanId: string) =>
  (
    await api.call<{ items: DeliveryAnswer[] }>('GET', `/v1/webhooks/deliveries?loanId=${loanId}&limit=200`, {
      headers: asChannel(key),
    })
  ).items;

beforeAll(async () => {
  await listener.start();
  admin = await api.login('admin');
  const suffix = randomUUID().slice(0, 8);
  const makeKey = async (channel: string) =>
    (await api.call<{ key: string }>('POST', '/v1/api-keys', { token: admin.token, body: { channel } })).key;
  [keyA, keyB] = await Promise.all([makeKey(`WH_A_${suffix}`), makeKey(`WH_B_${suffix}`)]);
});

afterAll(async () => {
  await listener.stop();
});

describe('webhook subscriptions', () => {
  it('take the channel’s API key alone, validate every field, and show each channel only its own', async () => {
    const body = { url: `${listener.url}/x`, eventTypes: ['loan.signed'] };
    expect(await refusal(api.call('POST', '/v1/webhooks', { body }))).toMatchObject({
      status: 401,
      code: 'API_KEY_REQUIRED',
    });
    expect(await refusal(api.call('POST', '/v1/webhooks', { token: admin.token, body }))).toMatchObject({
      status: 401,
      code: 'API_KEY_REQUIRED',
    });
    expect(await refusal(api.call('GET', '/v1/webhooks', { headers: asChannel('mlk_forged') }))).toMatchObject({
      status: 401,
      code: 'INVALID_API_KEY',
    });
    const post = (b: unknown) => api.call('POST', '/v1/webhooks', { headers: asChannel(keyA), body: b });
    expect(await refusal(post({ ...body, url: 'http://example.com/hook' }))).toMatchObject({
      status: 400,
      fields: ['url'],
    });
    expect(await refusal(post({ ...body, eventTypes: ['loan.exploded'] }))).toMatchObject({
      status: 400,
      fields: ['eventTypes.0'],
    });
    expect(await refusal(post({ ...body, secret: 'mine' }))).toMatchObject({ status: 400, fields: ['secret'] });

    const made = await api.call<SubscriptionAnswer>('POST', '/v1/webhooks', { headers: asChannel(keyA), body });
    expect(made.secret).toMatch(/^whsec_/);
    const listA = await api.call<{ items: Array<Record<string, unknown>> }>('GET', '/v1/webhooks', {
      headers: asChannel(keyA),
    });
    expect(listA.items.map((s) => s.id)).toContain(made.id);
    expect(listA.items.every((s) => !('secret' in s) && !('secretEnc' in s))).toBe(true);
    const listB = await api.call<{ items: unknown[] }>('GET', '/v1/webhooks', { headers: asChannel(keyB) });
    expect(listB.items).toEqual([]);
    // Another channel can neither rotate nor delete it.
    expect(
      await refusal(api.call('POST', `/v1/webhooks/${made.id}/rotate-secret`, { headers: asChannel(keyB) })),
    ).toMatchObject({ status: 404 });
    expect(await refusal(api.call('DELETE', `/v1/webhooks/${made.id}`, { headers: asChannel(keyB) }))).toMatchObject({
      status: 404,
    });
    expect((await api.fetch('DELETE', `/v1/webhooks/${made.id}`, { headers: asChannel(keyA) })).status).toBe(204);
    expect((await api.fetch('DELETE', `/v1/webhooks/${made.id}`, { headers: asChannel(keyA) })).status).toBe(404);
  });
});

describe('a loan’s journey by webhooks', () => {
  it('reaches its channel signed, never another channel, retries with backoff and replays', async () => {
    const subA = await subscribe(keyA, '/a');
    await subscribe(keyB, '/b');
    const flaky = await subscribe(keyA, '/flaky', ['loan.offer_ready', 'loan.signed']);

    const borrower = await api.registerBorrower({ profileDigit: 1 });
    const session = await api.login(borrower.phone, borrower.password);
    const { loanId, requiredDocuments } = await api.call<{ loanId: string; requiredDocuments: string[] }>(
      'POST',
      '/v1/applications',
      {
        token: session.token,
        body: personalLoanApplication(borrower, { amount: '8000.00', termCount: 6 }),
        headers: { 'idempotency-key': `wh-${randomUUID()}`, ...asChannel(keyA) },
      },
    );
    await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
    await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE', 150_000);
    await api.signContract(session.token, loanId);
    await api.waitForLoanStatus(session.token, loanId, 'ACTIVE', 150_000);
    await payOffToday(api, session.token, loanId);
    await api.waitForLoanStatus(session.token, loanId, 'PAID_OFF', 60_000);

    // The journey, each event once, in order of the loan's life.
    const journey = await until('the paid_off webhook', () => {
      const got = listener.of('/a', loanId);
      return got.some((r) => r.event.type === 'loan.paid_off') ? got : undefined;
    });
    const types = journey.map((r) => r.event.type);
    for (const t of ['loan.offer_ready', 'loan.signed', 'loan.disbursed', 'payment.received', 'loan.paid_off'])
      expect(types.filter((x) => x === t)).toHaveLength(1);
    const statuses = journey.filter((r) => r.event.type === 'loan.status_changed').map((r) => r.event.data.status);
    expect(statuses).toEqual(expect.arrayContaining(['AWAITING_SIGNATURE', 'DISBURSING', 'ACTIVE', 'PAID_OFF']));
    expect(new Set(journey.map((r) => r.event.id)).size).toBe(journey.length);
    // No personal data: the payloads name the loan, never the borrower.
    for (const r of journey) {
      expect(r.body).not.toContain(borrower.phone);
      expect(r.body).not.toContain(borrower.idNumber);
      expect(r.body).not.toContain(borrower.name);
    }

    // Signed with A's secret only: the listener refuses a forged request (another secret, or a
    // body changed after signing) as it would refuse anyone's.
    const sample = journey.find((r) => r.event.type === 'loan.signed')!;
    expect(signatureValid(subA.secret, sample.signature, sample.body)).toBe(true);
    expect(signatureValid(flaky.secret, sample.signature, sample.body)).toBe(false);
    const forged = sample.body.replace(loanId, 'loan-20260101-0000000000');
    expect(signatureValid(subA.secret, sample.signature, forged)).toBe(false);
    const refusedBefore = listener.refused.length;
    const forgedAnswer = await fetch(`${listener.url}/a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-loans-signature': sample.signature },
      body: forged,
    });
    expect(forgedAnswer.status).toBe(401);
    expect(listener.refused.length).toBe(refusedBefore + 1);

    // Channel B subscribed to everything and heard nothing of A's loan.
    expect(listener.of('/b', loanId)).toEqual([]);
    expect(await deliveriesOf(keyB, loanId)).toEqual([]);

    // The failing listener got each of its events on the third attempt, 2 s and then 4 s later at the least.
    const flakyDeliveries = await until('the flaky listener’s deliveries', async () => {
      const all = (await deliveriesOf(keyA, loanId)).filter((d) => d.subscriptionId === flaky.id);
      return all.length === 2 && all.every((d) => d.status === 'DELIVERED') ? all : undefined;
    });
    for (const d of flakyDeliveries) {
      expect(d.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
      const [first, second, third] = d.attempts.map((a) => Date.parse(a.startedAt));
      expect(second! - first!).toBeGreaterThanOrEqual(1_900);
      expect(third! - second!).toBeGreaterThanOrEqual(3_900);
    }
    expect(
      listener
        .of('/flaky', loanId)
        .map((r) => r.event.type)
        .sort(),
    ).toEqual(['loan.offer_ready', 'loan.signed']);

    // Replay: the same event again, freshly signed; another channel cannot replay it.
    const deliveries = await deliveriesOf(keyA, loanId);
    const signedDelivery = deliveries.find((d) => d.eventType === 'loan.signed' && d.subscriptionId === subA.id)!;
    expect(signedDelivery).toMatchObject({ status: 'DELIVERED', eventId: sample.event.id });
    expect(
      await refusal(
        api.call('POST', `/v1/webhooks/deliveries/${signedDelivery.id}/replay`, { headers: asChannel(keyB) }),
      ),
    ).toMatchObject({ status: 404 });
    const replayed = await api.call<{ deliveryId: string; replayOf: string }>(
      'POST',
      `/v1/webhooks/deliveries/${signedDelivery.id}/replay`,
      { headers: asChannel(keyA) },
    );
    expect(replayed.replayOf).toBe(signedDelivery.id);
    const again = await until('the replayed delivery', () =>
      listener.received.find((r) => r.deliveryId === replayed.deliveryId),
    );
    expect(again.event).toEqual(sample.event);
    expect(signatureValid(subA.secret, again.signature, again.body)).toBe(true);

    // After a rotation the old secret no longer signs: the listener with the old secret refuses the
    // next replay, and accepts it once it holds the new one.
    const rotated = await api.call<SubscriptionAnswer>('POST', `/v1/webhooks/${subA.id}/rotate-secret`, {
      headers: asChannel(keyA),
    });
    expect(rotated.secret).not.toBe(subA.secret);
    const refusedNow = listener.refused.length;
    const third = await api.call<{ deliveryId: string }>(
      'POST',
      `/v1/webhooks/deliveries/${signedDelivery.id}/replay`,
      {
        headers: asChannel(keyA),
      },
    );
    await until('the old secret’s refusal', () => (listener.refused.length > refusedNow ? true : undefined));
    listener.secrets.set('/a', rotated.secret);
    const accepted = await until('the replay under the new secret', () =>
      listener.received.find((r) => r.deliveryId === third.deliveryId),
    );
    expect(signatureValid(rotated.secret, accepted.signature, accepted.body)).toBe(true);
    expect(signatureValid(subA.secret, accepted.signature, accepted.body)).toBe(false);
    const log = (await deliveriesOf(keyA, loanId)).find((d) => d.id === third.deliveryId)!;
    expect(log.attempts[0]!.statusCode).toBe(401);
    expect(log.status).toBe('DELIVERED');
  });
});
