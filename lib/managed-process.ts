import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isAlive, stopProcess } from './processes.js';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the process exits, with its code. */
  exited: Promise<number | null>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Written on start and removed on stop, so a later start can clean up after a SIGKILLed parent. */
  pidFile?: string;
  onOutput?: (line: string) => void;
  /**
   * Starts the process in a process group of its own, so that Ctrl-C in the terminal reaches only
   * the parent, which then stops it in order; otherwise it gets the terminal's SIGINT too.
   */
  ownProcessGroup?: boolean;
}

/** Stops a process recorded in a pid file by an earlier run that died without cleaning up. */
export async function stopLeftover(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) await stopProcess(pid, 'SIGTERM', 10_000);
  await rm(pidFile, { force: true });
}

/** Stops every process a killed earlier run recorded in `runDir`. */
export async function stopLeftovers(runDir: string): Promise<void> {
  const files = existsSync(runDir) ? (await readdir(runDir)).filter((f) => f.endsWith('.pid')) : [];
  await Promise.all(files.map((f) => stopLeftover(`${runDir}/${f}`)));
}

export async function spawnManaged(options: SpawnOptions): Promise<ManagedProcess> {
  if (options.pidFile) {
    await stopLeftover(options.pidFile);
    mkdirSync(dirname(options.pidFile), { recursive: true });
  }
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  if (options.pidFile && child.pid) await writeFile(options.pidFile, String(child.pid));
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.onOutput?.(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  const exited = new Promise<number | null>((resolvePromise) => {
    child.once('exit', (code) => resolvePromise(code));
    child.once('error', () => resolvePromise(-1));
  });
  return {
    name: options.name,
    child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.pid && child.exitCode === null) await stopProcess(child.pid, 'SIGTERM', graceMs);
      await exited;
      if (options.pidFile) await rm(options.pidFile, { force: true });
    },
  };
}

/** Child entry points call this so they exit when the stack that started them is SIGKILLed. */
export function exitWhenParentDies(): void {
  const parent = Number(process.env.STACK_PARENT_PID);
  if (!parent) return;
  setInterval(() => {
    if (!isAlive(parent)) process.exit(0);
  }, 1000).unref();
}
