// 4. Load and soak: 200 concurrent clients for a bounded time, each a person using the system
// with think time between actions: quote shoppers, borrowers checking their loan and schedule,
// borrowers repaying online, applicants (register → apply → documents → sign, some large enough
// for review), and reviewers working the initial and final review inboxes. Every failure counts;
// latency is reported per minute to show whether it stays flat.
//
//   npm run bench:soak        (SOAK_MINUTES=10 SOAK_CLIENTS=200)
import { createHash, randomUUID } from 'node:crypto';
import { connectDb } from '../lib/db-client.js';
import { ApiClient } from '../drivers/api-client.js';
import { documentForm } from '../drivers/sample-documents.js';
import { startBenchStack } from './lib/bench-stack.js';
import { cpuByService, cpuDelta } from './lib/cpu.js';
import { applicants, type Applicant } from '../drivers/identities.js';
import { applicationBody, originate, StatusWatcher } from '../drivers/origination.js';
import { gatewayCard } from '../drivers/online-payments.js';
import { pool } from './lib/pool.js';
import { Recorder } from './lib/recorder.js';
import { saveResult } from './lib/results.js';
import { percentile, ratio, round, slope } from './lib/stats.js';
import { markdownTable, printTable } from './lib/table.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 200);
const ACTIVE_LOANS = 100;
const WARMUP_MS = 60_000;
const WINDOW_MS = 60_000;

/** The share of clients of each kind. */
const MIX = { quote: 0.4, status: 0.25, repay: 0.15, apply: 0.15, review: 0.05 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const think = (min: number, max: number) => sleep(min + Math.random() * (max - min));

async function main() {
  const stack = await startBenchStack({ env: { SIM_SETTLE_DELAY_MS: '50' } });
  const sql = connectDb(stack.databaseUrl, { max: 4, applicationName: 'bench' });
  const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
  const base = stack.apiUrl;
  const person = applicants();
  let nextPerson = 0;
  const newPerson = (): Applicant => person(nextPerson++);
  try {
    console.error(`Preparing ${ACTIVE_LOANS} active loans for status checks and repayments…`);
    const watcher = new StatusWatcher(sql);
    const prepared = await pool(ACTIVE_LOANS, 16, () => originate(api, watcher, newPerson()));
    if (prepared.errors[0]) throw prepared.errors[0];
    const loans = prepared.results.map((r) => ({ loanId: r.loanId, token: r.token }));
    const [initialReviewer, finalReviewer] = await Promise.all([
      api.login('initial_reviewer'),
      api.login('final_reviewer'),
    ]);

    const rec = new Recorder();
    const deadline = Date.now() + MINUTES * 60_000;
    const json = (token?: string, extra: Record<string, string> = {}) => ({
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...extra,
    });
    const post = (path: string, body: unknown, token?: string, extra?: Record<string, string>) => () =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: json(token, extra),
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    const get = (path: string, token: string) => () =>
      fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });

    const quoteShopper = async (i: number) => {
      const address = `10.1.${i >> 8}.${i & 255}`;
      while (Date.now() < deadline) {
        const termCount = [6, 12, 24, 36][Math.floor(Math.random() * 4)]!;
        await rec.time(
          'quote',
          post(
            '/v1/quotes',
            {
              principal: `${1 + Math.floor(Math.random() * 50)}000.00`,
              annualRate: '0.12',
              termCount,
              method: 'EQUAL_INSTALLMENT',
            },
            undefined,
            { 'x-forwarded-for': address },
          ),
        );
        await think(500, 2_500);
      }
    };
    const statusChecker = async (i: number) => {
      const loan = loans[i % loans.length]!;
      while (Date.now() < deadline) {
        await rec.time('loan', get(`/v1/loans/${loan.loanId}`, loan.token));
        await think(500, 1_500);
        await rec.time('schedule', get(`/v1/loans/${loan.loanId}/schedule`, loan.token));
        await think(1_000, 3_000);
      }
    };
    const repayer = async (i: number) => {
      let k = i;
      while (Date.now() < deadline) {
        const loan = loans[k++ % loans.length]!;
        // The order (202 with the gateway's pay page), then the payment on that page; the gateway's
        // confirmation reaches the loan by itself.
        const order = await rec.time<{ payUrl?: string }>(
          'repay',
          post(
            `/v1/loans/${loan.loanId}/repayments`,
            { paymentId: `soak-${randomUUID()}`, amount: '10.00', channel: 'ONLINE' },
            loan.token,
          ),
        );
        if (order?.payUrl) {
          const payUrl = order.payUrl;
          await rec.time('pay', () =>
            fetch(payUrl, {
              method: 'POST',
              headers: { accept: 'application/json' },
              body: new URLSearchParams({ cardNumber: gatewayCard() }),
              signal: AbortSignal.timeout(30_000),
            }),
          );
        }
        await think(2_000, 6_000);
      }
    };
    const applicant = async (i: number) => {
      while (Date.now() < deadline) {
        const p = newPerson();
        const large = i % 3 === 0; // above auto-approval: goes to the reviewers
        if (!(await rec.time('sms-code', post('/v1/auth/sms-codes', { phone: p.phone, purpose: 'REGISTER' }))))
          continue;
        const registerCode = await api.latestSmsCode(p.phone, 'REGISTER');
        if (
          !registerCode ||
          !(await rec.time(
            'register',
            post('/v1/auth/register', {
              phone: p.phone,
              password: p.password,
              name: p.name,
              idNumber: p.idNumber,
              smsCode: registerCode,
            }),
          ))
        )
          continue;
        const session = await rec.time<{ token: string }>(
          'login',
          post('/v1/auth/login', { username: p.phone, password: p.password }),
        );
        if (!session) continue;
        const applied = await rec.time<{ loanId: string; requiredDocuments: string[] }>(
          'apply',
          post('/v1/applications', applicationBody(p, large ? '50000.00' : '10000.00'), session.token, {
            'idempotency-key': `soak-${randomUUID()}`,
          }),
        );
        if (!applied) continue;
        for (const type of applied.requiredDocuments) {
          await think(300, 1_000);
          const form = await documentForm(type);
          await rec.time('document', () =>
            fetch(`${base}/v1/loans/${applied.loanId}/documents`, {
              method: 'POST',
              headers: { authorization: `Bearer ${session.token}` },
              body: form,
              signal: AbortSignal.timeout(30_000),
            }),
          );
        }
        // The borrower's app polls until there is a contract to sign (the reviewers decide the large ones).
        for (let poll = 0; poll < 60 && Date.now() < deadline; poll++) {
          await think(1_000, 2_000);
          const loan = await rec.time<{ status: string }>('loan', get(`/v1/loans/${applied.loanId}`, session.token));
          if (!loan || ['REJECTED', 'WITHDRAWN', 'EXPIRED', 'CANCELLED'].includes(loan.status)) break;
          if (loan.status !== 'AWAITING_SIGNATURE') continue;
          const contract = await rec.time(
            'contract',
            get(`/v1/loans/${applied.loanId}/contract`, session.token),
            async (r) => Buffer.from(await r.arrayBuffer()),
          );
          if (!contract) break;
          const signRequest = { phone: p.phone, purpose: 'SIGN_CONTRACT', loanId: applied.loanId };
          if (!(await rec.time('sms-code', post('/v1/auth/sms-codes', signRequest)))) break;
          const signCode = await api.latestSmsCode(p.phone, 'SIGN_CONTRACT');
          if (!signCode) break;
          await rec.time(
            'sign',
            post(
              `/v1/loans/${applied.loanId}/contract/sign`,
              { contractSha256: createHash('sha256').update(contract).digest('hex'), smsCode: signCode },
              session.token,
            ),
          );
          break;
        }
        await think(1_000, 3_000);
      }
    };
    const reviewer = async (i: number) => {
      // Reviewers split the inbox by loan, so two never take the same one.
      const initial = i % 2 === 0;
      const session = initial ? initialReviewer : finalReviewer;
      const share = Math.max(1, Math.floor(clientsOf('review') / 2));
      const mine = (loanId: string) =>
        parseInt(createHash('sha1').update(loanId).digest('hex').slice(0, 6), 16) % share === Math.floor(i / 2) % share;
      while (Date.now() < deadline) {
        const inbox = await rec.time<{ tasks: Array<{ loanId: string; kind: string; loanStatus: string }> }>(
          'tasks',
          get(`/v1/tasks?kind=${initial ? 'INITIAL_REVIEW' : 'FINAL_REVIEW'}`, session.token),
        );
        const task = inbox?.tasks.find(
          (t) => t.loanStatus === (initial ? 'INITIAL_REVIEW' : 'FINAL_REVIEW') && mine(t.loanId),
        );
        if (task) {
          // The review form names the round it read and sends one key per decision, as the UI does.
          const loan = await rec.time<{ openReview: { round: number } | null }>(
            'loan',
            get(`/v1/loans/${task.loanId}`, session.token),
          );
          await think(1_000, 3_000);
          const decision = {
            stage: initial ? 'INITIAL' : 'FINAL',
            decision: 'APPROVE',
            comment: initial ? '资料齐全，合规' : '综合评估通过',
            ...(loan?.openReview ? { round: loan.openReview.round } : {}),
          };
          await rec.time(
            'review',
            post(`/v1/loans/${task.loanId}/reviews`, decision, session.token, {
              'idempotency-key': `soak-${randomUUID()}`,
            }),
          );
        }
        await think(2_000, 5_000);
      }
    };

    const kinds = Object.entries(MIX) as Array<[keyof typeof MIX, number]>;
    const counts = Object.fromEntries(kinds.map(([k, share]) => [k, Math.round(share * CLIENTS)])) as Record<
      keyof typeof MIX,
      number
    >;
    counts.quote += CLIENTS - Object.values(counts).reduce((a, b) => a + b, 0);
    function clientsOf(kind: keyof typeof MIX) {
      return counts[kind];
    }
    const run = { quote: quoteShopper, status: statusChecker, repay: repayer, apply: applicant, review: reviewer };
    console.error(`Soak: ${CLIENTS} clients (${JSON.stringify(counts)}) for ${MINUTES} minutes…`);
    const started = Date.now();
    const cpu0 = cpuByService();
    await Promise.all(
      kinds.flatMap(([kind]) =>
        Array.from({ length: counts[kind] }, async (_, i) => {
          await sleep(Math.random() * 5_000); // clients arrive over the first seconds, not all at once
          await run[kind](i);
        }),
      ),
    );
    const cpu = cpuDelta(cpu0, cpuByService());
    const seconds = (Date.now() - started) / 1000;

    // Per minute after the warm-up: requests, failures, p50 and p99 of everything and of each kind.
    const windows: Array<{ minute: number; requests: number; failures: number; p50: number; p99: number }> = [];
    for (let w = started + WARMUP_MS; w + WINDOW_MS <= started + seconds * 1000 + 1; w += WINDOW_MS) {
      const inWindow = rec.samples.filter((s) => s.at >= w && s.at < w + WINDOW_MS);
      const ms = inWindow.map((s) => s.ms);
      windows.push({
        minute: round((w - started) / 60_000, 0) + 1,
        requests: inWindow.length,
        failures: inWindow.filter((s) => !s.ok).length,
        p50: round(percentile(ms, 50), 0),
        p99: round(percentile(ms, 99), 0),
      });
    }
    const byKind = [...new Set(rec.samples.map((s) => s.kind))].map((kind) => {
      const ms = rec.samples.filter((s) => s.kind === kind).map((s) => s.ms);
      return {
        kind,
        requests: ms.length,
        failures: rec.samples.filter((s) => s.kind === kind && !s.ok).length,
        p50: round(percentile(ms, 50), 0),
        p99: round(percentile(ms, 99), 0),
      };
    });
    const failures = rec.samples.filter((s) => !s.ok).length;
    const failureKinds = Object.fromEntries([...rec.failureCounts].sort((a, b) => b[1] - a[1]));
    const first = windows[0];
    const last = windows.at(-1);
    const drift = first && last ? ratio(last.p99, first.p99) : Number.NaN;
    const p99Slope = round(slope(windows.map((w) => [w.minute, w.p99] as const)), 1);
    const [reached] = await sql<{ active: number; reviewed: number }[]>`
      select count(*) filter (where status = 'ACTIVE')::int as active, count(*) filter (where final_reviewer_id is not null)::int as reviewed from loans`;

    const windowHeader = ['minute', 'requests', 'failed', 'p50 ms', 'p99 ms'];
    const windowRows = windows.map((w) => [w.minute, w.requests, w.failures, w.p50, w.p99]);
    const kindHeader = ['request', 'count', 'failed', 'p50 ms', 'p99 ms'];
    const kindRows = byKind.map((k) => [k.kind, k.requests, k.failures, k.p50, k.p99]);
    printTable(windowHeader, windowRows);
    printTable(kindHeader, kindRows);
    const flat = drift <= 1.5;
    saveResult({
      name: 'soak',
      title: 'Load and soak',
      command: `npx tsx bench/soak.ts (SOAK_MINUTES=${MINUTES} SOAK_CLIENTS=${CLIENTS})`,
      parameters: {
        clients: CLIENTS,
        minutes: MINUTES,
        mix: counts,
        activeLoans: ACTIVE_LOANS,
        warmupSeconds: WARMUP_MS / 1000,
        windowSeconds: WINDOW_MS / 1000,
      },
      results: {
        requests: rec.samples.length,
        failures,
        failuresByKind: failureKinds,
        failureSamples: rec.failures.slice(0, 20),
        windows,
        byKind,
        cpuSeconds: cpu,
        loansActiveAtEnd: reached!.active,
        loansThroughFinalReview: reached!.reviewed,
      },
      baseline: { firstWindow: first ?? null },
      ratio: { lastOverFirstWindowP99: drift },
      target: 'zero errors; latency flat (last minute’s p99 within 1.5 × the first’s after warm-up)',
      met: failures === 0 && flat,
      headline: `${rec.samples.length.toLocaleString('en-US')} requests, ${failures} failed; p99 ${first?.p99} ms in the first minute after warm-up, ${last?.p99} ms in the last (${drift}×)`,
      note: '',
      markdown: [
        `${CLIENTS} clients for ${MINUTES} minutes against the stack (all on this machine), each a person with think time between actions: ${counts.quote} quote shoppers (0.5–2.5 s apart, each its own address), ${counts.status} borrowers checking their loan and schedule, ${counts.repay} borrowers repaying 10.00 online (an order, then the gateway's pay page) across ${ACTIVE_LOANS} active loans, ${counts.apply} applicants (register, log in, apply, four documents, wait for the offer, sign; one in three for 50,000.00, which needs both reviews) and ${counts.review} reviewers working the initial and final review inboxes. The first ${WARMUP_MS / 1000} s are warm-up; latency is per minute after it. The bare baseline here is the system’s own first minute: section 1a has each endpoint beside a bare one.`,
        '',
        ...markdownTable(windowHeader, windowRows),
        '',
        ...markdownTable(kindHeader, kindRows),
        '',
        `p99 slope over the minutes: ${p99Slope} ms per minute. By the end ${reached!.active} loans were ACTIVE and ${reached!.reviewed} had passed final review. CPU seconds by process over the run: ${Object.entries(
          cpu,
        )
          .filter(([, v]) => v > 0)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}.`,
        ...(failures
          ? [
              '',
              `Failures by request, status and code: ${Object.entries(failureKinds)
                .map(([k, n]) => `${k} × ${n}`)
                .join('; ')}.`,
            ]
          : []),
        ...(failures
          ? [
              '',
              `Failures (first few): ${rec.failures
                .slice(0, 5)
                .map((f) => `${f.kind} → ${f.status} ${f.detail.slice(0, 160)}`)
                .join('; ')}`,
            ]
          : []),
        '',
      ],
    });
  } finally {
    await sql.end();
    await stack.stop();
  }
}

await main();
