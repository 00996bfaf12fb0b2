// The 还款计划确认书 over HTTP on the running stack: issued at payout, listed on the loan, downloadable
// by the loan's borrower and by staff who read contracts, refused to anyone else, its sha256 that of
// its bytes, and its schedule the one the loan shows and collects.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { activeLoanOverHttp, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
let riskManager: Session;
let collector: Session;

beforeAll(async () => {
  [riskManager, collector] = await Promise.all([api.login('risk_manager'), api.login('collector')]);
});
afterAll(async () => {
  await sql.end();
});

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The rows of the document's schedule table: number, due date and the total due. */
function tableRows(html: string): Array<{ number: number; dueDate: string; total: string }> {
  const row =
    /<tr><td class="num">(\d+)<\/td><td>(\d{4}-\d{2}-\d{2})<\/td>(?:<td class="num">[\d,.]+<\/td>){3}<td class="num">([\d,.]+)<\/td><\/tr>/g;
  return [...html.matchAll(row)].map((m) => ({
    number: Number(m[1]),
    dueDate: m[2]!,
    total: m[3]!.replaceAll(',', ''),
  }));
}

it('lists the confirmation on the loan and serves it to the borrower and staff only, with its sha256', async () => {
  const { session, loanId } = await activeLoanOverHttp(api);
  const detail = await api.loan(session.token, loanId);
  const listed = detail.scheduleConfirmation as { sha256: string; disbursedOn: string; installmentCount: number };
  const disbursedOn = (detail.disbursements as Array<{ status: string; disbursedOn?: string }>).find(
    (d) => d.status === 'SUCCEEDED',
  )!.disbursedOn;
  expect(listed).toMatchObject({ disbursedOn, installmentCount: 6 });
  expect(listed.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect((await api.loan(riskManager.token, loanId)).scheduleConfirmation).toEqual(listed);

  const download = async (token: string) => {
    const res = await api.fetch('GET', `/v1/loans/${loanId}/schedule-confirmation`, { token });
    return { status: res.status, sha256: res.headers.get('x-document-sha256'), html: await res.text() };
  };
  const mine = await download(session.token);
  expect(mine.status).toBe(200);
  expect(mine.sha256).toBe(listed.sha256);
  expect(sha256(mine.html)).toBe(listed.sha256);
  expect(mine.html).toContain('还款计划确认书');
  expect(mine.html).toContain(`<strong class="disbursed-on">${disbursedOn}</strong>`);
  const [stored] = await sql<{ sha256: string }[]>`select sha256 from schedule_confirmations where loan_id = ${loanId}`;
  expect(stored!.sha256).toBe(listed.sha256);

  // The same bytes for staff who read contracts.
  const staff = await download(riskManager.token);
  expect(staff).toEqual(mine);

  // The document's schedule is the loan's schedule as servicing keeps it.
  const { installments } = await api.call<{ installments: Array<{ number: number; dueDate: string; total: string }> }>(
    'GET',
    `/v1/loans/${loanId}/schedule`,
    { token: session.token },
  );
  expect(tableRows(mine.html)).toEqual(installments.map(({ number, dueDate, total }) => ({ number, dueDate, total })));

  // Another borrower cannot see that the loan exists; a role that does not read contracts is refused.
  const other = await api.registerBorrower({ profileDigit: 1 });
  const otherSession = await api.login(other.phone, other.password);
  const refused = await download(otherSession.token);
  expect(refused.status).toBe(404);
  expect(refused.html).not.toContain('还款计划确认书');
  expect((await download(collector.token)).status).toBe(403);
  expect((await api.fetch('GET', `/v1/loans/${loanId}/schedule-confirmation`)).status).toBe(401);

  const [audit] = await sql<{ n: number }[]>`
    select count(*)::int as n from audit_log where loan_id = ${loanId} and action = 'PII_READ_SCHEDULE_CONFIRMATION'`;
  expect(audit!.n).toBe(2);
});
