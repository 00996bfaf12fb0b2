// A whole stack for one drill, on free ports, with PostgreSQL and the Temporal dev server
// started here (not by the stack) when the drill must stop and restart them: both keep their
// data on disk, so a restart loses nothing but time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDb, type Sql } from '../../lib/db-client.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../ops/embedded-postgres.js';
import { createLogger } from '../../lib/logger.js';
import { freePort } from '../../lib/ports.js';
import { startStack, type RunningStack } from '../../ops/stack.js';
import { startTemporalDevServer, type DevServerHandle } from '../../ops/temporal-server.js';
import { createBankClient, type BankClient } from '../../partners/bank-client.js';
import { createSimulatorAdminClient, type SimulatorAdminClient } from '../../simulators/admin-client.js';
import { ApiClient } from '../../drivers/api-client.js';
import { StatusWatcher } from '../../drivers/origination.js';

export interface DrillStack {
  stack: RunningStack;
  api: ApiClient;
  sql: Sql;
  admin: SimulatorAdminClient;
  bank: BankClient;
  watcher: StatusWatcher;
  /** Service output lines, for a failing drill's message. */
  logs: string[];
  /**
   * Services that died on their own; the stack's supervisor (ops/stack.ts) starts them again,
   * as docker-compose's `restart: unless-stopped` does in production. The drill reports them.
   */
  crashes: Array<{ service: string; code: number | null; at: string; lastLines: string[] }>;
  /** SIGKILLs the worker and waits for the stack's supervisor to start a new one. */
  killWorker(): Promise<void>;
  /** Stops PostgreSQL, runs `whileDown`, starts it again on the same data and port. */
  restartPostgres(whileDown: () => Promise<void>): Promise<void>;
  /** Stops the Temporal dev server, runs `whileDown`, starts it again on the same SQLite file and port. */
  restartTemporal(whileDown: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface DrillOptions {
  ownPostgres?: boolean;
  ownTemporal?: boolean;
  /**
   * The production shape (ops/temporal-cluster.ts): the full Temporal server on PostgreSQL, two
   * workers (`worker`, which killWorker() kills, and `worker-2`) and two APIs behind one port;
   * restartTemporal() restarts the server process, history service and all.
   */
  cluster?: boolean;
  env?: NodeJS.ProcessEnv;
}

export async function startDrillStack(options: DrillOptions = {}): Promise<DrillStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'microloan-drill-'));
  const logs: string[] = [];
  const keep = (service: string, line: string) => {
    logs.push(`[${service}] ${line}`);
    if (logs.length > 400) logs.shift();
    if (process.env.TEST_STACK_LOGS) process.stderr.write(`[${service}] ${line}\n`);
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    APP_MODE: 'local',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    PASSWORD_HASH_COST: 'test',
    SIM_ALLOW_RESET: '1',
    SIM_SETTLE_DELAY_MS: '50',
    ...options.env,
  };

  const pgPort = await freePort();
  const pgDir = join(dataDir, 'own-postgres');
  const startPg = () =>
    startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, persistent: true, onLog: (l) => keep('postgres', l.trim()) });
  let pg: EmbeddedPostgresHandle | undefined;
  if (options.ownPostgres) {
    pg = await startPg();
    await pg.ensureDatabase('microloan');
    await pg.ensureDatabase('partners');
    env.DATABASE_URL = pg.urlFor('microloan');
    env.PARTNER_DATABASE_URL = pg.urlFor('partners');
  }

  const temporalPort = await freePort();
  const startTemporal = () =>
    startTemporalDevServer({
      port: temporalPort,
      dbFile: join(dataDir, 'own-temporal.db'),
      runDir: join(dataDir, 'own-run'),
      onOutput: (l) => keep('temporal', l),
    });
  let temporal: DevServerHandle | undefined;
  if (options.ownTemporal) {
    temporal = await startTemporal();
    env.TEMPORAL_ADDRESS = temporal.address;
  }

  const crashes: DrillStack['crashes'] = [];
  /** Worker pids killWorker() killed: the supervisor restarts them, but they are not crashes. */
  const killedOnPurpose = new Set<number>();
  const stack = await startStack({
    dataDir,
    apiPort: await freePort(),
    simulatorPort: await freePort(),
    embeddedPgPort: await freePort(),
    temporalPort: await freePort(),
    ...(options.cluster ? { temporal: 'cluster' as const, workers: 2, apis: 2 } : {}),
    persistent: false,
    env,
    output: keep,
    onUnexpectedExit: (exit) => {
      if (exit.pid !== undefined && killedOnPurpose.has(exit.pid)) return;
      const name = exit.service;
      const how = exit.signal ? `killed by ${exit.signal}` : `code ${exit.code}`;
      crashes.push({
        service: name,
        code: exit.code,
        at: new Date().toISOString(),
        lastLines: logs.filter((l) => l.startsWith(`[${name}]`)).slice(-8),
      });
      process.stderr.write(
        `drill: ${name} exited on its own (${how}); the stack starts it again in ${exit.restartInMs / 1000} s\n`,
      );
    },
  }).catch(async (err: Error) => {
    await temporal?.stop();
    await pg?.stop();
    process.stderr.write(`${logs.slice(-40).join('\n')}\n`);
    throw err;
  });

  const log = createLogger('drill', 'silent');
  const sql = connectDb(stack.databaseUrl, { max: 4, applicationName: 'drill' });
  const drill: DrillStack = {
    stack,
    api: new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl }),
    sql,
    admin: createSimulatorAdminClient({ baseUrl: stack.simulatorUrl, log }),
    bank: createBankClient({ baseUrl: `${stack.simulatorUrl}/bank`, log, timeoutMs: 10_000 }),
    watcher: new StatusWatcher(sql, 200),
    logs,
    crashes,
    async killWorker() {
      // The handle stays; its child is replaced when the supervisor starts the worker again.
      const worker = stack.services.get('worker')!;
      const pid = worker.child.pid!;
      killedOnPurpose.add(pid);
      process.kill(pid, 'SIGKILL');
      const deadline = Date.now() + 90_000;
      while (worker.child.pid === pid) {
        if (Date.now() > deadline) throw new Error('the stack did not start the killed worker again within 90 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async restartPostgres(whileDown) {
      if (!pg) throw new Error('the drill stack was started without its own PostgreSQL');
      await pg.stop();
      try {
        await whileDown();
      } finally {
        pg = await startPg();
      }
    },
    async restartTemporal(whileDown) {
      if (stack.temporalCluster) return stack.temporalCluster.restartServer(whileDown);
      if (!temporal) throw new Error('the drill stack was started without its own Temporal server');
      await temporal.stop();
      try {
        await whileDown();
      } finally {
        temporal = await startTemporal();
      }
    },
    async stop() {
      await sql.end({ timeout: 5 }).catch(() => {});
      await stack.stop();
      await temporal?.stop();
      await pg?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return drill;
}
