// 1c, continued: what the worker's memory depends on. With N active loans (more than the
// worker's cache of 2,000), every loan is touched once by a query, so each worker ends with a
// full cache, as a long-running worker does once loans have woken for reminders and collections.
// The worker as shipped (cache 2,000, bundling the workflow code at start) beside the same worker
// with a smaller cache and a bundle built beforehand (bench/variants/loan-worker.ts).
//
//   npm run bench:worker-cache     (BENCH_LOANS=2500 BENCH_CACHES=250,500)
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/index.js';
import { connectDb } from '../db/client.js';
import { spawnManaged, type ManagedProcess } from '../lib/managed-process.js';
import { ROOT } from '../lib/tools.js';
import { loadKeyring } from '../security/keyring.js';
import { FAILURE_CONVERTER_PATH, temporalDataConverter } from '../security/payload-codec.js';
import { ApiClient } from '../test/support/api-client.js';
import { bundlerOptions } from '../worker/bundler-options.js';
import { WORKFLOWS_PATH } from '../worker/create-worker.js';
import { loanViewQuery } from '../workflows/definitions.js';
import { rssBytes } from './lib/baseline-processes.js';
import { startBenchStack, type BenchStack } from './lib/bench-stack.js';
import { applicants } from './lib/identities.js';
import { originate, pool, StatusWatcher } from './lib/lifecycle.js';
import { saveResult } from './lib/results.js';
import { percentile, ratio, round } from './lib/stats.js';
import { markdownTable, printTable } from './lib/table.js';

const LOANS = Number(process.env.BENCH_LOANS ?? 2_500);
const CACHES = (process.env.BENCH_CACHES ?? '250,500').split(',').map(Number);
const CONCURRENCY = 24;
const MB = 1e6;
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

async function startVariant(stack: BenchStack, cache: number, bundlePath: string): Promise<ManagedProcess> {
  let ready = () => {};
  const isReady = new Promise<void>((r) => (ready = r));
  const proc = await spawnManaged({
    name: 'variant-worker',
    command: process.execPath,
    args: ['--import', 'tsx', resolve(ROOT, 'bench/variants/loan-worker.ts')],
    cwd: ROOT,
    env: { ...stack.env, STACK_PARENT_PID: String(process.pid), WORKER_CACHE: String(cache), WORKER_BUNDLE_PATH: bundlePath },
    onOutput: (line) => {
      if (line.includes('variant worker ready')) ready();
    },
  });
  await Promise.race([isReady, proc.exited.then((code) => Promise.reject(new Error(`variant worker exited (${code})`)))]);
  return proc;
}

async function main() {
  const stack = await startBenchStack({ env: { SIM_SETTLE_DELAY_MS: '0' } });
  const sql = connectDb(stack.databaseUrl, { max: 4, applicationName: 'bench' });
  const keyring = loadKeyring(loadConfig(stack.env));
  const temporal = new Client({ connection: await Connection.connect({ address: stack.temporalAddress }), dataConverter: temporalDataConverter(keyring) });
  const settle = () => new Promise((r) => setTimeout(r, 5_000));
  try {
    const api = new ApiClient(stack.apiUrl);
    const watcher = new StatusWatcher(sql);
    const person = applicants();
    console.error(`${LOANS} loans to ACTIVE…`);
    const made = await pool(LOANS, CONCURRENCY, (i) => originate(api, watcher, person(i), { timeoutMs: 600_000 }));
    const ids = made.results.map((r) => r.loanId);

    const bundlePath = join(stack.dataDir, 'loan-bundle.js');
    writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...bundlerOptions, failureConverterPath: FAILURE_CONVERTER_PATH, logger: quietLogger })).code);

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
      return { idleRssMB: idle, fullRssMB: full, queries: first.results.length, failed: first.errors.length, seconds: round(seconds), queryP50Ms: round(percentile(first.results, 50), 1), queryP99Ms: round(percentile(first.results, 99), 1) };
    };

    console.error('The worker as shipped (cache 2,000, bundled at start)…');
    await stack.restart('worker');
    await new Promise((r) => setTimeout(r, 20_000)); // it bundles before it polls
    const shipped = { config: 'as shipped: cache 2,000, bundled at start', cache: 2_000, ...(await touch(stack.services.get('worker')!.child.pid!)) };
    await stack.services.get('worker')!.stop();

    const variants = [];
    for (const cache of CACHES) {
      console.error(`Cache ${cache}, bundle built beforehand…`);
      const worker = await startVariant(stack, cache, bundlePath);
      try {
        variants.push({ config: `cache ${cache.toLocaleString('en-US')}, prebuilt bundle`, cache, ...(await touch(worker.child.pid!)) });
      } finally {
        await worker.stop();
      }
    }

    const rows = [shipped, ...variants].map((v) => [v.config, v.idleRssMB, v.fullRssMB, round(v.fullRssMB / shipped.fullRssMB, 2), v.queryP50Ms, v.queryP99Ms, v.failed]);
    const header = ['worker', 'idle RSS MB', `RSS after touching ${ids.length.toLocaleString('en-US')} loans MB`, '÷ as shipped', 'query p50 ms', 'query p99 ms', 'failed'];
    printTable(header, rows);
    const best = variants.reduce((a, b) => (b.fullRssMB < a.fullRssMB ? b : a), variants[0]!);
    saveResult({
      name: 'worker-cache',
      title: 'Worker memory by cache size',
      command: `npx tsx bench/worker-cache.ts (BENCH_LOANS=${LOANS} BENCH_CACHES=${CACHES.join(',')})`,
      parameters: { loans: LOANS, reached: ids.length, caches: CACHES, queryConcurrency: 16 },
      results: variants,
      baseline: shipped,
      ratio: Object.fromEntries(variants.map((v) => [v.config, ratio(v.fullRssMB, shipped.fullRssMB)])),
      target: 'worker RSS < 500 MB (issue 8, 1c)',
      met: best.fullRssMB < 500,
      headline: `full cache: ${shipped.fullRssMB} MB as shipped; ${variants.map((v) => `${v.fullRssMB} MB with cache ${v.cache}`).join(', ')} (prebuilt bundle)`,
      note: '',
      markdown: [
        `${ids.length.toLocaleString('en-US')} active loans; each worker in turn is started alone on the loans' task queue, then every loan is queried once (16 at a time), which replays each uncached loan into the worker's cache, as loans waking for reminders and collections do over a month. RSS is read 5 s after the start and 5 s after the last query. The variant (bench/variants/loan-worker.ts) is worker/main.ts with maxCachedWorkflows and a prebuilt bundle as settings; everything else is the same code.`,
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
