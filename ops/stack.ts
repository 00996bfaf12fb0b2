import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrate } from '../db/migrate.js';
import { connectDb } from '../lib/db-client.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';
import { spawnManaged, stopLeftovers, type ManagedProcess } from '../lib/managed-process.js';
import { howItEnded, Supervisor, type SupervisedService, type UnexpectedExit as SupervisorExit } from './supervisor.js';
import { freePort, isPortFree, waitForPort } from '../lib/ports.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { startTemporalDevServer, type DevServerHandle } from './temporal-server.js';
import { startTemporalCluster, type ClusterHandle } from './temporal-cluster.js';
import { startApiBalancer, type ApiBalancerHandle } from './api-balancer.js';
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
  /**
   * Which Temporal to start when TEMPORAL_ADDRESS names none: the dev server (SQLite, one shard;
   * the default) or the full server on PostgreSQL (ops/temporal-cluster.ts), as production runs it.
   */
  temporal?: 'dev' | 'cluster';
  /** History shards of a cluster started here (ops/temporal-cluster.ts has the local default). */
  historyShards?: number;
  /** Worker processes (default 1): `worker`, `worker-2`… */
  workers?: number;
  /** API processes (default 1): `api`, `api-2`…; more than one answer on apiPort behind ops/api-balancer.ts. */
  apis?: number;
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

/** The first process of a kind has its kind's name; the second is `worker-2`, and so on. */
export type StackService = 'api' | 'worker' | 'simulators' | `api-${number}` | `worker-${number}`;

export interface RunningStack {
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  simulatorUrl: string;
  temporalAddress: string;
  /** Temporal Web of the embedded dev server or cluster, when one was started with a UI port. */
  temporalWebUrl?: string;
  /** The Temporal cluster this stack started, when `temporal: 'cluster'`: drills restart its server. */
  temporalCluster?: ClusterHandle;
  /** Names of the worker and API processes, first ones first. */
  workerNames: StackService[];
  apiNames: StackService[];
  /** Each API process's own address; apiUrl balances over them when there are several. */
  apiProcessUrls: string[];
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
} as const;

type ServiceKind = keyof typeof ENTRY_POINTS;

function kindOf(service: StackService): ServiceKind {
  return service.split('-')[0] as ServiceKind;
}

/** `kind`, `kind-2`, … `kind-n`. */
function instanceNames(kind: 'api' | 'worker', count: number): StackService[] {
  return Array.from({ length: Math.max(1, count) }, (_, i): StackService => (i === 0 ? kind : `${kind}-${i + 1}`));
}

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
  const workerNames = instanceNames('worker', options.workers ?? 1);
  const apiNames = instanceNames('api', options.apis ?? 1);
  const balanced = apiNames.length > 1;
  const apiPorts = new Map<StackService, number>();
  for (const name of apiNames) apiPorts.set(name, balanced ? await freePort() : options.apiPort);
  const services = stackServices(supervisor, options, env, runDir, apiPorts);
  let balancer: ApiBalancerHandle | undefined;
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
    const temporal = env.TEMPORAL_ADDRESS
      ? undefined
      : options.temporal === 'cluster'
        ? await startCluster(options, env, dataDir, runDir, stoppers)
        : await startTemporal(options, env, dataDir, runDir, stoppers);

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
    progress(workerNames.length > 1 ? `Starting ${workerNames.length} worker processes…` : 'Starting the worker…');
    await unlessStartFails(bundleBuilt);
    env.WORKFLOW_BUNDLE_PATH ??= bundlePath;
    for (const name of workerNames) await services.launch(name);
    progress(
      balanced
        ? `Starting ${apiNames.length} API processes (ports ${[...apiPorts.values()].join(', ')}) behind port ${options.apiPort}…`
        : `Starting the API on port ${options.apiPort}…`,
    );
    for (const name of apiNames) await services.launch(name);
    for (const name of apiNames) {
      await unlessStartFails(services.waitUntilUp(name));
      await unlessStartFails(waitForReady(`http://127.0.0.1:${apiPorts.get(name)}/readyz`, 120_000));
    }
    if (balanced) {
      balancer = await startApiBalancer({
        host: '127.0.0.1',
        port: options.apiPort,
        upstreamPorts: [...apiPorts.values()],
      });
      const closing = balancer;
      stoppers.push(() => closing.close());
    }
    supervisor.up();

    return {
      env,
      apiUrl: `http://127.0.0.1:${options.apiPort}`,
      simulatorUrl,
      temporalAddress: env.TEMPORAL_ADDRESS!,
      temporalWebUrl: temporal?.webUrl,
      temporalCluster: temporal && 'restartServer' in temporal ? temporal : undefined,
      workerNames,
      apiNames,
      apiProcessUrls: [...apiPorts.values()].map((port) => `http://127.0.0.1:${port}`),
      databaseUrl: ownerDatabaseUrl,
      appDatabaseUrl: env.DATABASE_URL!,
      partnerDatabaseUrl: env.PARTNER_DATABASE_URL!,
      services: services.handles,
      async restart(service) {
        await services.launch(service);
        if (kindOf(service) !== 'worker') await services.waitUntilUp(service);
      },
      async stop() {
        await balancer?.close();
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
  apiPorts: Map<StackService, number>,
) {
  const handles = new Map<string, SupervisedService>();
  const portOf = (service: StackService) =>
    kindOf(service) === 'simulators' ? options.simulatorPort : apiPorts.get(service)!;
  const spawn = (service: StackService) =>
    spawnManaged({
      name: service,
      command: process.execPath,
      args: ['--import', 'tsx', resolve(ROOT, ENTRY_POINTS[kindOf(service)])],
      cwd: ROOT,
      env: kindOf(service) === 'api' ? { ...env, PORT: String(portOf(service)) } : env,
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
    async waitUntilUp(service: StackService) {
      const proc = handles.get(service)!.process;
      const died = proc.exited.then((code) => {
        throw new Error(`${service} exited during start-up (${howItEnded(proc, code)}); see its log lines above`);
      });
      died.catch(() => {});
      await Promise.race([waitForPort(portOf(service), 120_000), died]);
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

/** The full Temporal server on PostgreSQL (ops/temporal-cluster.ts), when `temporal: 'cluster'`. */
async function startCluster(
  options: StackOptions,
  env: NodeJS.ProcessEnv,
  dataDir: string,
  runDir: string,
  stoppers: Array<() => Promise<void>>,
): Promise<ClusterHandle> {
  options.progress?.(`Starting the Temporal server (cluster on PostgreSQL) on port ${options.temporalPort}…`);
  const cluster = await startTemporalCluster({
    dataDir,
    port: options.temporalPort,
    uiPort: options.temporalUiPort,
    codecEndpoint: `http://localhost:${options.apiPort}/codec`,
    corsOrigin: `http://localhost:${options.apiPort}`,
    retentionDays: loadConfig(env).TEMPORAL_RETENTION_DAYS,
    historyShards: options.historyShards,
    persistent: options.persistent,
    runDir,
    onOutput: (service, line) => options.output?.(service, line),
  });
  options.progress?.(
    `Temporal cluster on port ${options.temporalPort}: ${cluster.historyShards} history shards, persistence and visibility in PostgreSQL`,
  );
  stoppers.push(() => cluster.stop());
  env.TEMPORAL_ADDRESS = cluster.address;
  if (options.temporalUiPort) env.TEMPORAL_UI_PORT = String(options.temporalUiPort);
  return cluster;
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
