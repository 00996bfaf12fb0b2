// The full Temporal server, as production runs it, for `npm run start:cluster`, the cluster test
// suite and the benchmarks: the server binary built from the Go module (scripts/build-temporal-server.mjs)
// on an embedded PostgreSQL of its own, with one database for persistence and one for visibility,
// their schemas set up and upgraded by the server's own SQL tool, the history shard count,
// retention and dynamic config from files (config/temporal/), and Temporal Web from Temporal's
// ui-server with write actions off and the codec. The server and Temporal Web are separate
// processes, so a drill can restart the server (history service and all) while everything else runs.
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import postgres from 'postgres';
import { ConfigError } from '../config/index.js';
import { spawnManaged, type ManagedProcess } from '../lib/managed-process.js';
import { freePort, isPortFree, waitForPort } from '../lib/ports.js';
import { requireTool, ROOT } from '../lib/tools.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';
import { LOAN_SEARCH_ATTRIBUTES } from '../contracts/search-attributes.js';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';

/** History shards of a local cluster; production's rule is in the README ("Production topology"). */
export const LOCAL_HISTORY_SHARDS = 16;

export const CLUSTER_TOOLS = {
  server: resolve(ROOT, '.tools/temporal-server/server'),
  sqlTool: resolve(ROOT, '.tools/temporal-server/sql'),
  web: resolve(ROOT, '.tools/temporal-ui/server'),
};

const NAMESPACE = 'default';
const DATABASES = [
  { name: 'temporal', schema: 'postgresql/v12/temporal' },
  { name: 'temporal_visibility', schema: 'postgresql/v12/visibility' },
] as const;

export interface ClusterOptions {
  /** Where the cluster's PostgreSQL keeps its data (`<dataDir>/temporal-postgres`). */
  dataDir: string;
  /** The frontend's gRPC port, where workers and the API connect. */
  port: number;
  /** Temporal Web's port; none: no Temporal Web. */
  uiPort?: number;
  codecEndpoint?: string;
  /** The origin Temporal Web accepts browser calls from besides its own (the approver UI). */
  corsOrigin?: string;
  retentionDays: number;
  historyShards?: number;
  persistent: boolean;
  runDir: string;
  onOutput?: (service: 'temporal' | 'temporal-postgres' | 'temporal-web', line: string) => void;
}

export interface ClusterHandle {
  address: string;
  webUrl?: string;
  historyShards: number;
  /** The server process, current one. */
  readonly server: ManagedProcess;
  /** Stops the server process (frontend, history, matching and worker services), runs `whileDown`, starts it again. */
  restartServer(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

function runTool(binary: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0
        ? done(output)
        : fail(new Error(`${binary} ${args.join(' ')} failed (${code}): ${output.slice(-800)}`)),
    );
  });
}

/** Creates both databases if missing, then sets up (first time) and upgrades their schemas with temporal-sql-tool. */
async function prepareDatabases(pg: EmbeddedPostgresHandle, port: number): Promise<void> {
  const sqlTool = requireTool(CLUSTER_TOOLS.sqlTool, "Temporal's SQL tool (npm run build:temporal)");
  for (const db of DATABASES) {
    await pg.ensureDatabase(db.name);
    const sql = postgres(pg.urlFor(db.name), { max: 1, onnotice: () => {} });
    let versioned: boolean;
    try {
      const [row] = await sql<[{ found: string | null }]>`select to_regclass('public.schema_version')::text as found`;
      versioned = row.found !== null;
    } finally {
      await sql.end();
    }
    const base = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(port), '--db', db.name];
    const env = { PATH: process.env.PATH, SQL_USER: 'postgres', SQL_PASSWORD: 'postgres' };
    if (!versioned) await runTool(sqlTool, [...base, 'setup-schema', '-v', '0.0'], env);
    await runTool(sqlTool, [...base, 'update-schema', '--schema-name', db.schema], env);
  }
}

/**
 * A free port below 32768: the server records its services' ports in the cluster_membership table
 * as smallint, so the kernel's ephemeral ports (32768 and up) cannot be used.
 */
async function freeMembershipPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.has(port) && (await isPortFree(port))) {
      taken.add(port);
      return port;
    }
  }
}

async function connectWhenUp(address: string, timeoutMs: number): Promise<Connection> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return connection;
      } catch (err) {
        await connection.close();
        throw err;
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`the Temporal cluster at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}

const SEARCH_ATTRIBUTES = LOAN_SEARCH_ATTRIBUTES.map(
  (key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!] as const,
);

/**
 * The `default` namespace with its retention and the loans' search attributes, as
 * `temporal operator namespace create` and `temporal operator search-attribute create` would;
 * safe to run on every start.
 */
async function prepareNamespace(address: string, retentionDays: number): Promise<void> {
  const connection = await connectWhenUp(address, 120_000);
  try {
    const retention = msToTs(`${retentionDays} days`);
    const known = await connection.workflowService.describeNamespace({ namespace: NAMESPACE }).catch(() => undefined);
    if (!known)
      await connection.workflowService.registerNamespace({
        namespace: NAMESPACE,
        workflowExecutionRetentionPeriod: retention,
      });
    else
      await connection.workflowService.updateNamespace({
        namespace: NAMESPACE,
        config: { workflowExecutionRetentionTtl: retention },
      });
    const deadline = Date.now() + 60_000;
    for (;;) {
      // A namespace just registered reaches every service's namespace cache within seconds: until then, ask again.
      const listed = await connection.operatorService
        .listSearchAttributes({ namespace: NAMESPACE })
        .catch((err: Error) => err);
      const missing =
        listed instanceof Error
          ? SEARCH_ATTRIBUTES
          : SEARCH_ATTRIBUTES.filter(([name]) => !(name in listed.customAttributes));
      if (missing.length === 0) break;
      if (Date.now() > deadline)
        throw new Error(
          `search attributes ${missing.map(([name]) => name).join(', ')} are still not registered${listed instanceof Error ? `: ${listed.message}` : ''}`,
        );
      await connection.operatorService
        .addSearchAttributes({
          namespace: NAMESPACE,
          searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, type])),
        })
        .catch(() => {});
      await new Promise((r) => setTimeout(r, 1_000));
    }
  } finally {
    await connection.close();
  }
}

export async function startTemporalCluster(options: ClusterOptions): Promise<ClusterHandle> {
  const server = requireTool(CLUSTER_TOOLS.server, 'The Temporal server (npm run build:temporal)');
  if (!(await isPortFree(options.port)))
    throw new ConfigError('TEMPORAL_PORT', `${options.port} is already in use; choose another or set TEMPORAL_ADDRESS`);
  if (options.uiPort && !(await isPortFree(options.uiPort)))
    throw new ConfigError('TEMPORAL_UI_PORT', `${options.uiPort} is already in use`);
  const historyShards = options.historyShards ?? LOCAL_HISTORY_SHARDS;
  const output = options.onOutput ?? (() => {});

  const pgPort = await freePort();
  const pg = await startEmbeddedPostgres({
    dataDir: resolve(options.dataDir, 'temporal-postgres'),
    port: pgPort,
    persistent: options.persistent,
    onLog: (line) => output('temporal-postgres', line.trim()),
  });
  const stoppers: Array<() => Promise<void>> = [() => pg.stop()];
  const stopAll = async () => {
    for (const stop of [...stoppers].reverse()) await stop().catch(() => {});
  };

  try {
    await prepareDatabases(pg, pgPort);
    const taken = new Set<number>([options.port]);
    const port = () => freeMembershipPort(taken);
    const ports = {
      TEMPORAL_FRONTEND_PORT: options.port,
      TEMPORAL_FRONTEND_MEMBERSHIP_PORT: await port(),
      TEMPORAL_FRONTEND_HTTP_PORT: await port(),
      TEMPORAL_HISTORY_PORT: await port(),
      TEMPORAL_HISTORY_MEMBERSHIP_PORT: await port(),
      TEMPORAL_MATCHING_PORT: await port(),
      TEMPORAL_MATCHING_MEMBERSHIP_PORT: await port(),
      TEMPORAL_WORKER_PORT: await port(),
      TEMPORAL_WORKER_MEMBERSHIP_PORT: await port(),
    };
    const serverEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      TEMPORAL_HISTORY_SHARDS: String(historyShards),
      TEMPORAL_DB_PORT: String(pgPort),
      TEMPORAL_DB_USER: 'postgres',
      TEMPORAL_DB_PASSWORD: 'postgres',
      TEMPORAL_DYNAMIC_CONFIG: resolve(ROOT, 'config/temporal/dynamic-config.yaml'),
      TEMPORAL_LOG_LEVEL: process.env.TEMPORAL_LOG_LEVEL ?? 'error',
    };
    const address = `127.0.0.1:${options.port}`;
    const startServer = async () => {
      const proc = await spawnManaged({
        name: 'temporal',
        command: server,
        args: ['--config-file', resolve(ROOT, 'config/temporal/cluster.yaml'), '--allow-no-auth', 'start'],
        env: serverEnv,
        pidFile: resolve(options.runDir, 'temporal-cluster.pid'),
        onOutput: (line) => output('temporal', line),
      });
      const failedEarly = proc.exited.then((code) => {
        throw new Error(`the Temporal server exited during start-up (code ${code}); see its log lines`);
      });
      failedEarly.catch(() => {});
      await Promise.race([waitForPort(options.port, 120_000), failedEarly]);
      await Promise.race([connectWhenUp(address, 120_000).then((c) => c.close()), failedEarly]);
      return proc;
    };
    let current = await startServer();
    stoppers.push(() => current.stop());
    await prepareNamespace(address, options.retentionDays);

    let webUrl: string | undefined;
    if (options.uiPort) {
      const web = requireTool(CLUSTER_TOOLS.web, 'Temporal Web (npm run build:temporal)');
      const webProc = await spawnManaged({
        name: 'temporal-web',
        command: web,
        args: ['--root', ROOT, '--config', 'config/temporal/ui', '--env', 'cluster', 'start'],
        env: {
          PATH: process.env.PATH,
          TEMPORAL_ADDRESS: address,
          TEMPORAL_UI_PORT: String(options.uiPort),
          TEMPORAL_CODEC_ENDPOINT: options.codecEndpoint ?? '',
          TEMPORAL_CORS_ORIGINS: options.corsOrigin ?? `http://localhost:${options.uiPort}`,
        },
        pidFile: resolve(options.runDir, 'temporal-web.pid'),
        onOutput: (line) => output('temporal-web', line),
      });
      stoppers.push(() => webProc.stop());
      await waitForPort(options.uiPort, 60_000);
      webUrl = `http://localhost:${options.uiPort}`;
    }

    return {
      address,
      webUrl,
      historyShards,
      get server() {
        return current;
      },
      async restartServer(whileDown) {
        await current.stop();
        try {
          await whileDown?.();
        } finally {
          current = await startServer();
        }
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
