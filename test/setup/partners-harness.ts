import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { connectDb, type Sql } from '../../lib/db-client.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../ops/embedded-postgres.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import { freePort } from '../../lib/ports.js';
import { createBankClient, type BankClient } from '../../partners/bank-client.js';
import { createBureauClient, type BureauClient } from '../../partners/bureau-client.js';
import type { RetryPolicy } from '../../partners/http.js';
import { createNotifyClient, type NotifyClient } from '../../partners/notify-client.js';
import { createSimulatorAdminClient, type SimulatorAdminClient } from '../../simulators/admin-client.js';
import { createSimulatorApp, type SimulatorApp, type SimulatorDeps } from '../../simulators/main.js';

// Starts what the partner tests need and nothing else: an embedded postgres on a free port with a
// throw-away data folder, and the simulator app served over real HTTP on another free port.

export const TEST_CALLBACK_SECRET = 'partners-test-callback-secret';
export const TEST_GATEWAY_CALLBACK_SECRET = 'partners-test-gateway-secret';

export type SimulatorOverrides = Partial<
  Omit<SimulatorDeps, 'sql' | 'log' | 'callbackSecret' | 'gatewayCallbackSecret'>
>;

export interface PartnerClients {
  bank: BankClient;
  bureau: BureauClient;
  notify: NotifyClient;
  admin: SimulatorAdminClient;
}

export interface PartnersHarness extends PartnerClients {
  rootUrl: string;
  bankUrl: string;
  bureauUrl: string;
  notifyUrl: string;
  databaseUrl: string;
  /** For assertions against the simulator tables. */
  sql: Sql;
  log: Logger;
  callbackSecret: string;
  gatewayCallbackSecret: string;
  simulator(): SimulatorApp;
  /** Clients with other timeouts or retries. */
  clients(options?: { timeoutMs?: number; retry?: Partial<RetryPolicy> }): PartnerClients;
  /** Stops serving and stops the app's background work; the database stays. */
  stopSimulator(): Promise<void>;
  /** A brand-new app (and connection pool) on the same database and port; `overrides` apply to it alone. */
  startSimulator(overrides?: SimulatorOverrides): Promise<void>;
  close(): Promise<void>;
}

interface Running {
  app: SimulatorApp;
  server: Server;
  sql: Sql;
}

const FAST_RETRY: Partial<RetryPolicy> = { limit: 2, baseDelayMs: 20, maxDelayMs: 200 };

function listen(app: SimulatorApp, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.app.fetch, port, hostname: '127.0.0.1' }) as Server;
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** `options.simulator` applies to the first simulator app only; see startSimulator for later ones. */
export async function startPartnersHarness(options: { simulator?: SimulatorOverrides } = {}): Promise<PartnersHarness> {
  const log = createLogger('partners-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const pg: EmbeddedPostgresHandle = await startEmbeddedPostgres({
    dataDir: join(tmpdir(), `partners-pg-${process.pid}-${randomUUID()}`),
    port: await freePort(),
    persistent: false,
  });
  await pg.ensureDatabase('partners');
  const databaseUrl = pg.urlFor('partners');
  const sql = connectDb(databaseUrl, { max: 4, applicationName: 'partners-test' });
  const port = await freePort();
  const rootUrl = `http://127.0.0.1:${port}`;
  const defaults: SimulatorOverrides = { allowReset: true, faultHangMs: 3_000 };

  let running: Running | undefined;

  const startSimulator = async (overrides: SimulatorOverrides = {}) => {
    if (running) throw new Error('the simulator is already running');
    const appSql = connectDb(databaseUrl, { max: 10, applicationName: 'partner-simulators' });
    const app = createSimulatorApp({
      sql: appSql,
      log,
      callbackSecret: TEST_CALLBACK_SECRET,
      gatewayCallbackSecret: TEST_GATEWAY_CALLBACK_SECRET,
      ...defaults,
      ...overrides,
    });
    await app.start();
    running = { app, sql: appSql, server: await listen(app, port) };
  };

  const stopSimulator = async () => {
    if (!running) return;
    const { app, server, sql: appSql } = running;
    running = undefined;
    await app.stop();
    await closeServer(server);
    await appSql.end({ timeout: 5 });
  };

  const clients = (clientOptions: { timeoutMs?: number; retry?: Partial<RetryPolicy> } = {}): PartnerClients => {
    const common = { timeoutMs: clientOptions.timeoutMs ?? 5_000, log, retry: clientOptions.retry ?? FAST_RETRY };
    return {
      bank: createBankClient({ ...common, baseUrl: `${rootUrl}/bank` }),
      bureau: createBureauClient({ ...common, baseUrl: `${rootUrl}/bureau` }),
      notify: createNotifyClient({ ...common, baseUrl: `${rootUrl}/notify` }),
      admin: createSimulatorAdminClient({ ...common, baseUrl: rootUrl }),
    };
  };

  await startSimulator(options.simulator);

  return {
    ...clients(),
    rootUrl,
    bankUrl: `${rootUrl}/bank`,
    bureauUrl: `${rootUrl}/bureau`,
    notifyUrl: `${rootUrl}/notify`,
    databaseUrl,
    sql,
    log,
    callbackSecret: TEST_CALLBACK_SECRET,
    gatewayCallbackSecret: TEST_GATEWAY_CALLBACK_SECRET,
    simulator: () => {
      if (!running) throw new Error('the simulator is not running');
      return running.app;
    },
    clients,
    stopSimulator,
    startSimulator,
    async close() {
      await stopSimulator();
      await sql.end({ timeout: 5 });
      await pg.stop();
    },
  };
}

export interface ReceivedCallback {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Answered with this status. */
  status: number;
}

export interface CallbackReceiver {
  /** e.g. "http://127.0.0.1:43567"; append any path. */
  url: string;
  received: ReceivedCallback[];
  /** Decides the status for each request (default 200), e.g. to make the sender retry. */
  answerWith(decide: (path: string, attempt: number) => number): void;
  waitFor(predicate: (callback: ReceivedCallback) => boolean, timeoutMs?: number): Promise<ReceivedCallback>;
  close(): Promise<void>;
}

/** A tiny HTTP server that records every request, standing in for our API's callback endpoints. */
export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const attempts = new Map<string, number>();
  let decide: (path: string, attempt: number) => number = () => 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const attempt = (attempts.get(path) ?? 0) + 1;
      attempts.set(path, attempt);
      const status = decide(path, attempt);
      received.push({ path, headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answerWith(next) {
      decide = next;
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(predicate);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no matching callback within ${timeoutMs} ms (got ${received.length})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => closeServer(server),
  };
}

/** Polls `read` until `done` holds or the time is up. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
