import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrate } from '../db/migrate.js';
import { connectDb } from '../db/client.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';
import { spawnManaged, stopLeftovers, type ManagedProcess } from './managed-process.js';
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

export interface UnexpectedExit {
  service: StackService;
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  restartInMs: number;
}

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

/**
 * Supervision, as docker-compose's `restart: unless-stopped` does in production: a child that
 * exits unasked (postgres.js crashing on a restarted server, the worker giving up on an
 * unreachable Temporal, a SIGKILL) is started again after 1 s, then 2, 4… up to 30 s while it
 * keeps dying; a child that stayed up a minute starts again from 1 s.
 */
const RESTART_FIRST_DELAY_MS = 1_000;
const RESTART_MAX_DELAY_MS = 30_000;
const RESTART_STABLE_MS = 60_000;

interface Supervised {
  service: StackService;
  handle: ManagedProcess;
  /** The current process. */
  proc?: ManagedProcess;
  /** False once stopped: the supervisor leaves it down. */
  wanted: boolean;
  startedAt: number;
  delayMs: number;
  timer?: NodeJS.Timeout;
  /** Launches, stops and restarts of this service, one after another. */
  ops: Promise<unknown>;
  ended: Promise<number | null>;
  end: (code: number | null) => void;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const progress = options.progress ?? (() => {});
  const dataDir = resolve(options.dataDir);
  const runDir = resolve(dataDir, 'run');
  mkdirSync(runDir, { recursive: true });
  const stoppers: Array<() => Promise<void>> = [];
  const env: NodeJS.ProcessEnv = { ...options.env, DATA_DIR: dataDir, STACK_PARENT_PID: String(process.pid) };
  const services = new Map<string, ManagedProcess>();
  const supervised = new Map<StackService, Supervised>();
  /** Processes stopped on purpose (stop(), restart()): their exit is not a crash. */
  const asked = new WeakSet<ManagedProcess>();
  const stopChildren = async () => {
    for (const name of ['api', 'worker', 'simulators']) await services.get(name)?.stop();
  };
  // Until the stack is up, a child that exits fails the start instead of being restarted.
  let starting = true;
  let failStart: (err: Error) => void = () => {};
  const startFailed = new Promise<never>((_, reject) => (failStart = reject));
  startFailed.catch(() => {});
  const unlessStartFails = <T>(step: Promise<T>) => Promise.race([step, startFailed]);

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

    const serially = (s: Supervised, op: () => Promise<void>) => {
      const next = s.ops.then(op);
      s.ops = next.catch(() => {});
      return next;
    };
    const newEnd = (s: Pick<Supervised, 'ended' | 'end'>) => {
      s.ended = new Promise((r) => (s.end = r));
    };
    const supervisedService = (service: StackService): Supervised => {
      const known = supervised.get(service);
      if (known) return known;
      const handle: ManagedProcess = {
        name: service,
        get child() {
          return s.proc!.child;
        },
        get exited() {
          return s.ended;
        },
        stop: (graceMs?: number) => stopService(s, graceMs),
      };
      const s: Supervised = { service, handle, wanted: true, startedAt: 0, delayMs: RESTART_FIRST_DELAY_MS, ops: Promise.resolve(), ended: Promise.resolve(null), end: () => {} };
      newEnd(s);
      supervised.set(service, s);
      services.set(service, handle);
      return s;
    };
    // Runs inside serially().
    const spawnService = async (s: Supervised) => {
      const proc = await spawnManaged({
        name: s.service,
        command: process.execPath,
        args: ['--import', 'tsx', resolve(ROOT, ENTRY_POINTS[s.service])],
        cwd: ROOT,
        env,
        pidFile: resolve(runDir, `${s.service}.pid`),
        onOutput: (line) => options.output?.(s.service, line),
      });
      s.proc = proc;
      s.startedAt = Date.now();
      void proc.exited.then((code) => {
        if (s.proc === proc && s.wanted && !asked.has(proc)) onUnexpectedExit(s, proc, code);
      });
    };
    const onUnexpectedExit = (s: Supervised, proc: ManagedProcess, code: number | null) => {
      const signal = proc.child.signalCode;
      const how = howItEnded(proc, code);
      if (starting) {
        failStart(new Error(`${s.service} exited during start-up (${how}); see its log lines above`));
        return;
      }
      if (Date.now() - s.startedAt >= RESTART_STABLE_MS) s.delayMs = RESTART_FIRST_DELAY_MS;
      const delay = startLater(s, proc);
      const line = `${s.service} exited unexpectedly (${how}); starting it again in ${delay / 1000} s`;
      progress(line);
      options.output?.(s.service, line);
      options.onUnexpectedExit?.({ service: s.service, pid: proc.child.pid, code, signal, restartInMs: delay });
    };
    /** Starts the service again after its current delay, unless it was stopped or restarted meanwhile. */
    const startLater = (s: Supervised, dead: ManagedProcess): number => {
      const delay = s.delayMs;
      s.delayMs = Math.min(delay * 2, RESTART_MAX_DELAY_MS);
      clearTimeout(s.timer);
      s.timer = setTimeout(() => {
        s.timer = undefined;
        void serially(s, async () => {
          if (s.wanted && s.proc === dead) await spawnService(s);
        }).catch((err: Error) => {
          // Not even spawned (its pid file, say): try again later.
          if (!s.wanted || s.proc !== dead) return;
          const next = startLater(s, dead);
          progress(`starting ${s.service} again failed (${err.message}); trying again in ${next / 1000} s`);
        });
      }, delay);
      return delay;
    };
    const stopService = (s: Supervised, graceMs?: number) => {
      s.wanted = false;
      clearTimeout(s.timer);
      return serially(s, async () => {
        const proc = s.proc;
        if (proc) {
          asked.add(proc);
          await proc.stop(graceMs);
        }
        s.end(proc ? proc.child.exitCode : null);
      });
    };
    const launch = (service: StackService) => {
      const s = supervisedService(service);
      return serially(s, async () => {
        clearTimeout(s.timer);
        if (s.proc) {
          asked.add(s.proc);
          await s.proc.stop();
        }
        if (!s.wanted) newEnd(s);
        s.wanted = true;
        s.delayMs = RESTART_FIRST_DELAY_MS;
        await spawnService(s);
      });
    };
    const waitUntilUp = async (service: StackService, port: number) => {
      const proc = supervised.get(service)!.proc!;
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
    starting = false;

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
        await stopChildren();
        for (const stop of stoppers.reverse()) await stop();
      },
    };
  } catch (err) {
    await stopChildren().catch(() => {});
    for (const stop of stoppers.reverse()) await stop().catch(() => {});
    throw err;
  }
}

function howItEnded(proc: ManagedProcess, code: number | null): string {
  return proc.child.signalCode ? `killed by ${proc.child.signalCode}` : `exit code ${code}`;
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
