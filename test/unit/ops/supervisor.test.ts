// ops/supervisor.ts with tiny real child processes and short timings: a crash is started again
// after a delay that doubles up to its cap and starts over after a stable run; stop() and
// restart() are not crashes, nor is any exit once the supervisor is stopping.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../../lib/tools.js';
import { spawnManaged, type ManagedProcess } from '../../../lib/managed-process.js';
import {
  Supervisor,
  type RestartPolicy,
  type SupervisedService,
  type UnexpectedExit,
} from '../../../ops/supervisor.js';

const POLICY: RestartPolicy = { firstDelayMs: 100, maxDelayMs: 400, stableMs: 1_500 };

/** Stays up until signalled; says "ready" once its handlers are in place. */
const CHILD = {
  idle: `setInterval(() => {}, 1000); console.log('ready');`,
  /** Exits 0 on SIGINT, as the API, the worker and the simulators do on Ctrl-C. */
  quitsOnSigint: `process.on('SIGINT', () => process.exit(0)); setInterval(() => {}, 1000); console.log('ready');`,
  /** Takes 500 ms to go after SIGTERM. */
  slowToStop: `process.on('SIGTERM', () => setTimeout(() => process.exit(0), 500)); setInterval(() => {}, 1000); console.log('ready');`,
};

/** Starts `node -e script` and resolves once it printed "ready". */
async function spawnNode(name: string, script: string): Promise<ManagedProcess> {
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const proc = await spawnManaged({
    name,
    command: process.execPath,
    args: ['-e', script],
    onOutput: (line) => line === 'ready' && ready(),
  });
  await Promise.race([
    isReady,
    proc.exited.then((code) => Promise.reject(new Error(`${name} exited before it was ready (${code})`))),
  ]);
  return proc;
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let running: Supervisor | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function supervisorWithRecords() {
  const exits: UnexpectedExit[] = [];
  const lines: string[] = [];
  const spawned: string[] = [];
  const supervisor = new Supervisor({
    policy: POLICY,
    progress: (line) => lines.push(line),
    onUnexpectedExit: (exit) => exits.push(exit),
  });
  running = supervisor;
  const supervise = (name: string, script = CHILD.idle) =>
    supervisor.supervise({
      name,
      spawn: () => {
        spawned.push(name);
        return spawnNode(name, script);
      },
    });
  return { supervisor, supervise, exits, lines, spawned };
}

/** Kills the service's current process and waits for the supervisor's next one. */
async function killAndAwaitNext(service: SupervisedService): Promise<void> {
  const pid = service.child.pid!;
  process.kill(pid, 'SIGKILL');
  await until(() => service.child.pid !== pid, `a new ${service.name}`);
}

describe('supervisor', { timeout: 60_000 }, () => {
  it('starts a crashed process again after 1, 2, 4… delays up to the cap, and from the first delay after a stable run', async () => {
    const { supervisor, supervise, exits, lines } = supervisorWithRecords();
    const worker = await supervise('worker');
    supervisor.up();

    for (let i = 0; i < 4; i++) await killAndAwaitNext(worker);
    expect(exits.map((e) => e.restartInMs)).toEqual([100, 200, 400, 400]);
    expect(exits.every((e) => e.service === 'worker' && e.signal === 'SIGKILL' && e.code === null)).toBe(true);
    expect(lines[0]).toBe('worker exited unexpectedly (killed by SIGKILL); starting it again in 0.1 s');

    await sleep(POLICY.stableMs + 100);
    await killAndAwaitNext(worker);
    expect(exits.at(-1)!.restartInMs).toBe(100);
  });

  it('tries again later when starting a crashed process again fails', async () => {
    const lines: string[] = [];
    const supervisor = new Supervisor({ policy: POLICY, progress: (line) => lines.push(line) });
    running = supervisor;
    let attempts = 0;
    const worker = await supervisor.supervise({
      name: 'worker',
      spawn: async () => {
        attempts += 1;
        if (attempts === 2) throw new Error('pid file busy');
        return spawnNode('worker', CHILD.idle);
      },
    });
    supervisor.up();
    await killAndAwaitNext(worker);
    expect(attempts).toBe(3);
    expect(lines).toEqual([
      'worker exited unexpectedly (killed by SIGKILL); starting it again in 0.1 s',
      'starting worker again failed (pid file busy); trying again in 0.2 s',
    ]);
  });

  it('names a process that exits before up() in startFailed instead of starting it again', async () => {
    const { supervisor, supervise, exits, spawned } = supervisorWithRecords();
    const api = await supervise('api');
    process.kill(api.child.pid!, 'SIGKILL');
    await expect(supervisor.startFailed).rejects.toThrow('api exited during start-up (killed by SIGKILL)');
    await sleep(POLICY.firstDelayMs * 3);
    expect(spawned).toEqual(['api']);
    expect(exits).toEqual([]);
  });

  it('leaves a stopped service down', async () => {
    const { supervisor, supervise, exits, spawned } = supervisorWithRecords();
    const worker = await supervise('worker');
    supervisor.up();
    const pid = worker.child.pid!;
    await worker.stop();
    expect(await worker.exited).toBe(null);
    expect(worker.child.signalCode).toBe('SIGTERM');
    await sleep(POLICY.firstDelayMs * 3);
    expect(spawned).toEqual(['worker']);
    expect(worker.child.pid).toBe(pid);
    expect(exits).toEqual([]);
  });

  it('restarts a service on request without counting a crash, and brings a stopped one back', async () => {
    const { supervisor, supervise, exits, spawned } = supervisorWithRecords();
    const worker = await supervise('worker');
    supervisor.up();
    const first = worker.child.pid;
    let ended = false;
    void worker.exited.then(() => (ended = true));

    await worker.restart();
    expect(worker.child.pid).not.toBe(first);
    await sleep(POLICY.firstDelayMs * 3);
    expect(spawned).toEqual(['worker', 'worker']);
    expect(ended).toBe(false);

    await worker.stop();
    await worker.restart();
    expect(spawned).toHaveLength(3);
    await killAndAwaitNext(worker);
    expect(exits.map((e) => e.restartInMs)).toEqual([100]);
  });

  it('counts no exit as a crash once it is stopping, though a child goes before it is asked (Ctrl-C reaches them all)', async () => {
    const { supervisor, supervise, exits, lines, spawned } = supervisorWithRecords();
    const simulators = await supervise('simulators', CHILD.quitsOnSigint);
    const api = await supervise('api', CHILD.slowToStop);
    supervisor.up();
    let simulatorsGone = false;
    void simulators.process.exited.then(() => (simulatorsGone = true));

    // The API is stopped first and takes its time; the simulators leave on their own meanwhile.
    process.kill(simulators.child.pid!, 'SIGINT');
    const stopped = supervisor.stop();
    await until(() => simulatorsGone, 'the simulators to exit on SIGINT');
    expect(api.child.exitCode).toBe(null);
    await stopped;
    running = undefined;
    await sleep(POLICY.firstDelayMs * 3);
    expect(exits).toEqual([]);
    expect(lines).toEqual([]);
    expect(spawned).toEqual(['simulators', 'api']);
    expect(await api.exited).toBe(0);
    expect(await simulators.exited).toBe(0);
  });
});

/**
 * Runs fixtures/ctrl-c-parent.ts in a process group of its own, as a terminal runs `npm start`,
 * sends SIGINT to that whole group as Ctrl-C does, and answers what the parent printed.
 */
async function pressCtrlC(children: 'own' | 'shared'): Promise<{ lines: string[]; code: number | null }> {
  const fixture = fileURLToPath(new URL('./fixtures/ctrl-c-parent.ts', import.meta.url));
  const parent = spawn(process.execPath, ['--import', 'tsx', fixture, children], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  parent.stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((r) => parent.once('exit', (code) => r(code)));
  try {
    await until(() => lines.includes('up'), 'the parent to be up', 30_000);
    process.kill(-parent.pid!, 'SIGINT');
    return { lines, code: await exited };
  } finally {
    if (parent.exitCode === null) process.kill(-parent.pid!, 'SIGKILL');
  }
}

describe('Ctrl-C in the terminal', { timeout: 60_000 }, () => {
  it('stops quietly: children in their own process groups exit only when the parent stops them', async () => {
    const { lines, code } = await pressCtrlC('own');
    expect(code).toBe(0);
    expect(lines).toEqual(['up', 'stopped']);
  });

  it('(why) children in the terminal’s group exit on the same SIGINT before the parent hears of it, which reads as a crash', async () => {
    const { lines } = await pressCtrlC('shared');
    expect(lines).toContain('simulators exited unexpectedly (exit code 0); starting it again in 0.1 s');
  });
});
