// 1c, continued: what the worker's memory depends on. With N active loans, every loan is touched
// once by a query, so each worker ends with a full cache, as a long-running worker does once loans
// have woken for reminders and collections. worker/main.ts itself is started with each setting in
// turn: as shipped (WORKER_MAX_CACHED_WORKFLOWS=100, the stack's prebuilt WORKFLOW_BUNDLE_PATH),
// larger caches, and the earlier default (cache 2,000, bundling the workflow code at start).
//
//   npm run bench:worker-cache     (BENCH_LOANS=2500 BENCH_CACHES=100,500,2000)
import { Client, Connection } from '@temporalio/client';
import { resolve } from 'node:path';
import { loadConfig } from '../config/index.js';
import { connectDb } from '../lib/db-client.js';
import { spawnManaged, type ManagedProcess } from '../lib/managed-process.js';
import { ROOT } from '../lib/tools.js';
import { loadKeyring } from '../security/keyring.js';
import { temporalDataConverter } from '../security/payload-codec.js';
import { ApiClient } from '../drivers/api-client.js';
import { loanViewQuery } from '../contracts/definitions.js';
import { rssBytes } from './lib/baseline-processes.js';
import { startBenchStack, type BenchStack } from './lib/bench-stack.js';
import { applicants } from '../drivers/identities.js';
import { originate, StatusWatcher } from '../drivers/origination.js';
import { pool } from './lib/pool.js';
import { saveResult } from './lib/results.js';
import { percentile, ratio, round } from './lib/stats.js';
import { markdownTable, printTable } from './lib/table.js';

const LOANS = Number(process.env.BENCH_LOANS ?? 2_500);
const CACHES = (process.env.BENCH_CACHES ?? '100,500,2000').split(',').map(Number);
const SHIPPED_CACHE = 100;
const CONCURRENCY = 24;
const MB = 1e6;

/** worker/main.ts with one cache size, loading `bundlePath` or, without it, bundling at start. */
async function startWorker(stack: BenchStack, cache: number, bundlePath: string | undefined): Promise<ManagedProcess> {
  let ready = () => {};
  const isReady = new Promise<void>((r) => (ready = r));
  const { WORKFLOW_BUNDLE_PATH: _shipped, ...env } = stack.env;
  const proc = await spawnManaged({
    name: 'bench-worker',
    command: process.execPath,
    args: ['--import', 'tsx', resolve(ROOT, 'worker/main.ts')],
    cwd: ROOT,
    env: {
      ...env,
      LOG_LEVEL: 'info',
      STACK_PARENT_PID: String(process.pid),
      WORKER_MAX_CACHED_WORKFLOWS: String(cache),
      ...(bundlePath ? { WORKFLOW_BUNDLE_PATH: bundlePath } : {}),
    },
    onOutput: (line) => {
      if (line.includes('worker started')) ready();
    },
  });
  await Promise.race([isReady, proc.exited.then((code) => Promise.reject(new Error(`worker exited (${code})`)))]);
  return proc;
}

async function main() {
  const stack = await startBenchStack({ env: { SIM_SETTLE_DELAY_MS: '0' } });
  const sql = connectDb(stack.databaseUrl, { max: 4, applicationName: 'bench' });
  const keyring = loadKeyring(loadConfig(stack.env));
  const temporal = new Client({
    connection: await Connection.connect({ address: stack.temporalAddress }),
    dataConverter: temporalDataConverter(keyring),
  });
  const settle = () => new Promise((r) => setTimeout(r, 5_000));
  try {
    const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
    const watcher = new StatusWatcher(sql);
    const person = applicants();
    console.error(`${LOANS} loans to ACTIVE…`);
    const made = await pool(LOANS, CONCURRENCY, (i) => originate(api, watcher, person(i), { timeoutMs: 600_000 }));
    const ids = made.results.map((r) => r.loanId);

    const bundlePath = stack.env.WORKFLOW_BUNDLE_PATH!;
    await stack.services.get('worker')!.stop();

    /** Queries every loan once (each uncached one is replayed into the cache), then a sample again. */
    const touch = async (pid: number) => {
      await settle();
      const idle = round((await rssBytes(pid)) / MB, 1);
      const t0 = Date.now();
      const first = await pool(ids.length, 16, async (i) => {
        const s = performance.now();
        await temporal.workflow.getHandle(ids[i]!).query(loanViewQuery);
        return performance.now() - s;
      });
      const seconds = (Date.now() - t0) / 1000;
      await settle();
      const full = round((await rssBytes(pid)) / MB, 1);
      return {
        idleRssMB: idle,
        fullRssMB: full,
        queries: first.results.length,
        failed: first.errors.length,
        seconds: round(seconds),
        queryP50Ms: round(percentile(first.results, 50), 1),
        queryP99Ms: round(percentile(first.results, 99), 1),
      };
    };

    const settings = [
      ...CACHES.map((cache) => ({
        cache,
        bundlePath: bundlePath,
        config: `cache ${cache.toLocaleString('en-US')}, prebuilt bundle${cache === SHIPPED_CACHE ? ' (as shipped)' : ''}`,
      })),
      { cache: 2_000, bundlePath: undefined, config: 'cache 2,000, bundled at start (the earlier default)' },
    ];
    const measured = [];
    for (const setting of settings) {
      console.error(`${setting.config}…`);
      const worker = await startWorker(stack, setting.cache, setting.bundlePath);
      try {
        measured.push({ ...setting, ...(await touch(worker.child.pid!)) });
      } finally {
        await worker.stop();
      }
    }
    const shipped = measured.find((m) => m.cache === SHIPPED_CACHE && m.bundlePath) ?? measured[0]!;
    const variants = measured.filter((m) => m !== shipped);

    const rows = measured.map((v) => [
      v.config,
      v.idleRssMB,
      v.fullRssMB,
      round(v.fullRssMB / shipped.fullRssMB, 2),
      v.queryP50Ms,
      v.queryP99Ms,
      v.failed,
    ]);
    const header = [
      'worker',
      'idle RSS MB',
      `RSS after touching ${ids.length.toLocaleString('en-US')} loans MB`,
      '÷ as shipped',
      'query p50 ms',
      'query p99 ms',
      'failed',
    ];
    printTable(header, rows);
    saveResult({
      name: 'worker-cache',
      title: 'Worker memory by cache size',
      command: `npx tsx bench/worker-cache.ts (BENCH_LOANS=${LOANS} BENCH_CACHES=${CACHES.join(',')})`,
      parameters: { loans: LOANS, reached: ids.length, caches: CACHES, queryConcurrency: 16 },
      results: measured,
      baseline: shipped,
      ratio: Object.fromEntries(variants.map((v) => [v.config, ratio(v.fullRssMB, shipped.fullRssMB)])),
      target: 'worker RSS < 500 MB (issue 8, 1c)',
      met: shipped.fullRssMB < 500,
      headline: `after touching ${ids.length.toLocaleString('en-US')} loans: ${shipped.fullRssMB} MB as shipped (cache ${SHIPPED_CACHE}, prebuilt bundle); ${variants.map((v) => `${v.fullRssMB} MB with ${v.config}`).join('; ')}`,
      note: '',
      markdown: [
        `${ids.length.toLocaleString('en-US')} active loans; worker/main.ts is started alone on the loans' task queue with each setting in turn (WORKER_MAX_CACHED_WORKFLOWS, and WORKFLOW_BUNDLE_PATH set to the bundle \`npm start\` builds, or unset so the worker bundles at start), then every loan is queried once (16 at a time), which replays each uncached loan into the worker's cache, as loans waking for reminders and collections do over a month. RSS is read 5 s after the start and 5 s after the last query.`,
        '',
        ...markdownTable(header, rows),
        '',
      ],
    });
  } finally {
    await temporal.connection.close();
    await sql.end();
    await stack.stop();
  }
}

await main();
