// The bare baseline's processes (bench/baseline/worker.ts and bare-api.ts), each a child of the
// bench like the real worker and API are children of the stack.
import { resolve } from 'node:path';
import { spawnManaged, type ManagedProcess } from '../../lib/managed-process.js';
import { freePort, waitForPort } from '../../lib/ports.js';
import { ROOT } from '../../lib/tools.js';
import type { BenchStack } from './bench-stack.js';

async function startChild(
  stack: BenchStack,
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<ManagedProcess> {
  let markReady = () => {};
  const isReady = new Promise<void>((r) => (markReady = r));
  const proc = await spawnManaged({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', resolve(ROOT, entry)],
    cwd: ROOT,
    env: { ...stack.env, STACK_PARENT_PID: String(process.pid), LOG_LEVEL: 'warn', ...env },
    onOutput: (line) => {
      if (ready.test(line)) markReady();
      else if (process.env.BENCH_STACK_LOGS) console.error(`[${name}] ${line}`);
    },
  });
  const died = proc.exited.then((code) => {
    throw new Error(`${name} exited with code ${code} before it was ready`);
  });
  const late = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`${name} was not ready within 180 s`)), 180_000).unref(),
  );
  await Promise.race([isReady, died, late]);
  died.catch(() => {});
  return proc;
}

export function startBareWorker(
  stack: BenchStack,
  options: { taskQueue: string; encrypt: boolean; bundlePath?: string },
): Promise<ManagedProcess> {
  const env = {
    BARE_TASK_QUEUE: options.taskQueue,
    BARE_ENCRYPT: options.encrypt ? '1' : '0',
    ...(options.bundlePath ? { BARE_BUNDLE_PATH: options.bundlePath } : {}),
  };
  return startChild(stack, 'bare-worker', 'bench/baseline/worker.ts', env, /bare worker ready/);
}

export async function startBareApi(
  stack: BenchStack,
  options: { taskQueue: string; startBatches: number[] },
): Promise<{ process: ManagedProcess; url: string }> {
  const port = await freePort();
  const proc = await startChild(
    stack,
    'bare-api',
    'bench/baseline/bare-api.ts',
    { PORT: String(port), BARE_TASK_QUEUE: options.taskQueue, BARE_START_BATCHES: options.startBatches.join(',') },
    /bare api listening/,
  );
  await waitForPort(port, 10_000);
  return { process: proc, url: `http://127.0.0.1:${port}` };
}

/** Resident set size of a process in bytes, from /proc. */
export async function rssBytes(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb * 1024;
}
