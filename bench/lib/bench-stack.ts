// The whole local stack for a bench: embedded PostgreSQL, a Temporal server, the simulators,
// the worker and the API as child processes on free ports, in a temporary folder removed on stop.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../lib/ports.js';
import { startStack, type RunningStack } from '../../ops/stack.js';

export interface BenchStack extends RunningStack {
  dataDir: string;
  /** Every line the services printed at warn level or above, for the report when something fails. */
  problems: string[];
}

export interface BenchStackOptions {
  /** Extra settings for every service (SIM_SETTLE_DELAY_MS, BUSINESS_TIME_ZONE, …). */
  env?: NodeJS.ProcessEnv;
  /** Keep Temporal's SQLite file (dataDir/temporal.db) so its size can be measured. */
  persistent?: boolean;
  /** Use this Temporal server instead of starting a dev server (the time-skipping server, say). */
  temporalAddress?: string;
  /** The production shape instead (ops/temporal-cluster.ts): the Temporal server on PostgreSQL, two workers, two APIs. */
  topology?: 'dev' | 'cluster';
  progress?: (line: string) => void;
}

export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'microloan-bench-'));
  const problems: string[] = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    APP_MODE: 'local',
    LOG_LEVEL: 'warn',
    PASSWORD_HASH_COST: 'test',
    SIM_ALLOW_RESET: '1',
    SIM_SETTLE_DELAY_MS: '10',
    // Clients are told apart by X-Forwarded-For, as behind a load balancer, so the per-client quote
    // limit (QUOTE_RATE_LIMIT, default 600 a minute) applies per simulated client, not to the bench.
    TRUST_PROXY: 'true',
    ...(options.temporalAddress ? { TEMPORAL_ADDRESS: options.temporalAddress } : {}),
    ...options.env,
  };
  try {
    const stack = await startStack({
      dataDir,
      apiPort: await freePort(),
      simulatorPort: await freePort(),
      embeddedPgPort: await freePort(),
      temporalPort: await freePort(),
      persistent: options.persistent ?? false,
      ...(options.topology === 'cluster' ? { temporal: 'cluster' as const, workers: 2, apis: 2 } : {}),
      env,
      progress: options.progress ?? ((line) => console.error(`  ${line}`)),
      output: (service, line) => {
        if (/"level":(4|5|6)\d/.test(line) || !line.startsWith('{')) {
          problems.push(`[${service}] ${line}`);
          if (problems.length > 500) problems.shift();
          if (process.env.BENCH_STACK_LOGS) console.error(`[${service}] ${line}`);
        }
      },
    });
    return {
      ...stack,
      dataDir,
      problems,
      async stop() {
        await stack.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    console.error(problems.slice(-40).join('\n'));
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
