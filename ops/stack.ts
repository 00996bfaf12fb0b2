import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrate } from '../db/migrate.js';
import { connectDb } from '../lib/db-client.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';
import { spawnManaged, stopLeftovers, type ManagedProcess } from '../lib/managed-process.js';
import { howItEnded, Supervisor, type SupervisedService, type UnexpectedExit as SupervisorExit } from './supervisor.js';
import { isPortFree, waitForPort } from '../lib/ports.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { startTemporalDevServer, type DevServerHandle } from './temporal-server.js';
import { ROOT } from '../lib/tools.js';
import { loadKeyring } from '../security/keyring.js';
import { ensureLocalSecrets } from '../security/local-secrets.js';
import { appRoleUrl, setAppRolePassword } from '../db/app-role.js';

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
  /** The database owner's URL (migrations, tools, tests' own reads and writes). */
  databaseUrl: string;
  /** What the API and the worker connect with: the app role's URL on the embedded database, else DATABASE_URL. */
  appDatabaseUrl: string;
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
  const supervisor = new Supervisor<StackService>({
    progress,
    output: options.output,
    onUnexpectedExit: options.onUnexpectedExit,
  });
  const services = stackServices(supervisor, options, env, runDir);
  // Until the stack is up, a child that exits fails the start instead of being restarted.
  const unlessStartFails = <T>(step: Promise<T>) => Promise.race([step, supervisor.startFailed]);

  try {
    await stopLeftovers(runDir);
    // Created once here in local mode, so the API and the worker never race to create it; a bad
    // key setting stops everything before anything starts.
    loadKeyring(
      {
        APP_MODE: (env.APP_MODE as 'local' | 'production') ?? 'local',
        DATA_KEYS: env.DATA_KEYS,
        DATA_KEY_FILE: env.DATA_KEY_FILE,
        DATA_DIR: dataDir,
      },
      env,
    );
    if ((env.APP_MODE ?? 'local') === 'local') {
      // Generated per installation, never constants; the simulators get them from here.
      const secrets = ensureLocalSecrets(dataDir);
      env.BANK_CALLBACK_SECRET ??= secrets.bankCallbackSecret;
      env.GATEWAY_CALLBACK_SECRET ??= secrets.gatewayCallbackSecret;
    }
    for (const [setting, port] of [
      ['PORT', options.apiPort],
      ['SIMULATOR_PORT', options.simulatorPort],
    ] as const) {
      if (!(await isPortFree(port))) throw new ConfigError(setting, `${port} is already in use`);
    }
    const ownerDatabaseUrl = await startDatabases(options, env, dataDir, stoppers);
    const temporal = env.TEMPORAL_ADDRESS ? undefined : await startTemporal(options, env, dataDir, runDir, stoppers);

    const simulatorUrl = `http://127.0.0.1:${options.simulatorPort}`;
    const needsSimulators =
      !env.BANK_URL || !env.BUREAU_URL || !env.NOTIFY_URL || !env.GATEWAY_URL || !env.IDENTITY_URL;
    env.SIMULATOR_PORT = String(options.simulatorPort);
    env.BANK_URL ??= `${simulatorUrl}/bank`;
    env.BUREAU_URL ??= `${simulatorUrl}/bureau`;
    env.NOTIFY_URL ??= `${simulatorUrl}/notify`;
    env.GATEWAY_URL ??= `${simulatorUrl}/gateway`;
    env.IDENTITY_URL ??= `${simulatorUrl}/identity`;
    env.PORT = String(options.apiPort);
    env.PUBLIC_API_URL ??= `http://127.0.0.1:${options.apiPort}`;

    // Bundled in a short-lived process of its own, so webpack's memory never lives in the worker.
    const bundlePath = resolve(runDir, 'workflow-bundle.js');
    const bundleBuilt = env.WORKFLOW_BUNDLE_PATH
      ? Promise.resolve()
      : buildWorkflowBundle(bundlePath, env, options.output);
    bundleBuilt.catch(() => {});
    if (needsSimulators) {
      progress(
        `Starting the partner simulators (bank, credit bureau, SMS/email, payment gateway) on port ${options.simulatorPort}…`,
      );
      await services.launch('simulators');
      await services.waitUntilUp('simulators');
    }
    progress('Starting the worker…');
    await unlessStartFails(bundleBuilt);
    env.WORKFLOW_BUNDLE_PATH ??= bundlePath;
    await services.launch('worker');
    progress(`Starting the API on port ${options.apiPort}…`);
    await services.launch('api');
    await unlessStartFails(services.waitUntilUp('api'));
    await unlessStartFails(waitForReady(`http://127.0.0.1:${options.apiPort}/readyz`, 120_000));
    supervisor.up();

    return {
      env,
      apiUrl: `http://127.0.0.1:${options.apiPort}`,
      simulatorUrl,
      temporalAddress: env.TEMPORAL_ADDRESS!,
      temporalWebUrl: temporal?.webUrl,
      databaseUrl: ownerDatabaseUrl,
      appDatabaseUrl: env.DATABASE_URL!,
      partnerDatabaseUrl: env.PARTNER_DATABASE_URL!,
      services: services.handles,
      async restart(service) {
        await services.launch(service);
        if (service !== 'worker') await services.waitUntilUp(service);
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

/** The API, the worker and the simulators as supervised children, with their ports. */
function stackServices(
  supervisor: Supervisor<StackService>,
  options: StackOptions,
  env: NodeJS.ProcessEnv,
  runDir: string,
) {
  const handles = new Map<string, SupervisedService>();
  const ports: Record<Exclude<StackService, 'worker'>, number> = {
    api: options.apiPort,
    simulators: options.simulatorPort,
  };
  const spawn = (service: StackService) =>
    spawnManaged({
      name: service,
      command: process.execPath,
      args: ['--import', 'tsx', resolve(ROOT, ENTRY_POINTS[service])],
      cwd: ROOT,
      env,
      pidFile: resolve(runDir, `${service}.pid`),
      onOutput: (line) => options.output?.(service, line),
      // Ctrl-C reaches the stack alone, which stops them in order and quietly (each child
      // still exits by itself when the stack dies: exitWhenParentDies).
      ownProcessGroup: true,
    });
  return {
    handles,
    /** Starts the service under supervision, or starts it again. */
    async launch(service: StackService) {
      const known = handles.get(service);
      if (known) return known.restart();
      handles.set(service, await supervisor.supervise({ name: service, spawn: () => spawn(service) }));
    },
    /** Resolves once the service's port answers; rejects if its process exits first. */
    async waitUntilUp(service: Exclude<StackService, 'worker'>) {
      const proc = handles.get(service)!.process;
      const died = proc.exited.then((code) => {
        throw new Error(`${service} exited during start-up (${howItEnded(proc, code)}); see its log lines above`);
      });
      died.catch(() => {});
      await Promise.race([waitForPort(ports[service], 120_000), died]);
    },
  };
}

/**
 * Embedded PostgreSQL for whichever database URL is not set, then the migrations as the owner.
 * On the embedded database the children then connect as the app role (db/app-role.ts), with the
 * installation's generated password. Returns the owner's URL.
 */
async function startDatabases(
  options: StackOptions,
  env: NodeJS.ProcessEnv,
  dataDir: string,
  stoppers: Array<() => Promise<void>>,
): Promise<string> {
  let embeddedMain = false;
  const progress = options.progress ?? (() => {});
  if (!env.DATABASE_URL || !env.PARTNER_DATABASE_URL) {
    progress(`Starting embedded PostgreSQL on port ${options.embeddedPgPort}…`);
    const pg: EmbeddedPostgresHandle = await startEmbeddedPostgres({
      dataDir: resolve(dataDir, 'postgres'),
      port: options.embeddedPgPort,
      persistent: options.persistent,
      onLog: (line) => options.output?.('postgres', line.trim()),
    });
    stoppers.push(() => pg.stop());
    if (!env.DATABASE_URL) {
      await pg.ensureDatabase('microloan');
      env.DATABASE_URL = pg.urlFor('microloan');
      embeddedMain = true;
    }
    if (!env.PARTNER_DATABASE_URL) {
      await pg.ensureDatabase('partners');
      env.PARTNER_DATABASE_URL = pg.urlFor('partners');
    }
  }

  progress('Applying database migrations…');
  const sql = connectDb(env.DATABASE_URL, { max: 1, applicationName: 'microloan-migrate' });
  try {
    const applied = await migrate(sql).catch((err: Error) => {
      throw new ConfigError('DATABASE_URL', `cannot be used: ${err.message}`);
    });
    if (applied.length) progress(`Applied ${applied.join(', ')}`);
    if (!embeddedMain) return env.DATABASE_URL;
    const password = ensureLocalSecrets(dataDir).databaseAppPassword;
    await setAppRolePassword(sql, password);
    const ownerUrl = env.DATABASE_URL;
    env.DATABASE_URL = appRoleUrl(ownerUrl, password);
    return ownerUrl;
  } finally {
    await sql.end();
  }
}

/** The embedded Temporal dev server, when TEMPORAL_ADDRESS names none. */
async function startTemporal(
  options: StackOptions,
  env: NodeJS.ProcessEnv,
  dataDir: string,
  runDir: string,
  stoppers: Array<() => Promise<void>>,
): Promise<DevServerHandle> {
  options.progress?.(`Starting the Temporal dev server on port ${options.temporalPort}…`);
  const temporal = await startTemporalDevServer({
    port: options.temporalPort,
    uiPort: options.temporalUiPort,
    dbFile: options.persistent ? resolve(dataDir, 'temporal.db') : undefined,
    codecEndpoint: `http://localhost:${options.apiPort}/codec`,
    retentionDays: loadConfig(env).TEMPORAL_RETENTION_DAYS,
    runDir,
    onOutput: (line) => options.output?.('temporal', line),
  });
  stoppers.push(() => temporal.stop());
  env.TEMPORAL_ADDRESS = temporal.address;
  // The codec's CORS answers Temporal Web's origin (api/routes/codec.ts).
  if (options.temporalUiPort) env.TEMPORAL_UI_PORT = String(options.temporalUiPort);
  return temporal;
}

async function buildWorkflowBundle(
  outPath: string,
  env: NodeJS.ProcessEnv,
  output?: (service: string, line: string) => void,
): Promise<void> {
  const builder = await spawnManaged({
    name: 'workflow-bundle',
    command: process.execPath,
    args: ['--import', 'tsx', resolve(ROOT, 'scripts/build-workflow-bundle.ts'), outPath],
    cwd: ROOT,
    env,
    onOutput: (line) => output?.('worker', line),
  });
  const code = await builder.exited;
  if (code !== 0)
    throw new Error(`building the workflow bundle failed (exit code ${code}); see the worker's log lines above`);
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
