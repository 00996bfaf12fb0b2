// The Temporal dev server's SQLite database (data/temporal.db): copied by the sqlite3 CLI with
// VACUUM INTO while the server runs (one read transaction, so one consistent snapshot; the
// `.backup` command copies in steps and starts over whenever the busy server writes between two
// of them), or as a plain file copy only while the server is stopped.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../../lib/processes.js';

export function sqliteCli(): string | null {
  const found = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  return found.status === 0 ? 'sqlite3' : null;
}

/** Whether the dev server that `npm start` runs from `dataDir` is up (its pid file names a live process). */
export function temporalServerRunning(dataDir: string): boolean {
  const pidFile = join(dataDir, 'run', 'temporal.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid);
}

function assertPlainPath(path: string): void {
  if (/["'\n\\]/.test(path))
    throw new Error(`cannot hand the path ${JSON.stringify(path)} to sqlite3; use one without quotes or backslashes`);
}

export function backupTemporalFile(
  source: string,
  target: string,
  serverRunning: boolean,
): 'sqlite3 VACUUM INTO' | 'copy' {
  const cli = sqliteCli();
  if (cli) {
    assertPlainPath(target);
    execFileSync(cli, ['-cmd', '.timeout 60000', source, `VACUUM INTO '${target}'`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 300_000,
    });
    return 'sqlite3 VACUUM INTO';
  }
  if (serverRunning) {
    throw new Error(
      'the Temporal dev server is running and sqlite3 is not installed: install sqlite3 (apt-get install sqlite3) or stop the stack first',
    );
  }
  copyFileSync(source, target);
  return 'copy';
}

/** Puts a backed-up file in place; the server must be stopped, and stale journal files go. */
export function restoreTemporalFile(source: string, target: string): void {
  copyFileSync(source, target);
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true });
}
