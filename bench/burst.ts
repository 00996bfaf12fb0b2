// 1d. Installment burst: N loans taken to ACTIVE the same business day share their first due
// date, so their reminders (09:00, 3 and 1 days before) and their collection (18:00 on the due
// date, auto-debit through the bank) fall due at the same instants. The dev server cannot move
// its clock, so the stack runs on the Temporal time-skipping test server: originations run in
// real time, then the bench jumps the clock to each instant and times, by the wall clock, how long
// the stack takes to finish every loan's reminder or collection. Beside it, N bare workflows
// asleep until the same kind of instant run the same activity batches on the same server.
//
//   npm run bench:burst          (BENCH_SIZES=100,300,1000 BENCH_CONCURRENCY=16)
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { connectDb, type Sql } from '../lib/db-client.js';
import { addDays } from '../domain/dates.js';
import { instantOf } from '../domain/business-time.js';
import { freePort } from '../lib/ports.js';
import { startTimeSkippingServer } from '../ops/temporal-server.js';
import { msToTs, tsToMs } from '@temporalio/common/lib/time.js';
import { DUE_TIME } from '../workflows/servicing-collections.js';
import { REMINDER_TIME } from '../workflows/servicing.js';
import { ApiClient } from '../drivers/api-client.js';
import { startBareWorker } from './lib/baseline-processes.js';
import { startBenchStack, type BenchStack } from './lib/bench-stack.js';
import { cpuByService, cpuDelta } from './lib/cpu.js';
import { wakeUpBatches } from './lib/history.js';
import { applicants } from '../drivers/identities.js';
import { originate, StatusWatcher } from '../drivers/origination.js';
import { pool } from './lib/pool.js';
import { saveResult } from './lib/results.js';
import { ratio, round, slope } from './lib/stats.js';
import { markdownTable, printTable } from './lib/table.js';

const SIZES = (process.env.BENCH_SIZES ?? '100,300,1000').split(',').map(Number);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WAVE_TIMEOUT_MS = 15 * 60_000;

interface Wave {
  name: string;
  at: number;
  done: (sql: Sql, ids: string[]) => Promise<number>;
}

interface WaveResult {
  name: string;
  seconds: number;
  perSecond: number;
  cpuSeconds: Record<string, number>;
}

const reminders = (nth: number) => async (sql: Sql, ids: string[]) => {
  const [r] = await sql<{ n: number }[]>`
    select count(*)::int as n from (select loan_id from notifications where template = 'REPAYMENT_REMINDER' and loan_id in ${sql(ids)}
    group by loan_id having count(*) >= ${nth}) x`;
  return r!.n;
};

const collections = async (sql: Sql, ids: string[]) => {
  const [r] = await sql<
    { n: number }[]
  >`select count(distinct loan_id)::int as n from repayments where channel = 'AUTO_DEBIT' and loan_id in ${sql(ids)}`;
  return r!.n;
};

async function serverNow(connection: Connection): Promise<number> {
  return tsToMs((await connection.testService!.getCurrentTime({})).time);
}

/** Moves the test server's clock to `at` (it runs every timer due on the way), then locks it again. */
async function jumpTo(connection: Connection, at: number): Promise<void> {
  const now = await serverNow(connection);
  if (at > now) await connection.testService!.unlockTimeSkippingWithSleep({ duration: msToTs(at - now) });
}

async function timeWave(
  wave: { at: number },
  connection: Connection,
  finished: () => Promise<boolean>,
): Promise<{ seconds: number; cpuSeconds: Record<string, number> }> {
  const cpu0 = cpuByService();
  const t0 = Date.now();
  await jumpTo(connection, wave.at + 1_000);
  while (!(await finished())) {
    if (Date.now() - t0 > WAVE_TIMEOUT_MS)
      throw new Error(`a wave did not finish within ${WAVE_TIMEOUT_MS / 60_000} minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { seconds: (Date.now() - t0) / 1000, cpuSeconds: cpuDelta(cpu0, cpuByService()) };
}

async function runSize(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'microloan-burst-'));
  const port = await freePort();
  const server = await startTimeSkippingServer(port, dir);
  let stack: BenchStack | undefined;
  let sql: Sql | undefined;
  let connection: Connection | undefined;
  let bareWorker: Awaited<ReturnType<typeof startBareWorker>> | undefined;
  try {
    stack = await startBenchStack({ temporalAddress: `127.0.0.1:${port}`, env: { SIM_SETTLE_DELAY_MS: '0' } });
    sql = connectDb(stack.databaseUrl, { max: 4, applicationName: 'bench' });
    // The test server's own service (its clock) is reached through the same connection.
    connection = await Connection.connect({
      address: stack.temporalAddress,
      [InternalConnectionOptionsSymbol]: { supportsTestService: true },
    } as ConnectionOptions);
    const client = new Client({ connection });
    const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
    const watcher = new StatusWatcher(sql);
    const person = applicants();

    console.error(`N = ${n}: ${n} loans to ACTIVE (real time)…`);
    const { results, errors } = await pool(n, CONCURRENCY, (i) => originate(api, watcher, person(i)));
    // A loan that did not get through origination is left out of the waves and reported.
    if (errors.length > n / 10) throw new Error(`${errors.length} originations failed: ${errors[0]!.message}`);
    if (errors.length)
      console.error(`N = ${n}: ${errors.length} origination(s) failed, left out: ${errors[0]!.message}`);
    const ids = results.map((r) => r.loanId);
    const dues = await sql<
      { due: string; n: number }[]
    >`select next_due_date::text as due, count(*)::int as n from loans where id in ${sql(ids)} group by 1`;
    if (dues.length !== 1) throw new Error(`the loans do not share one first due date: ${JSON.stringify(dues)}`);
    const due = dues[0]!.due;
    const [product] = await sql<
      { days: number[] }[]
    >`select definition->'reminderDaysBeforeDue' as days from products where code = 'CONSUMER_STD'`;
    const timeZone = stack.env.BUSINESS_TIME_ZONE ?? 'Asia/Shanghai';
    const waves: Wave[] = [
      ...[...product!.days]
        .sort((a, b) => b - a)
        .map((days, i) => ({
          name: `reminder ${days} days before`,
          at: instantOf(addDays(due, -days), REMINDER_TIME, timeZone),
          done: reminders(i + 1),
        })),
      { name: 'collection on the due date (auto-debit)', at: instantOf(due, DUE_TIME, timeZone), done: collections },
    ];

    const real: WaveResult[] = [];
    for (const wave of waves) {
      console.error(`N = ${n}: ${wave.name}…`);
      const timed = await timeWave(wave, connection, async () => (await wave.done(sql!, ids)) >= ids.length);
      real.push({
        name: wave.name,
        seconds: round(timed.seconds),
        perSecond: round(ids.length / timed.seconds),
        cpuSeconds: timed.cpuSeconds,
      });
    }
    const sampleWaves = (await wakeUpBatches(client, ids[0]!)).slice(-waves.length);

    // The bare twins: N workflows per wave asleep until an instant an hour apart, then the same batches.
    const taskQueue = 'bench-bare-burst';
    bareWorker = await startBareWorker(stack, { taskQueue, encrypt: false });
    const bare: WaveResult[] = [];
    for (const [i, wave] of waves.entries()) {
      const at = (await serverNow(connection)) + 3_600_000;
      const started = await pool(n, 32, () =>
        client.workflow.start('bareWave', {
          taskQueue,
          workflowId: `bare-${randomUUID()}`,
          args: [{ at, batches: sampleWaves[i] ?? [1] }],
        }),
      );
      // Every twin asleep before the clock moves.
      await new Promise((r) => setTimeout(r, 2_000));
      let open = started.results;
      const timed = await timeWave({ at }, connection, async () => {
        const checks = await pool(open.length, 32, async (k) => ({
          handle: open[k]!,
          running: (await open[k]!.describe()).status.name === 'RUNNING',
        }));
        open = checks.results.filter((c) => c.running).map((c) => c.handle);
        return open.length === 0 && checks.errors.length === 0;
      });
      bare.push({
        name: wave.name,
        seconds: round(timed.seconds),
        perSecond: round(n / timed.seconds),
        cpuSeconds: timed.cpuSeconds,
      });
    }
    return {
      n,
      loans: ids.length,
      failedOriginations: errors.map((e) => e.message).slice(0, 3),
      due,
      waves: waves.map((w, i) => ({ name: w.name, batches: sampleWaves[i] ?? [] })),
      real,
      bare,
    };
  } finally {
    await bareWorker?.stop();
    await connection?.close();
    await sql?.end();
    await stack?.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const runs = [];
  for (const n of SIZES) runs.push(await runSize(n));

  const header = [
    'N',
    'wave',
    'activity batches',
    'seconds',
    'per second',
    'bare seconds',
    'bare per second',
    'seconds ÷ bare',
  ];
  const rows = runs.flatMap((r) =>
    r.real.map((w, i) => [
      r.n,
      w.name,
      `[${r.waves[i]!.batches.join(', ')}]`,
      w.seconds,
      w.perSecond,
      r.bare[i]!.seconds,
      r.bare[i]!.perSecond,
      ratio(w.seconds, r.bare[i]!.seconds),
    ]),
  );
  printTable(header, rows);
  const collection = runs.map((r) => [r.n, r.real.at(-1)!.seconds] as const);
  const bareCollection = runs.map((r) => [r.n, r.bare.at(-1)!.seconds] as const);
  const msPerLoan = round(slope(collection) * 1000, 1);
  const bareMsPerLoan = round(slope(bareCollection) * 1000, 1);
  const largest = runs.at(-1)!;
  const growth =
    runs.length < 2
      ? 'growth with N not measured (one size only)'
      : `grows ${msPerLoan} ms per extra loan (bare ${bareMsPerLoan} ms per extra workflow)`;
  saveResult({
    name: 'burst',
    title: 'Installment burst',
    command: `npx tsx bench/burst.ts (BENCH_SIZES=${SIZES.join(',')} BENCH_CONCURRENCY=${CONCURRENCY})`,
    parameters: {
      sizes: SIZES,
      concurrency: CONCURRENCY,
      server: 'Temporal time-skipping test server (the dev server cannot move its clock)',
      simulators: 'latency 0, SIM_SETTLE_DELAY_MS=0',
    },
    results: runs.map((r) => ({
      n: r.n,
      loans: r.loans,
      failedOriginations: r.failedOriginations,
      dueDate: r.due,
      waves: r.real.map((w, i) => ({ ...w, batches: r.waves[i]!.batches })),
    })),
    baseline: runs.map((r) => ({ n: r.n, waves: r.bare })),
    ratio: Object.fromEntries(
      largest.real.map((w, i) => [`${w.name}, N=${largest.n}`, ratio(w.seconds, largest.bare[i]!.seconds)]),
    ),
    target: 'no target set: the time to process them all, and how it grows with N',
    met: null,
    headline: `N=${largest.n}: collection wave ${largest.real.at(-1)!.seconds} s (bare ${largest.bare.at(-1)!.seconds} s); ${growth}`,
    note: '',
    markdown: [
      `For each N, a fresh stack on the time-skipping test server; N complete, clean applications (10,000.00 × 12, auto-debit on) to ACTIVE, ${CONCURRENCY} at a time, all the same business day. Then, for each wave, the bench moves the server clock to one second past the instant and times (wall clock) until the database shows every loan's reminder sent or installment collected (the auto-debit's repayment recorded, which takes the bank's debit and its callback). Bare twins: N workflows asleep until an instant, then the activity batches one loan ran at that wave, on the same server with their own worker.`,
      '',
      ...markdownTable(header, rows),
      '',
      `Growth of the collection wave with N (least squares over the sizes): ${growth}.`,
      ...runs
        .filter((r) => r.loans < r.n)
        .map(
          (r) =>
            `N=${r.n}: ${r.n - r.loans} of the loans did not get through origination on the test server and were left out of the waves (${r.failedOriginations[0] ?? ''}).`,
        ),
      '',
    ],
  });
}

await main();
