// 5. Dev server against the production shape, side by side in one run: origination throughput
// (complete, clean applications from registration to ACTIVE through the HTTP API, C at a time)
// and API latency (POST /v1/quotes and a borrower's GET /v1/loans/{id}, K clients for S seconds),
// first on the stack `npm start` runs (Temporal dev server on SQLite, one worker, one API), then on
// the one `npm run start:cluster` runs (the Temporal server on PostgreSQL with 16 history shards,
// two workers, two APIs behind one port), on the same machine.
//
//   npm run bench:topology     (BENCH_LOANS, BENCH_CONCURRENCY, BENCH_SECONDS, BENCH_CLIENTS override)
import { connectDb } from '../lib/db-client.js';
import { ApiClient } from '../drivers/api-client.js';
import { applicants } from '../drivers/identities.js';
import { originate, StatusWatcher } from '../drivers/origination.js';
import { startBenchStack } from './lib/bench-stack.js';
import { pool } from './lib/pool.js';
import { saveResult } from './lib/results.js';
import { percentile, ratio, round } from './lib/stats.js';
import { markdownTable, printTable } from './lib/table.js';

const LOANS = Number(process.env.BENCH_LOANS ?? 40);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10);
const TOPOLOGIES = ['dev', 'cluster'] as const;
type Topology = (typeof TOPOLOGIES)[number];

const QUOTE = JSON.stringify({ principal: '10000.00', annualRate: '0.12', termCount: 12, method: 'EQUAL_INSTALLMENT' });

interface Latency {
  requests: number;
  failed: number;
  p50: number;
  p99: number;
}

/** K clients calling one route back to back for S seconds; each client its own forwarded address. */
async function latency(call: (client: number) => Promise<Response>): Promise<Latency> {
  const times: number[] = [];
  let failed = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      while (Date.now() < until) {
        const started = performance.now();
        const res = await call(client).catch(() => undefined);
        await res?.arrayBuffer();
        if (!res?.ok) failed++;
        else times.push(performance.now() - started);
      }
    }),
  );
  return {
    requests: times.length + failed,
    failed,
    p50: round(percentile(times, 50), 1),
    p99: round(percentile(times, 99), 1),
  };
}

async function measure(topology: Topology) {
  console.error(`${topology}: starting the stack…`);
  const stack = await startBenchStack({ topology, env: { SIM_SETTLE_DELAY_MS: '0' } });
  const sql = connectDb(stack.databaseUrl, { max: 4, applicationName: 'bench' });
  try {
    const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
    const watcher = new StatusWatcher(sql);
    const person = applicants();
    let next = 0;
    const loan = () => originate(api, watcher, person(next++));
    await pool(4, 4, loan); // warm-up
    const started = Date.now();
    const loans = await pool(LOANS, CONCURRENCY, loan);
    const seconds = (Date.now() - started) / 1000;
    if (loans.errors.length)
      throw new Error(`${topology}: ${loans.errors.length} originations failed: ${loans.errors[0]!.message}`);
    const own = loans.results[0]!;
    const quotes = await latency((client) =>
      fetch(`${stack.apiUrl}/v1/quotes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.0.${client + 1}` },
        body: QUOTE,
      }),
    );
    const reads = await latency(() =>
      fetch(`${stack.apiUrl}/v1/loans/${own.loanId}`, { headers: { authorization: `Bearer ${own.token}` } }),
    );
    return {
      topology,
      loansPerSecond: round(LOANS / seconds, 2),
      seconds: round(seconds, 1),
      quotes,
      reads,
      problems: stack.problems.length,
    };
  } finally {
    await sql.end({ timeout: 5 });
    await stack.stop();
  }
}

async function main() {
  const runs = [];
  for (const topology of TOPOLOGIES) runs.push(await measure(topology));
  const [dev, cluster] = runs as [Awaited<ReturnType<typeof measure>>, Awaited<ReturnType<typeof measure>>];
  const rows = [
    [
      'origination, loans/s',
      dev.loansPerSecond,
      cluster.loansPerSecond,
      ratio(cluster.loansPerSecond, dev.loansPerSecond),
    ],
    ['POST /v1/quotes p99 ms', dev.quotes.p99, cluster.quotes.p99, ratio(cluster.quotes.p99, dev.quotes.p99)],
    ['POST /v1/quotes p50 ms', dev.quotes.p50, cluster.quotes.p50, ratio(cluster.quotes.p50, dev.quotes.p50)],
    ['GET /v1/loans/{id} p99 ms', dev.reads.p99, cluster.reads.p99, ratio(cluster.reads.p99, dev.reads.p99)],
    ['GET /v1/loans/{id} p50 ms', dev.reads.p50, cluster.reads.p50, ratio(cluster.reads.p50, dev.reads.p50)],
    ['failed requests', dev.quotes.failed + dev.reads.failed, cluster.quotes.failed + cluster.reads.failed, '—'],
  ];
  const header = ['figure', 'dev server (1 worker, 1 API)', 'cluster (16 shards, 2 workers, 2 APIs)', 'cluster ÷ dev'];
  printTable(header, rows);
  const throughputRatio = ratio(cluster.loansPerSecond, dev.loansPerSecond);
  saveResult({
    name: 'topology',
    title: 'Dev server against the production topology',
    command: `npm run bench:topology (BENCH_LOANS=${LOANS} BENCH_CONCURRENCY=${CONCURRENCY} BENCH_SECONDS=${SECONDS} BENCH_CLIENTS=${CLIENTS})`,
    parameters: { loans: LOANS, concurrency: CONCURRENCY, seconds: SECONDS, clients: CLIENTS },
    results: cluster,
    baseline: dev,
    ratio: { throughput: throughputRatio, quotesP99: ratio(cluster.quotes.p99, dev.quotes.p99) },
    target: 'no target: the same figures on both, side by side',
    met: null,
    headline: `origination ${cluster.loansPerSecond} loans/s on the cluster = ${throughputRatio} × the dev server (${dev.loansPerSecond}); quotes p99 ${cluster.quotes.p99} ms against ${dev.quotes.p99} ms`,
    note: '',
    markdown: [
      `${LOANS} originations, ${CONCURRENCY} at a time, after 4 to warm up; then ${CLIENTS} clients for ${SECONDS} s on each route. Dev server first, then the cluster, in one process.`,
      '',
      ...markdownTable(header, rows),
    ],
  });
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
