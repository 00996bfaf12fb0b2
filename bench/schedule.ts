// Quotes per second: the full quote() (schedule + APR) for EQUAL_INSTALLMENT loans of 12 and 360
// installments, single process, after warm-up; and the same algorithm on float64 numbers for
// the ratio (the float version lives only here: money must never be computed this way).
//
//   npx tsx bench/schedule.ts            writes bench/results/schedule.json and schedule.md
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { addMonths, toCivilDate } from '../domain/dates.js';
import { quote, type QuoteRequest } from '../domain/quote.js';

const COMMAND = 'npx tsx bench/schedule.ts';
const ROUNDS = 7;
const ROUND_MS = 700;
const WARMUP_MS = 1500;

// ---- the float64 twin of quote() for EQUAL_INSTALLMENT, monthly, no fees ---------------------

interface FloatInstallment {
  number: number;
  dueDate: string;
  principal: string;
  interest: string;
  fee: string;
  total: string;
  remainingPrincipal: string;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

function floatIrr(received: number, payments: number[], guess: number): number {
  const n = payments.length;
  const amount = payments[n >> 1] as number;
  const exceptions: [number, number][] = [];
  payments.forEach((p, k) => {
    if (p !== amount) exceptions.push([k, p - amount]);
  });
  let i = guess;
  for (let iter = 0; iter < 50; iter++) {
    const v = 1 / (1 + i);
    const vLast = v ** (n - 1);
    const vN = vLast * v;
    const gap = 1 - v;
    let poly = amount * ((1 - vN) / gap);
    let deriv = amount * ((1 - n * vLast + (n - 1) * vN) / (gap * gap));
    for (const [k, excess] of exceptions) {
      const vk = k === 0 ? 1 : k === n - 1 ? vLast : v ** k;
      poly += excess * vk;
      if (k > 0) deriv += (excess * k * vk) / v;
    }
    const npv = v * poly - received;
    const slope = -v * v * (poly + v * deriv);
    const step = npv / slope;
    i -= step;
    if (Math.abs(step) < 1e-12) break;
  }
  return i;
}

function floatQuote(req: QuoteRequest) {
  const principal = Number(req.principal);
  const annual = Number(req.annualRate);
  const n = req.termCount;
  const r = annual / 12;
  const anchorDay = toCivilDate(req.startDate).day;
  const interestOnly = round2(principal * r);
  let level = round2(r === 0 ? principal / n : (principal * r) / (1 - (1 + r) ** -n));
  let rows: { principal: number; interest: number; remaining: number }[] | null = null;
  while (rows === null) {
    rows = [];
    let balance = principal;
    for (let k = 1; k <= n; k++) {
      const interest = round2(balance * r);
      let part = k === n ? balance : level - interest;
      if (k < n && part >= balance) {
        rows = null;
        break;
      }
      part = round2(part);
      balance = round2(balance - part);
      rows.push({ principal: part, interest, remaining: balance });
    }
    if (rows === null) level = Math.max(round2(level - 0.01), interestOnly);
  }
  let totalInterest = 0;
  const payments: number[] = [];
  const installments: FloatInstallment[] = rows.map((row, i) => {
    const total = round2(row.principal + row.interest);
    totalInterest = round2(totalInterest + row.interest);
    payments.push(total);
    return {
      number: i + 1,
      dueDate: addMonths(req.startDate, i + 1, anchorDay),
      principal: row.principal.toFixed(2),
      interest: row.interest.toFixed(2),
      fee: '0.00',
      total: total.toFixed(2),
      remainingPrincipal: row.remaining.toFixed(2),
    };
  });
  const i = floatIrr(principal, payments, r);
  return {
    installments,
    totalPrincipal: principal.toFixed(2),
    totalInterest: totalInterest.toFixed(2),
    totalFees: '0.00',
    totalPayment: (principal + totalInterest).toFixed(2),
    apr: (i * 12).toFixed(6),
    effectiveAnnualRate: ((1 + i) ** 12 - 1).toFixed(6),
  };
}

// ---- harness -------------------------------------------------------------------------------

interface Rate {
  /** Median over rounds of quotes per wall-clock second. */
  quotesPerSecond: number;
  microsPerQuote: number;
  /** Best round: the least disturbed by other work on a shared machine. */
  bestQuotesPerSecond: number;
  /** Quotes per second of this process's CPU time (user + system), over all rounds. */
  quotesPerCpuSecond: number;
  rounds: number[];
}

function perSecond(fn: () => unknown): Rate {
  const warmEnd = performance.now() + WARMUP_MS;
  while (performance.now() < warmEnd) fn();
  const rounds: number[] = [];
  let total = 0;
  const cpuStart = process.cpuUsage();
  for (let r = 0; r < ROUNDS; r++) {
    let count = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ROUND_MS) {
      for (let k = 0; k < 20; k++) fn();
      count += 20;
      now = performance.now();
    }
    total += count;
    rounds.push((count * 1000) / (now - start));
  }
  const cpu = process.cpuUsage(cpuStart);
  const sorted = [...rounds].sort((a, b) => a - b);
  const median = sorted[sorted.length >> 1] as number;
  return {
    quotesPerSecond: Math.round(median),
    microsPerQuote: Number((1e6 / median).toFixed(2)),
    bestQuotesPerSecond: Math.round(sorted[sorted.length - 1] as number),
    quotesPerCpuSecond: Math.round((total * 1e6) / (cpu.user + cpu.system)),
    rounds: rounds.map(Math.round),
  };
}

const cases: { name: string; req: QuoteRequest }[] = [
  {
    name: '12 × EQUAL_INSTALLMENT',
    req: {
      principal: '10000.00',
      annualRate: '0.12',
      termCount: 12,
      method: 'EQUAL_INSTALLMENT',
      startDate: '2026-01-31',
    },
  },
  {
    name: '360 × EQUAL_INSTALLMENT',
    req: {
      principal: '1000000.00',
      annualRate: '0.049',
      termCount: 360,
      method: 'EQUAL_INSTALLMENT',
      startDate: '2026-01-31',
    },
  },
];

const results = cases.map(({ name, req }) => {
  const decimal = quote(req);
  const float = floatQuote(req);
  const drift = decimal.installments.filter((inst, i) => inst.total !== float.installments[i]?.total).length;
  const dec = perSecond(() => quote(req));
  const flt = perSecond(() => floatQuote(req));
  return {
    case: name,
    installments: req.termCount,
    decimal: dec,
    float64: flt,
    float64OverDecimal: Number((flt.quotesPerSecond / dec.quotesPerSecond).toFixed(1)),
    apr: { decimal: decimal.apr, float64: float.apr },
    installmentsWhereFloatDiffers: drift,
  };
});

const cpus = os.cpus();
const report = {
  machine: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  node: process.version,
  date: new Date().toISOString(),
  command: COMMAND,
  method: `median of ${ROUNDS} rounds of ${ROUND_MS} ms after ${WARMUP_MS} ms warm-up, one process, one thread`,
  loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
  target: '≥ 10,000 quotes/s per core for 12 installments',
  results,
};

const fmt = (n: number) => n.toLocaleString('en-US');
const table = [
  '| case | decimal.js quotes/s (median) | best round | per CPU-second | µs/quote | float64 quotes/s | float64 ÷ decimal |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...results.map(
    (r) =>
      `| ${r.case} | ${fmt(r.decimal.quotesPerSecond)} | ${fmt(r.decimal.bestQuotesPerSecond)} | ${fmt(r.decimal.quotesPerCpuSecond)} | ${r.decimal.microsPerQuote} | ${fmt(r.float64.quotesPerSecond)} | ${r.float64OverDecimal}× |`,
  ),
];
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/schedule.json', `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(
  'bench/results/schedule.md',
  [
    '# quote() throughput',
    '',
    `Command: \`${COMMAND}\` — ${report.method}.`,
    `Machine: ${report.machine}, ${report.cores} cores, Node ${report.node}, load average ${report.loadAverage.join(' / ')}, ${report.date}.`,
    '',
    ...table,
    '',
    `Target: ${report.target}. The float64 column runs the same algorithm on JS numbers, for the ratio only.`,
    ...(report.loadAverage[0]! > report.cores * 0.5
      ? [
          '',
          `The machine was shared while this ran (1-minute load ${report.loadAverage[0]} on ${report.cores} cores): an idle core does better.`,
        ]
      : []),
    '',
  ].join('\n'),
);
console.log(table.join('\n'));
for (const r of results) {
  console.log(
    `${r.case}: APR decimal ${r.apr.decimal}, float64 ${r.apr.float64}; installments whose float total differs: ${r.installmentsWhereFloatDiffers}`,
  );
}
