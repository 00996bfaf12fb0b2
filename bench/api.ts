// 1a. API latency: autocannon on POST /v1/quotes, POST /v1/applications and GET /v1/loans/{id},
// each beside a bare Hono endpoint making the same call (bench/baseline/bare-api.ts), in
// alternating rounds on the same stack so drift on a shared machine hits both sides alike.
//
//   npm run bench:api        (BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS override the defaults)
import { Client, Connection } from '@temporalio/client';
import { connectDb } from '../lib/db-client.js';
import { ApiClient } from '../drivers/api-client.js';
import { startBareApi, startBareWorker } from './lib/baseline-processes.js';
import { startBenchStack } from './lib/bench-stack.js';
import { activityBatches, total } from './lib/history.js';
import { applicants } from '../drivers/identities.js';
import { applicationBody, originate, StatusWatcher } from '../drivers/origination.js';
import { pool } from './lib/pool.js';
import { runLoad, type LoadFigures } from './lib/load.js';
import { saveResult } from './lib/results.js';
import { median, ratio } from './lib/stats.js';
import { markdownTable, printTable } from './lib/table.js';
import type { RequestSpec } from 'autocannon';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LOANS_QUERIED = 20;
const TARGET_RATIO = 1.5;

interface Side {
  url: string;
  request: RequestSpec;
}

interface Case {
  name: string;
  call: string;
  real: Side;
  bare: Side;
}

const quoteBody = JSON.stringify({
  principal: '10000.00',
  annualRate: '0.12',
  termCount: 12,
  method: 'EQUAL_INSTALLMENT',
});
const json = { 'content-type': 'application/json' };

/** One of 5,000 client addresses, in turn: each stays far below the per-client quote limit. */
let client = 0;
const forwardedFor = () => {
  client = (client + 1) % 5_000;
  return `10.0.${client >> 8}.${client & 255}`;
};

function roundRobin<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

async function main() {
  const stack = await startBenchStack();
  const sql = connectDb(stack.databaseUrl, { max: 4, applicationName: 'bench' });
  const temporal = new Client({ connection: await Connection.connect({ address: stack.temporalAddress }) });
  const bareProcesses: Array<{ stop(): Promise<void> }> = [];
  try {
    const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
    const watcher = new StatusWatcher(sql);
    const person = applicants();
    const [officer, finance] = await Promise.all([api.login('loan_officer'), api.login('finance')]);

    console.error(`Preparing ${LOANS_QUERIED} active loans to query…`);
    const { results: loans, errors } = await pool(LOANS_QUERIED, 10, (i) => originate(api, watcher, person(i)));
    if (errors[0]) throw errors[0];
    // How many activities a new loan runs before it waits for documents: the bare start runs as many.
    const probe = await api.call<{ loanId: string }>('POST', '/v1/applications', {
      token: officer.token,
      body: applicationBody(person(LOANS_QUERIED)),
    });
    await watcher.waitFor(probe.loanId, ['AWAITING_DOCUMENTS']);
    await new Promise((r) => setTimeout(r, 2_000));
    const startBatches = await activityBatches(temporal, probe.loanId);
    const startActivities = total(startBatches);

    const taskQueue = 'bench-bare';
    bareProcesses.push(await startBareWorker(stack, { taskQueue, encrypt: true }));
    const bare = await startBareApi(stack, { taskQueue, startBatches });
    bareProcesses.push(bare.process);

    let applicantIndex = 1_000;
    const nextApplication = () => JSON.stringify(applicationBody(person(applicantIndex++)));
    const borrowerLoan = roundRobin(loans.map((l) => ({ loanId: l.loanId, token: l.token })));
    const staffLoan = roundRobin(loans.map((l) => l.loanId));
    const bareLoan = roundRobin(loans.map((l) => l.loanId));

    const cases: Case[] = [
      {
        name: 'POST /v1/quotes',
        call: 'quote() (no Temporal call)',
        real: {
          url: stack.apiUrl,
          request: {
            method: 'POST',
            path: '/v1/quotes',
            body: quoteBody,
            setupRequest: (r) => ({ ...r, headers: { ...json, 'x-forwarded-for': forwardedFor() } }),
          },
        },
        bare: {
          url: bare.url,
          request: {
            method: 'POST',
            path: '/quotes',
            body: quoteBody,
            setupRequest: (r) => ({ ...r, headers: { ...json, 'x-forwarded-for': forwardedFor() } }),
          },
        },
      },
      {
        name: 'POST /v1/applications (loan officer)',
        call: `workflow start (+${startActivities} activities run by the worker)`,
        real: {
          url: stack.apiUrl,
          request: {
            method: 'POST',
            path: '/v1/applications',
            setupRequest: (r) => ({
              ...r,
              headers: { ...json, authorization: `Bearer ${officer.token}` },
              body: nextApplication(),
            }),
          },
        },
        bare: {
          url: bare.url,
          request: {
            method: 'POST',
            path: '/applications',
            setupRequest: (r) => ({ ...r, headers: json, body: nextApplication() }),
          },
        },
      },
      {
        name: 'GET /v1/loans/{id} (borrower, own loan)',
        call: 'the same database reads',
        real: {
          url: stack.apiUrl,
          request: {
            method: 'GET',
            setupRequest: (r) => {
              const { loanId, token } = borrowerLoan();
              return { ...r, path: `/v1/loans/${loanId}`, headers: { authorization: `Bearer ${token}` } };
            },
          },
        },
        bare: {
          url: bare.url,
          request: { method: 'GET', setupRequest: (r) => ({ ...r, path: `/loans/${bareLoan()}` }) },
        },
      },
      {
        name: 'GET /v1/loans/{id} (finance, audited)',
        call: 'the same database reads',
        real: {
          url: stack.apiUrl,
          request: {
            method: 'GET',
            setupRequest: (r) => ({
              ...r,
              path: `/v1/loans/${staffLoan()}`,
              headers: { authorization: `Bearer ${finance.token}` },
            }),
          },
        },
        bare: {
          url: bare.url,
          request: { method: 'GET', setupRequest: (r) => ({ ...r, path: `/loans/${bareLoan()}` }) },
        },
      },
    ];

    const measured = [];
    for (const c of cases) {
      // The workflows the previous case started finish their first activities before this one is measured.
      await new Promise((r) => setTimeout(r, 10_000));
      console.error(`${c.name}: warm-up, then ${ROUNDS} alternating rounds of ${SECONDS} s per side…`);
      const run = (side: Side, seconds: number) =>
        runLoad({ url: side.url, request: side.request, connections: CONNECTIONS, durationSeconds: seconds });
      await run(c.bare, WARMUP_SECONDS);
      await run(c.real, WARMUP_SECONDS);
      const real: LoadFigures[] = [];
      const bareRuns: LoadFigures[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        if (round % 2 === 0) {
          bareRuns.push(await run(c.bare, SECONDS));
          real.push(await run(c.real, SECONDS));
        } else {
          real.push(await run(c.real, SECONDS));
          bareRuns.push(await run(c.bare, SECONDS));
        }
      }
      const summary = (runs: LoadFigures[]) => ({
        requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
        p50Ms: median(runs.map((r) => r.p50Ms)),
        p99Ms: median(runs.map((r) => r.p99Ms)),
        requests: runs.reduce((t, r) => t + r.requests, 0),
        failures: runs.reduce((t, r) => t + r.non2xx + r.errors, 0),
      });
      const p99Ratios = real.map((r, i) => ratio(r.p99Ms, bareRuns[i]!.p99Ms));
      measured.push({
        case: c.name,
        call: c.call,
        real: summary(real),
        bare: summary(bareRuns),
        p99Ratio: median(p99Ratios),
        p99RatiosByRound: p99Ratios,
        p50Ratio: median(real.map((r, i) => ratio(r.p50Ms, bareRuns[i]!.p50Ms))),
        rpsRatio: median(real.map((r, i) => ratio(r.requestsPerSecond, bareRuns[i]!.requestsPerSecond))),
        rounds: { real, bare: bareRuns },
      });
    }

    const header = [
      'endpoint',
      'bare call',
      'req/s',
      'bare req/s',
      'p50 ms',
      'bare p50 ms',
      'p99 ms',
      'bare p99 ms',
      'p99 ÷ bare',
      'failed',
    ];
    const rows = measured.map((m) => [
      m.case,
      m.call,
      m.real.requestsPerSecond,
      m.bare.requestsPerSecond,
      m.real.p50Ms,
      m.bare.p50Ms,
      m.real.p99Ms,
      m.bare.p99Ms,
      m.p99Ratio,
      m.real.failures + m.bare.failures,
    ]);
    printTable(header, rows);
    const missed = measured.filter((m) => m.p99Ratio > TARGET_RATIO);
    const failures = measured.reduce((t, m) => t + m.real.failures, 0);
    saveResult({
      name: 'api',
      title: 'API latency beside bare Hono endpoints',
      command: `npx tsx bench/api.ts (BENCH_ROUNDS=${ROUNDS} BENCH_SECONDS=${SECONDS} BENCH_CONNECTIONS=${CONNECTIONS})`,
      parameters: {
        connections: CONNECTIONS,
        secondsPerRun: SECONDS,
        rounds: ROUNDS,
        warmupSeconds: WARMUP_SECONDS,
        loansQueried: LOANS_QUERIED,
        startBatches,
      },
      results: measured.map(({ rounds, ...m }) => ({ ...m, rounds })),
      baseline:
        'bench/baseline/bare-api.ts: plain Hono, no middleware, the same Temporal call (data converter included) or database reads',
      ratio: Object.fromEntries(measured.map((m) => [m.case, m.p99Ratio])),
      target: `p99 ≤ ${TARGET_RATIO} × bare endpoint`,
      met: missed.length === 0 && failures === 0,
      headline: measured
        .map(
          (m) =>
            `${m.case.split(' (')[0]!.replace('/v1/', '')}${m.case.includes('(') ? ` (${m.case.split('(')[1]!.split(',')[0]!.replace(')', '')})` : ''} p99 ${m.p99Ratio}×`,
        )
        .join('; '),
      note: '',
      markdown: [
        `autocannon, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per side after a ${WARMUP_SECONDS} s warm-up of each, bare and real alternating (bare first in odd rounds, real first in even ones). Figures are medians over the rounds; the ratio is the median of the per-round ratios.`,
        '',
        ...markdownTable(header, rows),
        '',
      ],
    });
  } finally {
    for (const p of bareProcesses) await p.stop();
    await temporal.connection.close();
    await sql.end();
    await stack.stop();
  }
}

await main();
