// 1b. Origination throughput: N complete, clean, small applications (CONSUMER_STD, 10,000.00,
// auto-approved) from registration to ACTIVE through the HTTP API, C at a time; beside N bare
// workflows with as many activities as one loan ran, at the same concurrency, on the same
// Temporal server, measured before and after the loans. Time to decision is measured twice:
// one application at a time (issue 4's figure) and under the throughput run.
//
//   npm run bench:origination      (BENCH_LOANS, BENCH_CONCURRENCY, BENCH_SOLO override)
import { Client, Connection } from '@temporalio/client';
import { connectDb, type Sql } from '../lib/db-client.js';
import { ApiClient } from '../drivers/api-client.js';
import { runBareLifecycles, type BareRun } from './lib/bare-runs.js';
import { startBareWorker } from './lib/baseline-processes.js';
import { startBenchStack } from './lib/bench-stack.js';
import { cpuByService, cpuDelta, ownCpuSeconds } from './lib/cpu.js';
import { activityBatches, decisionBatches, total } from './lib/history.js';
import { applicants } from '../drivers/identities.js';
import { originate, StatusWatcher, type Timings } from '../drivers/origination.js';
import { pool } from './lib/pool.js';
import { saveResult } from './lib/results.js';
import { mean, percentile, ratio, round } from './lib/stats.js';
import { markdownTable, printTable } from './lib/table.js';

const LOANS = Number(process.env.BENCH_LOANS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SOLO = Number(process.env.BENCH_SOLO ?? 30);
const WARMUP = 10;
const TARGET_THROUGHPUT_RATIO = 0.7;
const TARGET_DECISION_P95_MS = 1_000;

/** Server-side time to decision: from the last document stored to the decision recorded, ms. */
async function decisionTimes(sql: Sql, loanIds: string[]): Promise<number[]> {
  const rows = await sql<{ ms: number }[]>`
    select extract(epoch from l.decided_at - max(d.created_at)) * 1000 as ms
    from loans l join documents d on d.loan_id = l.id
    where l.id in ${sql(loanIds)} group by l.id`;
  return rows.map((r) => Number(r.ms));
}

function spread(values: number[]) {
  return {
    p50: round(percentile(values, 50), 0),
    p95: round(percentile(values, 95), 0),
    max: round(Math.max(...values), 0),
    mean: round(mean(values), 0),
  };
}

async function main() {
  const stack = await startBenchStack({ env: { SIM_SETTLE_DELAY_MS: '0' } });
  const sql = connectDb(stack.databaseUrl, { max: 4, applicationName: 'bench' });
  const temporal = new Client({ connection: await Connection.connect({ address: stack.temporalAddress }) });
  const taskQueue = 'bench-bare-origination';
  const bareWorker = await startBareWorker(stack, { taskQueue, encrypt: false });
  try {
    const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
    const watcher = new StatusWatcher(sql);
    const person = applicants();
    let next = 0;
    const loan = () => originate(api, watcher, person(next++));

    console.error(`Warm-up: ${WARMUP} loans and ${WARMUP * 2} bare workflows…`);
    const warm = await pool(WARMUP, 5, loan);
    if (warm.errors[0]) throw warm.errors[0];
    const sample = warm.results[0]!.loanId;
    await new Promise((r) => setTimeout(r, 1_000));
    const batches = await activityBatches(temporal, sample);
    const decision = await decisionBatches(temporal, sample);
    const activities = total(batches);
    const decisionSteps = total(decision);
    await runBareLifecycles(temporal, taskQueue, WARMUP * 2, 5, batches);

    console.error(
      `Time to decision, one application at a time: ${SOLO} loans, and ${SOLO} bare ${decisionSteps}-activity workflows…`,
    );
    const solo: Timings[] = [];
    for (let i = 0; i < SOLO; i++) solo.push(await loan());
    const soloDecision = await decisionTimes(
      sql,
      solo.map((t) => t.loanId),
    );
    const bareDecision = await runBareLifecycles(temporal, taskQueue, SOLO, 1, decision);

    console.error(`Throughput: bare ${LOANS}, loans ${LOANS}, bare ${LOANS}, ${CONCURRENCY} at a time…`);
    const cpu0 = { ...cpuByService(), bench: ownCpuSeconds() };
    const bareBefore = await runBareLifecycles(temporal, taskQueue, LOANS, CONCURRENCY, batches);
    const cpu1 = { ...cpuByService(), bench: ownCpuSeconds() };
    const t0 = Date.now();
    const run = await pool(LOANS, CONCURRENCY, loan);
    const seconds = (Date.now() - t0) / 1000;
    const cpu2 = { ...cpuByService(), bench: ownCpuSeconds() };
    const bareAfter = await runBareLifecycles(temporal, taskQueue, LOANS, CONCURRENCY, batches);
    const perItem = (d: Record<string, number>, n: number) =>
      Object.fromEntries(
        Object.entries(d)
          .filter(([, v]) => v > 0)
          .map(([k, v]) => [k, round((v * 1000) / n, 1)]),
      );
    const cpuPerLoanMs = perItem(cpuDelta(cpu1, cpu2), run.results.length);
    const cpuPerBareMs = perItem(cpuDelta(cpu0, cpu1), bareBefore.latencies.length);
    const cpuTotal = (c: Record<string, number>) =>
      round(
        Object.values(c).reduce((a, b) => a + b, 0),
        1,
      );
    const loadedDecision = await decisionTimes(
      sql,
      run.results.map((t) => t.loanId),
    );

    const loansPerSecond = run.results.length / seconds;
    const barePerSecond = (bareBefore.perSecond + bareAfter.perSecond) / 2;
    const throughputRatio = ratio(loansPerSecond, barePerSecond);
    const solo95 = percentile(soloDecision, 95);
    const loaded95 = percentile(loadedDecision, 95);
    const lifecycle = run.results.map((t) => t.active - t.started);
    const bareLatency = [...bareBefore.latencies, ...bareAfter.latencies];

    const header = ['figure', 'loans', 'bare workflow', 'ratio'];
    const rows = [
      [
        `throughput, ${CONCURRENCY} at a time (per second)`,
        round(loansPerSecond),
        round(barePerSecond),
        throughputRatio,
      ],
      [
        'bare throughput before / after the loans',
        null,
        `${round(bareBefore.perSecond)} / ${round(bareAfter.perSecond)}`,
        null,
      ],
      [
        'lifecycle p50 / p95 ms (loans: registration → ACTIVE at the client; bare: start → close)',
        `${spread(lifecycle).p50} / ${spread(lifecycle).p95}`,
        `${spread(bareLatency).p50} / ${spread(bareLatency).p95}`,
        null,
      ],
      [
        `time to decision, one at a time: p50 / p95 ms (bare: ${decisionSteps} activities)`,
        `${spread(soloDecision).p50} / ${spread(soloDecision).p95}`,
        `${spread(bareDecision.latencies).p50} / ${spread(bareDecision.latencies).p95}`,
        ratio(solo95, spread(bareDecision.latencies).p95),
      ],
      [
        `time to decision under the throughput run: p50 / p95 ms`,
        `${spread(loadedDecision).p50} / ${spread(loadedDecision).p95}`,
        null,
        null,
      ],
      [
        'CPU ms per loan / per bare workflow, all processes',
        cpuTotal(cpuPerLoanMs),
        cpuTotal(cpuPerBareMs),
        ratio(cpuTotal(cpuPerLoanMs), cpuTotal(cpuPerBareMs)),
      ],
      ['failed', run.errors.length, bareBefore.errors + bareAfter.errors + bareDecision.errors, null],
    ];
    printTable(header, rows);
    const met =
      throughputRatio >= TARGET_THROUGHPUT_RATIO &&
      solo95 < TARGET_DECISION_P95_MS &&
      loaded95 < TARGET_DECISION_P95_MS &&
      run.errors.length === 0;
    const bareSummary = (b: BareRun) => ({
      perSecond: round(b.perSecond),
      seconds: round(b.seconds),
      latency: spread(b.latencies),
      errors: b.errors,
    });
    saveResult({
      name: 'origination',
      title: 'Origination throughput and time to decision',
      command: `npx tsx bench/origination.ts (BENCH_LOANS=${LOANS} BENCH_CONCURRENCY=${CONCURRENCY} BENCH_SOLO=${SOLO})`,
      parameters: {
        loans: LOANS,
        concurrency: CONCURRENCY,
        soloLoans: SOLO,
        warmupLoans: WARMUP,
        activitiesPerLoan: activities,
        activityBatches: batches,
        decisionActivityBatches: decision,
        simulators: 'latency 0, SIM_SETTLE_DELAY_MS=0',
        application: 'PERSONAL_CONSUMER 10,000.00 × 12, clean bureau profile, 4 documents',
      },
      results: {
        loansPerSecond: round(loansPerSecond),
        seconds: round(seconds),
        failed: run.errors.map((e) => e.message).slice(0, 10),
        lifecycleMs: spread(lifecycle),
        timeToDecisionSoloMs: spread(soloDecision),
        timeToDecisionLoadedMs: spread(loadedDecision),
        cpuPerLoanMs,
        cpuPerBareWorkflowMs: cpuPerBareMs,
        clientSteps: {
          registerAndApplyMs: spread(run.results.map((t) => t.applied - t.started)),
          uploadFourDocumentsMs: spread(run.results.map((t) => t.complete - t.applied)),
          decisionObservedMs: spread(run.results.map((t) => t.offered - t.complete)),
          signMs: spread(run.results.map((t) => t.signed - t.offered)),
          disbursementMs: spread(run.results.map((t) => t.active - t.signed)),
        },
      },
      baseline: { before: bareSummary(bareBefore), after: bareSummary(bareAfter), decision: bareSummary(bareDecision) },
      ratio: { throughput: throughputRatio, decisionP95Solo: ratio(solo95, spread(bareDecision.latencies).p95) },
      target: `throughput ≥ ${TARGET_THROUGHPUT_RATIO} × bare; time to decision p95 < 1 s`,
      met,
      headline: `${round(loansPerSecond)} loans/s = ${throughputRatio} × bare; decision p95 ${spread(soloDecision).p95} ms one at a time, ${spread(loadedDecision).p95} ms under load`,
      note: '',
      markdown: [
        `${LOANS} loans, ${CONCURRENCY} at a time, each: register, log in, apply, upload four documents, auto-approval, fetch the contract, sign, disbursement by the bank simulator (latency 0, settlement delay 0) to ACTIVE; the bench waits on the status projection in PostgreSQL, not by polling the API. One loan ran ${activities} activities to ACTIVE in ${batches.length} steps (batches [${batches.join(', ')}], a batch running in parallel), ${decisionSteps} of them in ${decision.length} steps between its last document and its decision; the bare workflows run as many no-op activities in the same batches (bench/baseline/workflows.ts, default data converter, worker with the same cache and concurrency settings), ${CONCURRENCY} at a time, before and after the loans.`,
        '',
        'Time to decision is the server’s own: from the last document stored (documents.created_at) to the decision recorded (loans.decided_at), for a complete, clean, small application. “One at a time” is issue 4’s figure: the local stack with nothing else in flight; “under the throughput run” is the same figure while the stack is saturated.',
        '',
        ...markdownTable(header, rows),
        '',
        `CPU per loan by process, ms (the bench itself is the load generator): ${Object.entries(cpuPerLoanMs)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}. Per bare workflow: ${Object.entries(cpuPerBareMs)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}.`,
        '',
      ],
    });
  } finally {
    await bareWorker.stop();
    await temporal.connection.close();
    await sql.end();
    await stack.stop();
  }
}

await main();
