// 1c. Footprint of active loans: real loans taken to ACTIVE through the API (then asleep until
// their first due date), measured at checkpoints up to 10,000: the worker's RSS, PostgreSQL bytes
// per loan and Temporal bytes per loan (the dev server's SQLite file, and the histories' own
// size). Beside it, bare workflows with the same activities, asleep for a month, on the same
// server, with their own worker process.
//
//   npm run bench:footprint     (BENCH_CHECKPOINTS=1000,2500,5000,10000 BENCH_BARE_CHECKPOINTS=1000,2500,5000
//                                BENCH_CONCURRENCY=24 BENCH_MAX_MINUTES=150)
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFileSync } from 'node:fs';
import { bundlerOptions } from '../worker/bundler-options.js';
import { BARE_WORKFLOWS_PATH } from './baseline/paths.js';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { connectDb, type Sql } from '../lib/db-client.js';
import { ApiClient } from '../drivers/api-client.js';
import { rssBytes, startBareWorker } from './lib/baseline-processes.js';
import { startBenchStack } from './lib/bench-stack.js';
import { descendantPids } from './lib/cpu.js';
import { activityBatches, historySize } from './lib/history.js';
import { applicants } from '../drivers/identities.js';
import { originate, StatusWatcher } from '../drivers/origination.js';
import { pool } from './lib/pool.js';
import { saveResult } from './lib/results.js';
import { mean, ratio, round } from './lib/stats.js';
import { markdownTable, printTable } from './lib/table.js';

const list = (raw: string | undefined, fallback: number[]) => (raw ? raw.split(',').map(Number) : fallback);
const CHECKPOINTS = list(process.env.BENCH_CHECKPOINTS, [1_000, 2_500, 5_000, 10_000]);
const BARE_CHECKPOINTS = list(process.env.BENCH_BARE_CHECKPOINTS, [1_000, 2_500, 5_000]);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 24);
const MAX_MINUTES = Number(process.env.BENCH_MAX_MINUTES ?? 150);
const TARGET_RSS_MB = 500;
const MB = 1e6;
const quietLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

class TimeBoundReached extends Error {}

interface Checkpoint {
  count: number;
  workerRssMB: number;
  temporalRssMB: number;
  databaseBytes: number;
  temporalFileBytes: number;
  minutes: number;
}

function temporalFileBytes(dataDir: string): number {
  return ['temporal.db', 'temporal.db-wal', 'temporal.db-shm']
    .map((f) => join(dataDir, f))
    .filter(existsSync)
    .reduce((t, f) => t + statSync(f).size, 0);
}

async function databaseBytes(sql: Sql): Promise<number> {
  const [row] = await sql<{ bytes: string }[]>`select pg_database_size(current_database())::text as bytes`;
  return Number(row!.bytes);
}

async function main() {
  const stack = await startBenchStack({ persistent: true, env: { SIM_SETTLE_DELAY_MS: '0' } });
  const sql = connectDb(stack.databaseUrl, { max: 4, applicationName: 'bench' });
  const temporal = new Client({ connection: await Connection.connect({ address: stack.temporalAddress }) });
  // Read at each checkpoint: the stack restarts a worker that dies.
  const workerPid = () => stack.services.get('worker')!.child.pid!;
  const temporalPid = descendantPids(/temporal server start-dev/)[0]!;
  const started = Date.now();
  const minutes = () => round((Date.now() - started) / 60_000, 1);
  // The bare twins get a quarter of the bound again after the loans.
  const outOfTime = (extra = 0) => minutes() > MAX_MINUTES * (1 + extra);
  const settle = () => new Promise((r) => setTimeout(r, 5_000));
  let bareWorker: Awaited<ReturnType<typeof startBareWorker>> | undefined;
  try {
    const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
    const watcher = new StatusWatcher(sql);
    const person = applicants();
    let next = 0;
    const failures: string[] = [];

    const snapshot = async (count: number, pid: number | (() => number)): Promise<Checkpoint> => ({
      count,
      workerRssMB: round((await rssBytes(typeof pid === 'function' ? pid() : pid)) / MB, 1),
      temporalRssMB: round((await rssBytes(temporalPid)) / MB, 1),
      databaseBytes: await databaseBytes(sql),
      temporalFileBytes: temporalFileBytes(stack.dataDir),
      minutes: minutes(),
    });

    await settle();
    const empty = await snapshot(0, workerPid);
    const real: Checkpoint[] = [empty];
    const loanIds: string[] = [];
    for (const target of CHECKPOINTS) {
      if (outOfTime()) break;
      console.error(`Loans to ACTIVE: ${next} → ${target} (${minutes()} min so far)…`);
      const { results, errors } = await pool(target - next, CONCURRENCY, async () => {
        if (outOfTime()) throw new TimeBoundReached();
        return originate(api, watcher, person(next++), { timeoutMs: 600_000 });
      });
      loanIds.push(...results.map((r) => r.loanId));
      failures.push(...errors.filter((e) => !(e instanceof TimeBoundReached)).map((e) => e.message));
      await settle();
      real.push(await snapshot(loanIds.length, workerPid));
      console.error(JSON.stringify(real.at(-1)));
    }
    const sample = loanIds.filter((_, i) => i % Math.max(1, Math.floor(loanIds.length / 20)) === 0).slice(0, 20);
    const histories = (await pool(sample.length, 4, (i) => historySize(temporal, sample[i]!))).results;
    const batches = await activityBatches(temporal, loanIds[0]!);
    const [active] = await sql<{ n: number }[]>`select count(*)::int as n from loans where status = 'ACTIVE'`;

    // The bare twins, on the same server after the loans: growth is measured from here.
    const taskQueue = 'bench-bare-footprint';
    bareWorker = await startBareWorker(stack, { taskQueue, encrypt: false });
    const barePid = bareWorker.child.pid!;
    await settle();
    const bareStart = await snapshot(0, barePid);
    const bare: Checkpoint[] = [bareStart];
    const bareIds: string[] = [];
    for (const target of BARE_CHECKPOINTS) {
      if (outOfTime(0.25)) break;
      console.error(`Bare sleepers: ${bareIds.length} → ${target}…`);
      const { results } = await pool(target - bareIds.length, CONCURRENCY, async () => {
        const handle = await temporal.workflow.start('bareSleeper', {
          taskQueue,
          workflowId: `bare-${randomUUID()}`,
          args: [{ batches, sleepMs: 30 * 24 * 3600 * 1000 }],
        });
        // Asleep on its timer once nothing is pending: its history then stops growing.
        for (let i = 0; i < 600; i++) {
          await new Promise((r) => setTimeout(r, 200));
          const d = await handle.describe();
          if (d.historyLength > 3 && !d.raw.pendingActivities?.length && !d.raw.pendingWorkflowTask) break;
        }
        return handle.workflowId;
      });
      bareIds.push(...results);
      await settle();
      bare.push(await snapshot(bareIds.length, barePid));
      console.error(JSON.stringify(bare.at(-1)));
    }
    const bareHistories = (await pool(Math.min(20, bareIds.length), 4, (i) => historySize(temporal, bareIds[i]!)))
      .results;
    await bareWorker.stop();
    bareWorker = undefined;

    // What bundling the workflow code at start costs a worker: the same bare worker, idle, with a
    // bundle built beforehand (worker/create-worker.ts accepts one; worker/main.ts bundles at start).
    const bundlePath = join(stack.dataDir, 'bare-bundle.js');
    writeFileSync(
      bundlePath,
      (await bundleWorkflowCode({ workflowsPath: BARE_WORKFLOWS_PATH, ...bundlerOptions, logger: quietLogger })).code,
    );
    const bundling = await startBareWorker(stack, { taskQueue: `${taskQueue}-idle-a`, encrypt: false });
    await settle();
    const idleBundling = round((await rssBytes(bundling.child.pid!)) / MB, 1);
    await bundling.stop();
    const prebuilt = await startBareWorker(stack, { taskQueue: `${taskQueue}-idle-b`, encrypt: false, bundlePath });
    await settle();
    const idlePrebuilt = round((await rssBytes(prebuilt.child.pid!)) / MB, 1);
    await prebuilt.stop();

    const perLoan = (points: Checkpoint[], key: 'databaseBytes' | 'temporalFileBytes') => {
      const last = points.at(-1)!;
      return last.count === 0 ? Number.NaN : Math.round((last[key] - points[0]![key]) / last.count);
    };
    const maxRss = Math.max(...real.map((c) => c.workerRssMB));
    const rssGrowth = real.length > 2 ? round(real.at(-1)!.workerRssMB - real[1]!.workerRssMB, 1) : Number.NaN;
    const bareMaxRss = Math.max(...bare.map((c) => c.workerRssMB));
    const historyBytes = Math.round(mean(histories.map((h) => h.bytes)));
    const bareHistoryBytes = Math.round(mean(bareHistories.map((h) => h.bytes)));
    const reached = loanIds.length;

    const header = [
      'active',
      'worker RSS MB',
      'Temporal server RSS MB',
      'PostgreSQL MB',
      'Temporal SQLite MB',
      'minutes',
    ];
    const rowOf = (c: Checkpoint, base: Checkpoint) => [
      c.count,
      c.workerRssMB,
      c.temporalRssMB,
      round((c.databaseBytes - base.databaseBytes) / MB, 1),
      round((c.temporalFileBytes - base.temporalFileBytes) / MB, 1),
      c.minutes,
    ];
    const realRows = real.map((c) => rowOf(c, empty));
    const bareRows = bare.map((c) => rowOf(c, bareStart));
    const summaryHeader = ['per item', 'loan', 'bare workflow', 'ratio'];
    const summaryRows = [
      ['PostgreSQL bytes', perLoan(real, 'databaseBytes'), perLoan(bare, 'databaseBytes'), null],
      [
        'Temporal SQLite bytes',
        perLoan(real, 'temporalFileBytes'),
        perLoan(bare, 'temporalFileBytes'),
        ratio(perLoan(real, 'temporalFileBytes'), perLoan(bare, 'temporalFileBytes')),
      ],
      ['history bytes (describe, mean of 20)', historyBytes, bareHistoryBytes, ratio(historyBytes, bareHistoryBytes)],
      [
        'history events (mean of 20)',
        round(mean(histories.map((h) => h.events)), 0),
        round(mean(bareHistories.map((h) => h.events)), 0),
        null,
      ],
      ['worker RSS, highest checkpoint (MB)', maxRss, bareMaxRss, ratio(maxRss, bareMaxRss)],
      [
        'idle bare worker RSS: bundling at start / prebuilt bundle (MB)',
        null,
        `${idleBundling} / ${idlePrebuilt}`,
        null,
      ],
    ];
    console.log('Loans:');
    printTable(header, realRows);
    console.log('Bare workflows:');
    printTable(header, bareRows);
    printTable(summaryHeader, summaryRows);

    const met = reached >= 10_000 && maxRss < TARGET_RSS_MB && !(rssGrowth > 50);
    saveResult({
      name: 'footprint',
      title: 'Footprint of active loans',
      command: `npx tsx bench/footprint.ts (BENCH_CHECKPOINTS=${CHECKPOINTS.join(',')} BENCH_BARE_CHECKPOINTS=${BARE_CHECKPOINTS.join(',')} BENCH_CONCURRENCY=${CONCURRENCY})`,
      parameters: {
        checkpoints: CHECKPOINTS,
        bareCheckpoints: BARE_CHECKPOINTS,
        concurrency: CONCURRENCY,
        maxMinutes: MAX_MINUTES,
        activityBatches: batches,
        workerCache: 100,
      },
      results: {
        reached,
        activeInDatabase: active!.n,
        failures: failures.slice(0, 20),
        failureCount: failures.length,
        checkpoints: real,
        historyBytes,
        histories,
      },
      baseline: {
        checkpoints: bare,
        historyBytes: bareHistoryBytes,
        histories: bareHistories,
        idleWorkerRssMB: { bundlingAtStart: idleBundling, prebuiltBundle: idlePrebuilt },
      },
      ratio: {
        historyBytes: ratio(historyBytes, bareHistoryBytes),
        temporalFileBytes: ratio(perLoan(real, 'temporalFileBytes'), perLoan(bare, 'temporalFileBytes')),
        workerRss: ratio(maxRss, bareMaxRss),
      },
      target: `worker RSS < ${TARGET_RSS_MB} MB with 10,000 active loans, not growing with their number`,
      met,
      headline: `${reached.toLocaleString('en-US')} active loans: worker RSS ${maxRss} MB (bare ${bareMaxRss}), growth ${rssGrowth} MB from the first checkpoint; ${perLoan(real, 'databaseBytes').toLocaleString('en-US')} B PostgreSQL and ${perLoan(real, 'temporalFileBytes').toLocaleString('en-US')} B Temporal per loan`,
      note: '',
      markdown: [
        `Loans: complete, clean applications (10,000.00 × 12) through the API to ACTIVE, ${CONCURRENCY} at a time; each then sleeps until its first reminder, a month ahead. The dev server keeps its state in SQLite (\`--db-filename\`), so its file is Temporal’s footprint; “history bytes” is Temporal’s own count of each workflow’s history. Bare twins: workflows running the same activity batches as one loan ([${batches.join(', ')}]) and then sleeping for 30 days, with their own worker process (the same cache of 100 workflows as the loan worker, which loads a prebuilt bundle), started after the loans; their growth is measured from the figures at their start. Growth columns are since the first row of each table.`,
        '',
        'Loans:',
        '',
        ...markdownTable(header, realRows),
        '',
        'Bare workflows:',
        '',
        ...markdownTable(header, bareRows),
        '',
        ...markdownTable(summaryHeader, summaryRows),
        '',
      ],
    });
  } finally {
    await bareWorker?.stop();
    await temporal.connection.close();
    await sql.end();
    await stack.stop();
  }
}

await main();
