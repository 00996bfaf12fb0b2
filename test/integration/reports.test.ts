// The dashboard's figures over HTTP on the whole stack, for a known set of loans applied for
// through a channel of this run's own: two approved automatically (one signed and paid out), two
// sent to reviewers (one approved, one rejected) and one declined by the assessment. The channel's
// row of the breakdown holds exactly those; the whole funnel keeps every stage within the one
// before it; every rate is its one definition; medians are the continuous percentile of the
// decisions themselves; and the OpenAPI document states each definition.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RATE_DEFINITIONS, RATES } from '../../domain/reports.js';
import { shareOf } from '../../domain/ratio.js';
import { connectDb, type Sql } from '../../lib/db-client.js';
import { ApiCallError, ApiClient, personalLoanApplication, type Session } from '../../drivers/api-client.js';
import '../setup/provided.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const channel = `DASH_${randomUUID().slice(0, 8)}`;
let channelKey: string;
let sql: Sql;
let riskManager: Session;

interface Breakdown {
  applied: number;
  documentsComplete: number;
  autoApproved: number;
  manualReview: number;
  approved: number;
  rejected: number;
  decided: number;
  signed: number;
  disbursed: number;
  approvalRate: string | null;
}
interface Figures {
  period: { from: string; to: string; timeZone: string };
  applications: number;
  funnel: {
    applied: number;
    documentsComplete: number;
    paths: Array<{ path: 'AUTO' | 'MANUAL'; stages: Array<{ stage: string; loans: number }> }>;
    approved: number;
    rejected: number;
    decided: number;
    manualDecided: number;
    signed: number;
    disbursed: number;
    autoRejected: number;
    manualRejected: number;
  };
  rates: Array<{ rate: string; value: string | null; numerator: number; denominator: number }>;
  timeToDecision: Array<{
    path: 'ALL' | 'AUTO' | 'MANUAL';
    decisions: number;
    medianSeconds: number | null;
    p95Seconds: number | null;
    averageSeconds: number | null;
  }>;
  byChannel: Array<Breakdown & { applicationChannel: string; partnerChannel: string | null }>;
  byProduct: Array<Breakdown & { loanType: string }>;
}

const dashboard = (query = '') =>
  api.call<Figures>('GET', `/v1/reports/dashboard${query}`, { token: riskManager.token });

/** A borrower applies through this run's channel and uploads the documents; the loan is assessed. */
async function applied(options: { amount: string; profileDigit?: number }) {
  const borrower = await api.registerBorrower({ profileDigit: options.profileDigit ?? 1 });
  const session = await api.login(borrower.phone, borrower.password);
  const { loanId, requiredDocuments } = await api.call<{ loanId: string; requiredDocuments: string[] }>(
    'POST',
    '/v1/applications',
    {
      token: session.token,
      body: personalLoanApplication(borrower, { amount: options.amount, termCount: 6 }),
      headers: { 'idempotency-key': `dash-${randomUUID()}`, 'x-api-key': channelKey },
    },
  );
  await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
  return { loanId, session };
}

async function review(loanId: string, stage: 'INITIAL' | 'FINAL', decision: 'APPROVE' | 'REJECT') {
  const reviewer = await api.login(stage === 'INITIAL' ? 'initial_reviewer' : 'final_reviewer');
  await api.waitForTask(reviewer.token, loanId, `${stage}_REVIEW`, 120_000);
  await api.call('POST', `/v1/loans/${loanId}/reviews`, {
    token: reviewer.token,
    body: { stage, decision, comment: decision === 'APPROVE' ? '同意' : '负债过高' },
  });
}

const autoSignedAndPaidOut = async () => {
  const { loanId, session } = await applied({ amount: '8000.00' });
  await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE', 150_000);
  await api.signContract(session.token, loanId);
  await api.waitForLoanStatus(session.token, loanId, 'ACTIVE', 150_000);
};
const autoApprovedOnly = async () => {
  const { loanId, session } = await applied({ amount: '9000.00' });
  await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE', 150_000);
};
const manualApproved = async () => {
  const { loanId, session } = await applied({ amount: '30000.00' });
  await api.waitForLoanStatus(session.token, loanId, 'INITIAL_REVIEW', 150_000);
  await review(loanId, 'INITIAL', 'APPROVE');
  await review(loanId, 'FINAL', 'APPROVE');
  await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE', 150_000);
};
const manualRejected = async () => {
  const { loanId, session } = await applied({ amount: '31000.00' });
  await api.waitForLoanStatus(session.token, loanId, 'INITIAL_REVIEW', 150_000);
  await review(loanId, 'INITIAL', 'REJECT');
  await api.waitForLoanStatus(session.token, loanId, 'REJECTED', 60_000);
};
const autoDeclined = async () => {
  const { loanId, session } = await applied({ amount: '8000.00', profileDigit: 9 });
  await api.waitForLoanStatus(session.token, loanId, 'REJECTED', 150_000);
};

/** percentile_cont: linear interpolation between the closest ranks. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = p * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Each decision of the period in seconds, and whether the loan went to a person, read from the tables. */
async function decisionsInPeriod(period: Figures['period']) {
  return sql<{ seconds: number; manual: boolean }[]>`
    select extract(epoch from l.decided_at - l.created_at)::float8 as seconds,
           exists (select 1 from loan_events e where e.loan_id = l.id
                   and (e.kind = 'STATUS_INITIAL_REVIEW' or (e.kind = 'ASSESSED' and e.detail ->> 'outcome' = 'REVIEW'))) as manual
    from loans l
    where l.decided_at >= ((${period.from}::date)::timestamp at time zone ${period.timeZone})
      and l.decided_at < ((${period.to}::date + 1)::timestamp at time zone ${period.timeZone})`;
}

beforeAll(async () => {
  sql = connectDb(stack.databaseUrl, { max: 2, applicationName: 'reports-it' });
  const admin = await api.login('admin');
  riskManager = await api.login('risk_manager');
  channelKey = (await api.call<{ key: string }>('POST', '/v1/api-keys', { token: admin.token, body: { channel } })).key;
  await Promise.all([autoSignedAndPaidOut(), autoApprovedOnly(), manualApproved(), manualRejected(), autoDeclined()]);
}, 600_000);

afterAll(async () => {
  await sql?.end();
});

describe('GET /v1/reports/dashboard', () => {
  it("counts the channel's known loans through the funnel: auto-approved, manual approved, rejected", async () => {
    const f = await dashboard();
    const row = f.byChannel.find((b) => b.partnerChannel === channel);
    expect(row).toEqual({
      applicationChannel: 'ONLINE',
      partnerChannel: channel,
      applied: 5,
      documentsComplete: 5,
      autoApproved: 2,
      manualReview: 2,
      approved: 3,
      rejected: 2,
      decided: 5,
      signed: 1,
      disbursed: 1,
      approvalRate: '0.6000',
    });
  });

  it('keeps every stage within the one before it on its path, and the paths apart', async () => {
    const f = await dashboard();
    const [auto, manual] = f.funnel.paths;
    expect(auto!.path).toBe('AUTO');
    expect(auto!.stages.map((s) => s.stage)).toEqual(['AUTO_APPROVED', 'SIGNED', 'DISBURSED']);
    expect(manual!.path).toBe('MANUAL');
    expect(manual!.stages.map((s) => s.stage)).toEqual(['MANUAL_REVIEW', 'APPROVED', 'SIGNED', 'DISBURSED']);
    expect(f.funnel.documentsComplete).toBeLessThanOrEqual(f.funnel.applied);
    for (const path of f.funnel.paths) {
      let before = f.funnel.documentsComplete;
      for (const stage of path.stages) {
        expect(stage.loans, `${path.path} ${stage.stage}`).toBeLessThanOrEqual(before);
        before = stage.loans;
      }
    }
    // Auto-approved and manual review are apart: together no more than the loans assessed.
    expect(auto!.stages[0]!.loans + manual!.stages[0]!.loans).toBeLessThanOrEqual(f.funnel.documentsComplete);
    expect(f.funnel.approved).toBe(auto!.stages[0]!.loans + manual!.stages[1]!.loans);
    expect(f.funnel.rejected).toBe(f.funnel.autoRejected + f.funnel.manualRejected);
    expect(f.funnel.decided).toBe(f.funnel.approved + f.funnel.rejected);
    expect(f.funnel.manualDecided).toBe(manual!.stages[1]!.loans + f.funnel.manualRejected);
    expect(f.funnel.signed).toBe(auto!.stages[1]!.loans + manual!.stages[2]!.loans);
    expect(f.funnel.disbursed).toBe(auto!.stages[2]!.loans + manual!.stages[3]!.loans);
    expect(f.applications).toBe(f.funnel.applied);
    expect(auto!.stages[0]!.loans).toBeGreaterThanOrEqual(2);
    expect(manual!.stages[0]!.loans).toBeGreaterThanOrEqual(2);
  });

  it('adds the breakdowns by channel and by loan type up to the whole funnel', async () => {
    const f = await dashboard();
    const keys = ['applied', 'documentsComplete', 'autoApproved', 'manualReview', 'approved', 'rejected'] as const;
    const sum = (rows: Breakdown[], key: (typeof keys)[number]) => rows.reduce((n, r) => n + r[key], 0);
    const whole = {
      applied: f.funnel.applied,
      documentsComplete: f.funnel.documentsComplete,
      autoApproved: f.funnel.paths[0]!.stages[0]!.loans,
      manualReview: f.funnel.paths[1]!.stages[0]!.loans,
      approved: f.funnel.approved,
      rejected: f.funnel.rejected,
    };
    for (const key of keys) {
      expect(sum(f.byChannel, key), `by channel: ${key}`).toBe(whole[key]);
      expect(sum(f.byProduct, key), `by loan type: ${key}`).toBe(whole[key]);
    }
    for (const row of [...f.byChannel, ...f.byProduct])
      expect(row.approvalRate).toBe(shareOf(row.approved, row.decided));
    expect(f.byProduct.find((b) => b.loanType === 'PERSONAL_CONSUMER')!.applied).toBeGreaterThanOrEqual(5);
    // One row per channel: no channel twice.
    const channelKeys = f.byChannel.map((b) => `${b.applicationChannel}/${b.partnerChannel}`);
    expect(new Set(channelKeys).size).toBe(channelKeys.length);
  });

  it('gives every rate by its one definition, over the same counts the funnel shows', async () => {
    const f = await dashboard();
    expect(f.rates.map((r) => r.rate)).toEqual([...RATES]);
    const terms: Record<string, number> = {
      approved: f.funnel.approved,
      decided: f.funnel.decided,
      autoApproved: f.funnel.paths[0]!.stages[0]!.loans,
      manualApproved: f.funnel.paths[1]!.stages[1]!.loans,
      manualDecided: f.funnel.manualDecided,
      disbursed: f.funnel.disbursed,
    };
    for (const r of f.rates) {
      const { numerator, denominator } = RATE_DEFINITIONS[r.rate as (typeof RATES)[number]];
      expect([r.numerator, r.denominator], r.rate).toEqual([terms[numerator], terms[denominator]]);
      expect(r.value, r.rate).toBe(shareOf(r.numerator, r.denominator));
    }
  });

  it('computes decision times in seconds as continuous percentiles of the decisions of the period', async () => {
    // Other suites may decide loans meanwhile: compare only when the decisions read before and after are the same.
    let compared = false;
    for (let attempt = 0; attempt < 10 && !compared; attempt += 1) {
      const first = await dashboard();
      const before = await decisionsInPeriod(first.period);
      const f = await dashboard();
      const after = await decisionsInPeriod(f.period);
      if (before.length !== after.length || f.timeToDecision[0]!.decisions !== after.length) continue;
      compared = true;
      for (const path of ['ALL', 'AUTO', 'MANUAL'] as const) {
        const seconds = after.filter((d) => path === 'ALL' || d.manual === (path === 'MANUAL')).map((d) => d.seconds);
        const figure = f.timeToDecision.find((d) => d.path === path)!;
        expect(figure.decisions, path).toBe(seconds.length);
        expect(figure.medianSeconds!, path).toBeCloseTo(percentile(seconds, 0.5)!, 2);
        expect(figure.p95Seconds!, path).toBeCloseTo(percentile(seconds, 0.95)!, 2);
        expect(figure.averageSeconds!, path).toBeCloseTo(seconds.reduce((a, b) => a + b, 0) / seconds.length, 2);
        expect(figure.medianSeconds!, path).toBeGreaterThan(0);
      }
    }
    expect(compared).toBe(true);
  });

  it('has no decision times and no rates for a period without applications', async () => {
    const f = await dashboard('?from=2020-01-01&to=2020-01-31');
    expect(f.funnel.applied).toBe(0);
    expect(f.rates.every((r) => r.value === null && r.denominator === 0)).toBe(true);
    expect(f.timeToDecision).toEqual([
      { path: 'ALL', decisions: 0, medianSeconds: null, p95Seconds: null, averageSeconds: null },
      { path: 'AUTO', decisions: 0, medianSeconds: null, p95Seconds: null, averageSeconds: null },
      { path: 'MANUAL', decisions: 0, medianSeconds: null, p95Seconds: null, averageSeconds: null },
    ]);
    expect(f.byChannel).toEqual([]);
    expect(f.byProduct).toEqual([]);
  });

  it('exports the breakdown by channel as CSV with the known row', async () => {
    const response = await api.fetch('GET', '/v1/reports/export/by-channel?lang=en', { token: riskManager.token });
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toBe(
      'Applied via,Channel,Applied,Documents complete,Auto-approved,Manual review,Approved,Rejected,Decided,Signed,Disbursed,Approval rate',
    );
    expect(lines).toContain(`Online (borrower),${channel},5,5,2,2,3,2,5,1,1,0.6000`);
  });

  it('states every rate’s definition in the OpenAPI document', async () => {
    const doc = await api.call<{ paths: Record<string, { get: { description: string } }> }>('GET', '/openapi.json');
    const description = doc.paths['/v1/reports/dashboard']!.get.description;
    for (const rate of RATES) expect(description).toContain(`${rate}: ${RATE_DEFINITIONS[rate].definition.en}`);
  });

  it('is refused to a borrower, and names the field of a period that ends before it starts', async () => {
    const borrower = await api.registerBorrower();
    const session = await api.login(borrower.phone, borrower.password);
    const refused = await api.fetch('GET', '/v1/reports/dashboard', { token: session.token });
    expect(refused.status).toBe(403);
    await refused.arrayBuffer();
    const bad = await api
      .call('GET', '/v1/reports/dashboard?from=2026-02-01&to=2026-01-01', { token: riskManager.token })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ApiCallError);
    expect((bad as ApiCallError).status).toBe(400);
    expect(JSON.stringify((bad as ApiCallError).body)).toContain('"field":"from"');
  });
});
