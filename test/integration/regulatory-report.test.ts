// The monthly regulatory statistics over HTTP on the whole stack. Two loans paid out by this test
// are in this month's book exactly as the ledger and schedule hold them (principal outstanding,
// term band, class, APR band); the report over HTTP is the report of those month-end rows; last
// month's book does not hold them; a month years ahead is taken as of today with nothing new in it;
// the CSV is UTF-8 with a byte-order mark and Chinese headings; a bad month is a 400 naming
// `month`; a borrower (a forger of a staff request) and a collector (an insider without
// report:read) get 403.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localDateOf } from '../../domain/business-time.js';
import { periodBounds, periodOf } from '../../domain/chart-of-accounts.js';
import { addMonths } from '../../domain/dates.js';
import {
  aprBandOf,
  regulatoryMonthlyReport,
  termBandOf,
  type RegulatoryMonthlyReport,
} from '../../domain/regulatory-statistics.js';
import { loansAtMonthEnd } from '../../db/regulatory-statistics.js';
import { ApiCallError, ApiClient, type Session } from '../../drivers/api-client.js';
import { activeLoanOverHttp, stackDb } from './support/servicing.js';
import type { Sql } from '../../lib/db-client.js';
import '../setup/provided.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const TZ = 'Asia/Shanghai';
let sql: Sql;
let finance: Session;
let mine: Array<{ loanId: string; amount: string; termCount: number; session: Session }>;

const report = (month: string) =>
  api.call<RegulatoryMonthlyReport>('GET', `/v1/reports/regulatory/monthly?month=${month}`, { token: finance.token });

beforeAll(async () => {
  sql = stackDb(stack.databaseUrl);
  finance = await api.login('finance');
  const asked = [
    { amount: '8000.00', termCount: 6 },
    { amount: '5000.00', termCount: 12 },
  ];
  mine = await Promise.all(
    asked.map(async (a) => {
      const { loanId, session } = await activeLoanOverHttp(api, a);
      return { loanId, session, ...a };
    }),
  );
});

afterAll(async () => {
  await sql?.end();
});

describe('monthly regulatory statistics', () => {
  it("holds this test's loans in this month's book as the ledger and schedule have them", async () => {
    const today = localDateOf(Date.now(), TZ);
    const month = periodOf(today);
    const rows = await loansAtMonthEnd(sql, { from: periodBounds(month).from, asOf: today });
    for (const m of mine) {
      const row = rows.find((r) => r.loanId === m.loanId)!;
      expect(row, m.loanId).toBeDefined();
      const [loan] = await sql<{ amount: string; apr: string; maturity: string }[]>`
        select amount::text, (offer ->> 'apr') as apr,
               (select max(due_date)::text from installments where loan_id = loans.id) as maturity
        from loans where id = ${m.loanId}`;
      expect(row.disbursedOn).toBe(today);
      expect(row.disbursedPrincipal).toBe(loan!.amount);
      expect(row.outstandingPrincipal).toBe(loan!.amount);
      expect(row.maturityDate).toBe(loan!.maturity);
      expect(row.apr).toBe(loan!.apr);
      expect(row.oldestUnpaidDueDate).toBeNull();
      expect(row.writtenOffOn).toBeNull();
    }
    expect(termBandOf(today, rows.find((r) => r.loanId === mine[0]!.loanId)!.maturityDate)).toBe('M3_TO_6M');
    expect(termBandOf(today, rows.find((r) => r.loanId === mine[1]!.loanId)!.maturityDate)).toBe('M6_TO_12M');

    // Over HTTP: the report of the month-end rows (read again until no other test's loan moved in between).
    let matched = false;
    for (let attempt = 0; attempt < 5 && !matched; attempt += 1) {
      const before = await loansAtMonthEnd(sql, { from: periodBounds(month).from, asOf: today });
      const got = await report(month);
      const expected = regulatoryMonthlyReport({ month, ...periodBounds(month), asOf: today, loans: before });
      matched = JSON.stringify(got) === JSON.stringify(expected);
      if (matched) {
        expect(got.asOf).toBe(today);
        expect(got.monthEnded).toBe(today === periodBounds(month).to);
        expect(got.newLoans.loans).toBeGreaterThanOrEqual(2);
        const band = aprBandOf(rows.find((r) => r.loanId === mine[0]!.loanId)!.apr);
        expect(got.aprDistribution.find((b) => b.aprBand === band)!.newLoans).toBeGreaterThanOrEqual(1);
      }
    }
    expect(matched).toBe(true);
  });

  it("leaves last month's book without them, and takes a month years ahead as of today", async () => {
    const today = localDateOf(Date.now(), TZ);
    const last = periodOf(addMonths(`${periodOf(today)}-01`, -1));
    const lastEnd = periodBounds(last).to;
    const rows = await loansAtMonthEnd(sql, { from: periodBounds(last).from, asOf: lastEnd });
    for (const m of mine) expect(rows.some((r) => r.loanId === m.loanId)).toBe(false);
    const lastReport = await report(last);
    expect(lastReport).toMatchObject({ asOf: lastEnd, monthEnded: true });

    const ahead = periodOf(addMonths(today, 12 * 30));
    const future = await report(ahead);
    expect(future).toMatchObject({
      month: ahead,
      asOf: today,
      monthEnded: false,
      newLoans: { loans: 0, principal: '0.00' },
      writeOffs: { loans: 0, amount: '0.00' },
      recoveries: { payments: 0, loans: 0, amount: '0.00' },
    });
    expect(future.balance.loans).toBeGreaterThanOrEqual(2);
  });

  it('exports the same figures as CSV with a byte-order mark and Chinese headings', async () => {
    const month = periodOf(localDateOf(Date.now(), TZ));
    const response = await api.fetch('GET', `/v1/reports/regulatory/monthly.csv?month=${month}`, {
      token: finance.token,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('项目分类,项目,笔数,金额（元）');
    expect(lines.some((l) => l.startsWith('余额-按五级分类,正常,'))).toBe(true);
    expect(lines.some((l) => l.startsWith('当月新增贷款,合计,'))).toBe(true);
  });

  it('answers a missing or malformed month with 400 naming month, and a borrower with 403', async () => {
    for (const query of ['', '?month=2026-13', '?month=2026-1', '?month=abc']) {
      const err = await api
        .call('GET', `/v1/reports/regulatory/monthly${query}`, { token: finance.token })
        .catch((e: unknown) => e);
      expect(err, query).toBeInstanceOf(ApiCallError);
      expect((err as ApiCallError).status).toBe(400);
      expect(JSON.stringify((err as ApiCallError).body)).toContain('"field":"month"');
    }
    const csv = await api.fetch('GET', '/v1/reports/regulatory/monthly.csv?month=x', { token: finance.token });
    expect(csv.status).toBe(400);
    const borrower = await api
      .call('GET', '/v1/reports/regulatory/monthly?month=2026-11', { token: mine[0]!.session.token })
      .catch((e: unknown) => e);
    expect((borrower as ApiCallError).status).toBe(403);
    // An insider whose role has no report:read (a collector) is refused too.
    const collector = await api.login('collector');
    const insider = await api
      .fetch('GET', '/v1/reports/regulatory/monthly.csv?month=2026-11', { token: collector.token })
      .then((r) => r.status);
    expect(insider).toBe(403);
    const anonymous = await api.fetch('GET', '/v1/reports/regulatory/monthly?month=2026-11');
    expect(anonymous.status).toBe(401);
  });
});
