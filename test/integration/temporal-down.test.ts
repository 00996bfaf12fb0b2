// The API while Temporal cannot be reached: loans still read from PostgreSQL as before, and
// every call that needs Temporal gets a prompt 503 with the usual bilingual error body,
// never a wait of many seconds and never a 500. An API instance built the way api/main.ts builds
// it (same connection options, same app) talks to the stack's Temporal through a TCP proxy the
// test controls: forwarding, refusing connections (Temporal down), or accepting them and never
// answering (Temporal stalled), then forwarding again (Temporal back).
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer, connect, type Server as TcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApi } from '../../api/build-api.js';
import { messageSealing } from '../../api/message-sealing.js';
import { temporalConnectionOptions } from '../../api/workflow-errors.js';
import { loadConfig } from '../../config/index.js';
import { connectDb, type Sql } from '../../lib/db-client.js';
import { createLogger } from '../../lib/logger.js';
import { freePort } from '../../lib/ports.js';
import { callbackSignatureHeaders } from '../../partners/signature.js';
import { createSecurity } from '../../security/authenticator.js';
import { temporalDataConverter } from '../../security/payload-codec.js';
import '../setup/provided.js';
import {
  ApiCallError,
  ApiClient,
  personalLoanApplication,
  type Borrower,
  type Session,
} from '../../drivers/api-client.js';

const stack = inject('stack');
const stackApi = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const CALL_TIMEOUT_MS = 3_000;
const UPDATE_TIMEOUT_MS = 4_000;

type Mode = 'forward' | 'refuse' | 'hang';

/** A TCP proxy in front of Temporal whose behaviour the test switches. */
class TemporalProxy {
  private server: TcpServer | null = null;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  async set(mode: Mode): Promise<void> {
    await this.stop();
    if (mode === 'refuse') return;
    const server = createServer((client) => {
      this.track(client);
      if (mode === 'hang') return; // accepted, never answered
      const upstream = this.track(connect(this.target.port, this.target.host));
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  /**
   * Closes the port and cuts every open connection, as a stopped server does. The port closes
   * first: a client that reconnects the moment its connection is cut must meet a refusal, not a
   * new connection still forwarded to Temporal.
   */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise((resolve) => server.close(resolve)) : Promise.resolve();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }
}

let proxy: TemporalProxy;
let sql: Sql;
let connection: Connection;
let server: Server;
let api: ApiClient;
let borrower: Borrower;
let session: Session;
let loanId: string;

beforeAll(async () => {
  const [host, port] = stack.temporalAddress.split(':') as [string, string];
  proxy = new TemporalProxy(await freePort(), { host, port: Number(port) });
  await proxy.set('forward');

  // What api/main.ts does, pointed at the proxy.
  const config = loadConfig({
    APP_MODE: 'local',
    LOG_LEVEL: 'silent',
    DATABASE_URL: stack.databaseUrl,
    DATA_DIR: stack.dataDir,
    DATA_KEY_FILE: stack.dataKeyFile,
    TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`,
    TEMPORAL_CALL_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
    TEMPORAL_UPDATE_TIMEOUT_MS: String(UPDATE_TIMEOUT_MS),
  });
  sql = connectDb(stack.databaseUrl, { max: 4, applicationName: 'temporal-down-test' });
  const security = createSecurity({ config, sql });
  connection = await Connection.connect(temporalConnectionOptions(config));
  const temporal = new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: temporalDataConverter(security.keyring),
    // As api/main.ts: the worker takes only the messages the API sealed.
    interceptors: { workflow: [messageSealing(security.keyring)] },
  });
  const log = createLogger('temporal-down-test', 'silent');
  const app = buildApi(
    {
      config,
      sql,
      temporal,
      log,
      auth: security.auth,
      keyring: security.keyring,
      cipher: security.cipher,
      now: () => new Date(),
    },
    security,
  );
  const apiPort = await freePort();
  server = serve({ fetch: app.fetch, port: apiPort, hostname: '127.0.0.1' }) as Server;
  api = new ApiClient(`http://127.0.0.1:${apiPort}`, { simulatorUrl: stack.simulatorUrl });

  borrower = await stackApi.registerBorrower({ profileDigit: 1 });
  session = await api.login(borrower.phone, borrower.password);
  ({ loanId } = await api.applyForLoan(session.token, borrower, { amount: '8000.00' }));
});

afterAll(async () => {
  await proxy?.set('forward');
  if (session && loanId)
    await api
      .call('POST', `/v1/loans/${loanId}/withdraw`, { token: session.token, body: { reason: 'test finished' } })
      .catch(() => undefined);
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await connection?.close();
  await sql?.end({ timeout: 5 });
  await proxy?.stop();
});

interface Answer {
  status: number;
  ms: number;
  body: {
    status?: string;
    checks?: Record<string, string>;
    error?: { code: string; message: { zh: string; en: string }; requestId?: string };
  };
}

/** One request to the API under test; no answer within 20 s fails the test. */
async function timed(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.raw !== undefined) headers['content-type'] = 'application/json';
  const started = performance.now();
  const response = await fetch(new URL(path, api.baseUrl), {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    signal: AbortSignal.timeout(20_000),
  });
  const body = (await response.json()) as Answer['body'];
  return { status: response.status, ms: Math.round(performance.now() - started), body };
}

/** A signed bank callback for the loan: the API signals its workflow, so it waits for Temporal as a start or a signal does. */
async function timedSignal(): Promise<Answer> {
  const callback = JSON.stringify({
    kind: 'TRANSFER',
    transferId: `trf_${randomUUID()}`,
    idempotencyKey: `test:${randomUUID()}`,
    reference: loanId,
    status: 'FAILED',
    failureReason: 'TEST',
    amount: '1.00',
    currency: 'CNY',
    createdAt: new Date().toISOString(),
  });
  return timed('POST', '/v1/partners/bank/callbacks', {
    raw: callback,
    headers: callbackSignatureHeaders(stack.bankCallbackSecret, callback),
  });
}

/** The loan's detail is served from PostgreSQL: promptly, and the same, whatever Temporal is doing. */
async function expectDetailAsBefore(): Promise<void> {
  const loan = await timed('GET', `/v1/loans/${loanId}`, { token: session.token });
  expect(loan.status, JSON.stringify(loan.body)).toBe(200);
  expect(loan.ms).toBeLessThan(3_000);
  expect(loan.body).toEqual(detailWhileUp);
}

function expectWorkflow503(answer: Answer, code = 'WORKFLOW_SERVICE_UNAVAILABLE'): void {
  expect(answer.status, JSON.stringify(answer)).toBe(503);
  expect(answer.body.error).toMatchObject({
    code,
    message: { zh: expect.stringMatching(/流程服务/), en: expect.stringMatching(/workflow service/) },
  });
  expect(answer.body.error?.requestId).toEqual(expect.any(String));
}

/** Forwards to Temporal again: the API is ready within seconds (gRPC's reconnect backoff is capped at 5 s). */
async function temporalBack(): Promise<void> {
  await proxy.set('forward');
  const deadline = Date.now() + 20_000;
  let ready = await timed('GET', '/readyz');
  while (ready.status !== 200 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    ready = await timed('GET', '/readyz');
  }
  expect(ready.status).toBe(200);
}

let detailWhileUp: Answer['body'];

describe('the API while Temporal is unreachable', () => {
  it('answers normally through the proxy while Temporal is up', async () => {
    const ready = await timed('GET', '/readyz');
    expect(ready).toMatchObject({ status: 200, body: { status: 'ok', checks: { db: 'ok', temporal: 'ok' } } });
    const loan = await timed('GET', `/v1/loans/${loanId}`, { token: session.token });
    expect(loan.status, JSON.stringify(loan.body)).toBe(200);
    // The loan waits for documents from here on: nothing changes it while Temporal is away.
    await stackApi.waitForLoanStatus(session.token, loanId, 'AWAITING_DOCUMENTS');
    await expect
      .poll(
        async () =>
          ((await timed('GET', `/v1/loans/${loanId}`, { token: session.token })).body as { timeline?: unknown[] })
            .timeline?.length ?? 0,
        { timeout: 15_000 },
      )
      .toBeGreaterThanOrEqual(2);
    detailWhileUp = (await timed('GET', `/v1/loans/${loanId}`, { token: session.token })).body;
  });

  // Before the refusals: after refused connections gRPC waits out its reconnect backoff, failing
  // calls at once, so the hang would not be reached.
  it('answers 503 once the deadline passes while Temporal accepts connections but never answers', async () => {
    await proxy.set('hang');

    const ready = await timed('GET', '/readyz');
    expect(ready).toMatchObject({
      status: 503,
      body: { status: 'unavailable', checks: { db: 'ok', temporal: 'down' } },
    });
    expect(ready.ms).toBeLessThan(3_000);

    await expectDetailAsBefore();
    const signal = await timedSignal();
    expectWorkflow503(signal);
    expect(signal.ms).toBeGreaterThanOrEqual(CALL_TIMEOUT_MS - 500);
    expect(signal.ms).toBeLessThan(CALL_TIMEOUT_MS + 2_000);

    // Today's payoff is only ever the workflow's answer: never the stored figure in its place.
    const payoff = await timed('GET', `/v1/loans/${loanId}/payoff`, { token: session.token });
    expectWorkflow503(payoff);
    expect(payoff.ms).toBeLessThan(CALL_TIMEOUT_MS + 2_000);

    // An update that may have reached the workflow says so: check the loan before retrying.
    const update = await timed('POST', `/v1/loans/${loanId}/withdraw`, {
      token: session.token,
      body: { reason: '不需要了' },
    });
    expectWorkflow503(update, 'WORKFLOW_TIMEOUT');
    expect(update.ms).toBeGreaterThanOrEqual(UPDATE_TIMEOUT_MS - 500);
    expect(update.ms).toBeLessThan(UPDATE_TIMEOUT_MS + 2_000);
  });

  it('answers 503 within about a second while Temporal refuses connections', async () => {
    await proxy.set('refuse');

    const ready = await timed('GET', '/readyz');
    expect(ready).toMatchObject({
      status: 503,
      body: { status: 'unavailable', checks: { db: 'ok', temporal: 'down' } },
    });
    expect(ready.ms).toBeLessThan(3_000);

    await expectDetailAsBefore();
    const signal = await timedSignal();
    expectWorkflow503(signal);
    expect(signal.ms).toBeLessThan(3_000);
    const payoff = await timed('GET', `/v1/loans/${loanId}/payoff`, { token: session.token });
    expectWorkflow503(payoff);
    expect(payoff.ms).toBeLessThan(3_000);

    const update = await timed('POST', `/v1/loans/${loanId}/withdraw`, {
      token: session.token,
      body: { reason: '不需要了' },
    });
    expectWorkflow503(update);
    expect(update.ms).toBeLessThan(3_000);

    // An update sent from a route that does not go through callWorkflow: the API's last-resort handler.
    const notice = JSON.stringify({
      paymentId: `in-${randomUUID()}`,
      reference: loanId,
      amount: '10.00',
      receivedAt: new Date().toISOString(),
    });
    const incoming = await timed('POST', '/v1/partners/bank/incoming', {
      raw: notice,
      headers: callbackSignatureHeaders(stack.bankCallbackSecret, notice),
    });
    expectWorkflow503(incoming);
    expect(incoming.ms).toBeLessThan(3_000);
  });

  it('keeps a document stored while Temporal was down missing on the page, and delivers it with the next upload', async () => {
    await temporalBack();
    const applicant = await stackApi.registerBorrower({ profileDigit: 1 });
    const own = await api.login(applicant.phone, applicant.password);
    const { loanId: id, requiredDocuments } = await api.applyForLoan(own.token, applicant, { amount: '6000.00' });
    await api.waitForLoanStatus(own.token, id, 'AWAITING_DOCUMENTS');
    const first = requiredDocuments[0]!;

    await proxy.set('refuse');
    const refused = await api.uploadRequiredDocuments(own.token, id, [first]).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ApiCallError);
    expect((refused as ApiCallError).status).toBe(503);
    const [waiting] = await sql<{ id: string; delivered_at: Date | null }[]>`
      select id, delivered_at from documents where loan_id = ${id}`;
    expect(waiting).toMatchObject({ delivered_at: null });
    // Sent again while Temporal is still away: the waiting document cannot go first, so nothing more is stored.
    const again503 = await api.uploadRequiredDocuments(own.token, id, [first]).catch((err: unknown) => err);
    expect((again503 as ApiCallError).status).toBe(503);
    expect(await sql`select id from documents where loan_id = ${id}`).toHaveLength(1);
    const [auditedUpload] = await sql`
      select 1 from audit_log where action = 'DOCUMENT_UPLOADED' and resource_id = ${waiting!.id}`;
    expect(auditedUpload).toBeDefined();
    // Listed, but still missing: the workflow never heard of it, so the client sends it again.
    const page = await api.loan(own.token, id);
    // (Now and then the signal reaches Temporal though the API saw it fail, its answer lost with the
    // connection: then the workflow has the document and rightly no longer asks for it.)
    const [handedOver] = await sql<{ view_fields: { documents?: Array<{ documentId: string }> } }[]>`
      select view_fields from loans where id = ${id}`;
    const workflowHasIt = (handedOver!.view_fields.documents ?? []).some((d) => d.documentId === waiting!.id);
    expect((page.missingDocuments as string[]).includes(first)).toBe(!workflowHasIt);
    expect((page.documents as Array<{ documentId: string }>).map((d) => d.documentId)).toContain(waiting!.id);

    await temporalBack();
    const [again] = await api.uploadRequiredDocuments(own.token, id, [first]);
    const rows = await sql<{ id: string; delivered_at: Date | null }[]>`
      select id, delivered_at from documents where loan_id = ${id} order by created_at`;
    expect(rows.map((r) => r.id)).toEqual([waiting!.id, again!.documentId]);
    expect(rows.every((r) => r.delivered_at !== null)).toBe(true);
    const after = await api.loan(own.token, id);
    expect(after.missingDocuments).not.toContain(first);
    // The workflow has every document: it moves on once the rest arrive.
    await api.uploadRequiredDocuments(own.token, id, requiredDocuments.slice(1));
    const moved = await api.waitForLoanStatus(own.token, id, [
      'ASSESSING',
      'INITIAL_REVIEW',
      'AWAITING_SIGNATURE',
      'REJECTED',
    ]);
    expect(moved.status).not.toBe('AWAITING_DOCUMENTS');
    await api.call('POST', `/v1/loans/${id}/withdraw`, { token: own.token, body: { reason: 'test finished' } });
  });

  it('starts a loan refused while Temporal was down when the same request is sent again after it is back', async () => {
    const second = await stackApi.registerBorrower({ profileDigit: 1 });
    const secondSession = await api.login(second.phone, second.password);
    const key = `test-${randomUUID()}`;
    // The same request again: one body under the key (another body under it is 422).
    const application = personalLoanApplication(second, { amount: '6000.00', termCount: 6 });
    await proxy.set('refuse');
    const refused = await timed('POST', '/v1/applications', {
      token: secondSession.token,
      body: application,
      headers: { 'idempotency-key': key },
    });
    expectWorkflow503(refused);
    expect(refused.ms).toBeLessThan(3_000);

    await temporalBack();
    const retried = await timed('POST', '/v1/applications', {
      token: secondSession.token,
      body: application,
      headers: { 'idempotency-key': key },
    });
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    const started = (retried.body as { loanId?: string }).loanId!;
    const loan = await timed('GET', `/v1/loans/${started}`, { token: secondSession.token });
    expect(loan.status, JSON.stringify(loan.body)).toBe(200);
    await api.call('POST', `/v1/loans/${started}/withdraw`, {
      token: secondSession.token,
      body: { reason: 'test finished' },
    });
  });
});
