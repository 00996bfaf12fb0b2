import { Hono } from 'hono';
import { isDbReachable, type Sql } from '../lib/db-client.js';
import type { Logger } from '../lib/logger.js';
import { adminRoutes } from './admin.js';
import { BackgroundLoop } from './background.js';
import { BANK_SIMULATOR_ONLY_PATHS, bankRoutes } from './bank/routes.js';
import { settleDuePayments } from './bank/store.js';
import { bureauRoutes } from './bureau/routes.js';
import { CallbackDispatcher, DEFAULT_CALLBACK_POLICY, type CallbackPolicy } from './callbacks.js';
import { FaultInjector, NO_FAULTS, type FaultSettings } from './faults.js';
import { GATEWAY_FAULT_EXEMPT, gatewayRoutes } from './gateway/routes.js';
import { deliverDueMessages } from './notify/store.js';
import { notifyRoutes } from './notify/routes.js';
import { identityRoutes } from './identity/routes.js';
import { errorResponse } from './responses.js';
import { ensureSimulatorSchema } from './schema.js';

export interface SimulatorDeps {
  /** The simulators' own database (PARTNER_DATABASE_URL). */
  sql: Sql;
  log: Logger;
  /** Signs bank callbacks and delivery receipts (BANK_CALLBACK_SECRET). */
  callbackSecret: string;
  /** Signs the payment gateway's confirmations (GATEWAY_CALLBACK_SECRET). */
  gatewayCallbackSecret: string;
  /** Faults at start; each simulator defaults to none. */
  faults?: Partial<FaultSettings>;
  /** Seed of the fault PRNGs (SIM_SEED), default 1. */
  seed?: number;
  /** How long an injected timeout holds a request, default 30 s. */
  faultHangMs?: number;
  /** Allow POST /admin/reset (SIM_ALLOW_RESET=1). */
  allowReset?: boolean;
  /** Transfers and debits settle this long after acceptance, default 200 ms. */
  settleDelayMs?: number;
  /** Messages are delivered this long after queueing, default 100 ms. */
  deliveryDelayMs?: number;
  /** How long the gateway holds back a LATE confirmation (card ending 3131), default 5 s. */
  gatewayLateDeliveryMs?: number;
  /** Where borrowers' browsers reach the simulators, for the gateway's payUrl (SIM_PUBLIC_URL). */
  publicUrl?: string;
  /** How often the background work looks for due settlements, deliveries and callbacks, default 50 ms. */
  pollIntervalMs?: number;
  callbackPolicy?: Partial<CallbackPolicy>;
  now?: () => Date;
}

export interface SimulatorApp {
  /** Serve with @hono/node-server, or call `app.request()` in-process. */
  app: Hono;
  faults: FaultInjector;
  /** Creates the tables if needed, then starts the background work, which first settles whatever a previous run left pending. */
  start(): Promise<void>;
  /** Stops the background work, releases held (timed-out) requests and waits for callbacks in flight. Leaves `sql` open. */
  stop(): Promise<void>;
}

export const DEFAULT_SETTLE_DELAY_MS = 200;
export const DEFAULT_DELIVERY_DELAY_MS = 100;
export const DEFAULT_GATEWAY_LATE_DELIVERY_MS = 5_000;
const DEFAULT_POLL_INTERVAL_MS = 50;

function isConnectionFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('CONNECT') || code.startsWith('ECONN') || code === '57P01');
}

/** The bank, bureau, notification gateway, payment gateway and identity-verification simulators in one Hono app under /bank, /bureau, /notify, /gateway and /identity, with /admin. */
export function createSimulatorApp(deps: SimulatorDeps): SimulatorApp {
  const { sql } = deps;
  const log = deps.log;
  const now = deps.now ?? (() => new Date());
  const faults = new FaultInjector({
    settings: {
      bank: { ...NO_FAULTS, ...deps.faults?.bank },
      bureau: { ...NO_FAULTS, ...deps.faults?.bureau },
      notify: { ...NO_FAULTS, ...deps.faults?.notify },
      gateway: { ...NO_FAULTS, ...deps.faults?.gateway },
      identity: { ...NO_FAULTS, ...deps.faults?.identity },
    },
    seed: deps.seed ?? 1,
    ...(deps.faultHangMs !== undefined ? { hangMs: deps.faultHangMs } : {}),
  });
  const callbacks = new CallbackDispatcher(
    sql,
    { bank: deps.callbackSecret, notify: deps.callbackSecret, gateway: deps.gatewayCallbackSecret },
    log.child({ component: 'callbacks' }),
    {
      ...DEFAULT_CALLBACK_POLICY,
      ...deps.callbackPolicy,
    },
  );
  const settleDelayMs = deps.settleDelayMs ?? DEFAULT_SETTLE_DELAY_MS;
  const deliveryDelayMs = deps.deliveryDelayMs ?? DEFAULT_DELIVERY_DELAY_MS;
  const bankLog = log.child({ simulator: 'bank' });
  const notifyLog = log.child({ simulator: 'notify' });
  const loop = new BackgroundLoop(
    [
      { name: 'settle-bank-payments', run: () => settleDuePayments(sql, settleDelayMs, bankLog) },
      { name: 'deliver-messages', run: () => deliverDueMessages(sql, deliveryDelayMs, notifyLog) },
      { name: 'dispatch-callbacks', run: () => callbacks.dispatchDue() },
    ],
    deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    log.child({ component: 'background' }),
  );

  const app = new Hono();
  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    log.debug(
      { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });
  app.onError((err, c) => {
    if (isConnectionFailure(err))
      return errorResponse(c, 503, 'SERVICE_UNAVAILABLE', 'Temporarily unavailable, please retry');
    log.error({ err, path: c.req.path }, 'unhandled error');
    return errorResponse(c, 500, 'INTERNAL', 'Internal error');
  });
  app.notFound((c) => errorResponse(c, 404, 'NOT_FOUND', 'No such route'));

  app.get('/healthz', async (c) =>
    (await isDbReachable(sql)) ? c.json({ status: 'ok' }) : c.json({ status: 'unavailable' }, 503),
  );

  app.use(
    '/bank/*',
    faults.middleware('bank', (path) => BANK_SIMULATOR_ONLY_PATHS.includes(path)),
  );
  app.use('/bureau/*', faults.middleware('bureau'));
  app.use('/notify/*', faults.middleware('notify'));
  app.use('/gateway/*', faults.middleware('gateway', GATEWAY_FAULT_EXEMPT));
  app.use('/identity/*', faults.middleware('identity'));
  app.route('/bank', bankRoutes({ sql, log: bankLog }));
  app.route('/bureau', bureauRoutes({ sql, now }));
  app.route('/notify', notifyRoutes({ sql, log: notifyLog }));
  app.route('/identity', identityRoutes());
  app.route(
    '/gateway',
    gatewayRoutes({
      sql,
      log: log.child({ simulator: 'gateway' }),
      now,
      lateDeliveryMs: deps.gatewayLateDeliveryMs ?? DEFAULT_GATEWAY_LATE_DELIVERY_MS,
      ...(deps.publicUrl ? { publicUrl: deps.publicUrl.replace(/\/$/, '') } : {}),
    }),
  );
  app.route(
    '/admin',
    adminRoutes({ sql, log: log.child({ component: 'admin' }), faults, allowReset: deps.allowReset ?? false }),
  );

  return {
    app,
    faults,
    async start() {
      await ensureSimulatorSchema(sql);
      loop.start();
    },
    async stop() {
      await loop.stop();
      faults.releaseHeldRequests();
      await callbacks.drain();
    },
  };
}
