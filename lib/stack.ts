import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrate } from '../db/migrate.js';
import { connectDb } from '../db/client.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';
import { spawnManaged, stopLeftovers, type ManagedProcess } from './managed-process.js';
import { createSupervisor, howItEnded, type SupervisedService, type UnexpectedExit as SupervisorExit } from './supervisor.js';
import { isPortFree, waitForPort } from './ports.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { startTemporalDevServer, type DevServerHandle } from './temporal-server.js';
import { ROOT } from './tools.js';
import { loadKeyring } from '../security/keyring.js';

export interface StackOptions {
  dataDir: string;
  apiPort: number;
  simulatorPort: number;
  embeddedPgPort: number;
  temporalPort: number;
  /** Temporal Web port; none: no Temporal Web. */
  temporalUiPort?: number;
  /** Keep Postgres and Temporal data across restarts (the local stack) or not (test runs). */
  persistent: boolean;
  /** Settings handed to every child process, e.g. DATABASE_URL to use an external database. */
  env: NodeJS.ProcessEnv;
  progress?: (line: string) => void;
  output?: (service: string, line: string) => void;
  /** Told of each child that exited unasked, as the stack schedules its restart (drills record these). */
  onUnexpectedExit?: (exit: UnexpectedExit) => void;
}

export type UnexpectedExit = SupervisorExit<StackService>;

export type StackService = 'api' | 'worker' | 'simulators';

export interface RunningStack {
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  simulatorUrl: string;
  temporalAddress: string;
  /** Temporal Web of the embedded dev server, when one was started with a UI port. */
  temporalWebUrl?: string;
  databaseUrl: string;
  partnerDatabaseUrl: string;
  /**
   * One handle per child service, kept across restarts: `child` is its current process, and
   * `exited` resolves only when the service is stopped (its own stop() or the stack's), not when
   * it dies and the stack starts it again.
   */
  services: Map<string, ManagedProcess>;
  /** Restarts one child process (the worker, say) with the same settings; used by drills. */
  restart(service: StackService): Promise<void>;
  stop(): Promise<void>;
}

const ENTRY_POINTS = {
  simulators: 'simulators/main.ts',
  worker: 'worker/main.ts',
  api: 'api/main.ts',
} as const satisfies Record<StackService, string>;

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const progress = options.progress ?? (() => {});
  const dataDir = resolve(options.dataDir);
  const runDir = resolve(dataDir, 'run');
  mkdirSync(runDir, { recursive: true });
  const stoppers: Array<() => Promise<void>> = [];
  const env: NodeJS.ProcessEnv = { ...options.env, DATA_DIR: dataDir, STACK_PARENT_PID: String(process.pid) };
  const services = new Map<string, SupervisedService>();
  const supervisor = createSupervisor<StackService>({ progress, output: options.output, onUnexpectedExit: options.onUnexpectedExit });
  // Until the stack is up, a child that exits fails the start instead of being restarted.
  const unlessStartFails = <T>(step: Promise<T>) => Promise.race([step, supervisor.startFailed]);

  try {
    await stopLeftovers(runDir);
    // Created once here in local mode, so the API and the worker never race to create it; a bad
    // key setting stops everything before anything starts.
    loadKeyring({ APP_MODE: (env.APP_MODE as 'local' | 'production') ?? 'local', DATA_KEYS: env.DATA_KEYS, DATA_KEY_FILE: env.DATA_KEY_FILE, DATA_DIR: dataDir }, env);
    for (const [setting, port] of [['PORT', options.apiPort], ['SIMULATOR_PORT', options.simulatorPort]] as const) {
      if (!(await isPortFree(port))) throw new ConfigError(setting, `${port} is already in use`);
    }
    let pg: EmbeddedPostgresHandle | undefined;
    if (!env.DATABASE_URL || !env.PARTNER_DATABASE_URL) {
      progress(`Starting embedded PostgreSQL on port ${options.embeddedPgPort}…`);
      pg = await startEmbeddedPostgres({
        dataDir: resolve(dataDir, 'postgres'),
        port: options.embeddedPgPort,
        persistent: options.persistent,
        onLog: (line) => options.output?.('postgres', line.trim()),
      });
      stoppers.push(() => pg!.stop());
      if (!env.DATABASE_URL) {
        await pg.ensureDatabase('microloan');
        env.DATABASE_URL = pg.urlFor('microloan');
      }
      if (!env.PARTNER_DATABASE_URL) {
        await pg.ensureDatabase('partners');
        env.PARTNER_DATABASE_URL = pg.urlFor('partners');
      }
    }

    progress('Applying database migrations…');
    const sql = connectDb(env.DATABASE_URL!, { max: 1, applicationName: 'microloan-migrate' });
    try {
      const applied = await migrate(sql).catch((err: Error) => {
        throw new ConfigError('DATABASE_URL', `cannot be used: ${err.message}`);
      });
      if (applied.length) progress(`Applied ${applied.join(', ')}`);
    } finally {
      await sql.end();
    }

    let temporal: DevServerHandle | undefined;
    if (!env.TEMPORAL_ADDRESS) {
      progress(`Starting the Temporal dev server on port ${options.temporalPort}…`);
      temporal = await startTemporalDevServer({
        port: options.temporalPort,
        uiPort: options.temporalUiPort,
        dbFile: options.persistent ? resolve(dataDir, 'temporal.db') : undefined,
        codecEndpoint: `http://localhost:${options.apiPort}/codec`,
        retentionDays: loadConfig(env).TEMPORAL_RETENTION_DAYS,
        runDir,
        onOutput: (line) => options.output?.('temporal', line),
      });
      stoppers.push(() => temporal!.stop());
      env.TEMPORAL_ADDRESS = temporal.address;
      // The codec's CORS answers Temporal Web's origin (api/routes/codec.ts).
      if (options.temporalUiPort) env.TEMPORAL_UI_PORT = String(options.temporalUiPort);
    }

    const simulatorUrl = `http://127.0.0.1:${options.simulatorPort}`;
    const needsSimulators = !env.BANK_URL || !env.BUREAU_URL || !env.NOTIFY_URL;
    env.SIMULATOR_PORT = String(options.simulatorPort);
    env.BANK_URL ??= `${simulatorUrl}/bank`;
    env.BUREAU_URL ??= `${simulatorUrl}/bureau`;
    env.NOTIFY_URL ??= `${simulatorUrl}/notify`;
    env.PORT = String(options.apiPort);
    env.PUBLIC_API_URL ??= `http://127.0.0.1:${options.apiPort}`;

    const spawnService = (service: StackService) =>
      spawnManaged({
        name: service,
        command: process.execPath,
        args: ['--import', 'tsx', resolve(ROOT, ENTRY_POINTS[service])],
        cwd: ROOT,
        env,
        pidFile: resolve(runDir, `${service}.pid`),
        onOutput: (line) => options.output?.(service, line),
      });
    /** Starts the service under supervision, or starts it again. */
    const launch = async (service: StackService) => {
      const known = services.get(service);
      if (known) return known.restart();
      services.set(service, await supervisor.supervise({ name: service, spawn: () => spawnService(service) }));
    };
    const waitUntilUp = async (service: StackService, port: number) => {
      const proc = services.get(service)!.process;
      const died = proc.exited.then((code) => {
        throw new Error(`${service} exited during start-up (${howItEnded(proc, code)}); see its log lines above`);
      });
      died.catch(() => {});
      await Promise.race([waitForPort(port, 120_000), died]);
    };

    // Bundled in a short-lived process of its own, so webpack's memory never lives in the worker.
    const bundlePath = resolve(runDir, 'workflow-bundle.js');
    const bundleBuilt = env.WORKFLOW_BUNDLE_PATH ? Promise.resolve() : buildWorkflowBundle(bundlePath, env, options.output);
    bundleBuilt.catch(() => {});
    if (needsSimulators) {
      progress(`Starting the partner simulators (bank, credit bureau, SMS/email) on port ${options.simulatorPort}…`);
      await launch('simulators');
      await waitUntilUp('simulators', options.simulatorPort);
    }
    progress('Starting the worker…');
    await unlessStartFails(bundleBuilt);
    env.WORKFLOW_BUNDLE_PATH ??= bundlePath;
    await launch('worker');
    progress(`Starting the API on port ${options.apiPort}…`);
    await launch('api');
    await unlessStartFails(waitUntilUp('api', options.apiPort));
    await unlessStartFails(waitForReady(`http://127.0.0.1:${options.apiPort}/readyz`, 120_000));
    supervisor.up();

    return {
      env,
      apiUrl: `http://127.0.0.1:${options.apiPort}`,
      simulatorUrl,
      temporalAddress: env.TEMPORAL_ADDRESS!,
      temporalWebUrl: temporal?.webUrl,
      databaseUrl: env.DATABASE_URL!,
      partnerDatabaseUrl: env.PARTNER_DATABASE_URL!,
      services,
      async restart(service) {
        await launch(service);
        if (service === 'api') await waitUntilUp('api', options.apiPort);
        if (service === 'simulators') await waitUntilUp('simulators', options.simulatorPort);
      },
      async stop() {
        await supervisor.stop();
        for (const stop of stoppers.reverse()) await stop();
      },
    };
  } catch (err) {
    await supervisor.stop().catch(() => {});
    for (const stop of stoppers.reverse()) await stop().catch(() => {});
    throw err;
  }
}

async function buildWorkflowBundle(outPath: string, env: NodeJS.ProcessEnv, output?: (service: string, line: string) => void): Promise<void> {
  const builder = await spawnManaged({
    name: 'workflow-bundle',
    command: process.execPath,
    args: ['--import', 'tsx', resolve(ROOT, 'scripts/build-workflow-bundle.ts'), outPath],
    cwd: ROOT,
    env,
    onOutput: (line) => output?.('worker', line),
  });
  const code = await builder.exited;
  if (code !== 0) throw new Error(`building the workflow bundle failed (exit code ${code}); see the worker's log lines above`);
}

async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not report ready within ${timeoutMs} ms`);
}
