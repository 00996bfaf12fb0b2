// Borrower documents as PDFs over HTTP on the running stack: the receipt of a payment, the
// statement of a period, the contract and the 结清证明, for the borrower and for staff with the
// permission; another borrower (forger) gets 404, a role without the permission (insider) 403.
// The PDFs are stored with their sha256, and a second download is the same bytes, same version.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { addDays } from '../../domain/dates.js';
import { localDateOf } from '../../domain/business-time.js';
import '../setup/provided.js';
import { ApiClient, type Session } from '../../drivers/api-client.js';
import { payOffToday } from '../../drivers/loan-journeys.js';
import { repayOnline } from '../../drivers/online-payments.js';
import { activeLoanOverHttp, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
let finance: Session;
let ops: Session;

beforeAll(async () => {
  [finance, ops] = await Promise.all([api.login('finance'), api.login('ops')]);
});
afterAll(async () => {
  await sql.end();
});

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function pdf(path: string, token?: string) {
  const response = await api.fetch('GET', path, token ? { token } : {});
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes };
}

describe('borrower documents as PDFs', () => {
  it('issues receipts, statements, the contract and the settlement certificate, to the borrower and permitted staff only', async () => {
    const { session, loanId } = await activeLoanOverHttp(api);
    const paymentId = `doc-pay-${loanId.slice(-10)}`;
    await repayOnline(api, session.token, loanId, { amount: '300.00', paymentId });

    // The list of receipts, then the receipt itself.
    const list = await api.call<{
      items: Array<{ paymentId: string; pdfUrl: string; reversed: boolean; issued: unknown }>;
    }>('GET', `/v1/loans/${loanId}/receipts`, { token: session.token });
    const item = list.items.find((i) => i.paymentId === paymentId)!;
    expect(item).toMatchObject({ reversed: false, issued: null });
    const first = await pdf(item.pdfUrl, session.token);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(first.bytes.slice(0, 5)).toString('latin1')).toBe('%PDF-');
    expect(first.headers.get('x-content-sha256')).toBe(sha(first.bytes));
    expect(first.headers.get('x-document-version')).toBe('1');

    // Deterministic: downloaded again, by the borrower or by finance, the same stored bytes.
    const again = await pdf(item.pdfUrl, session.token);
    const byFinance = await pdf(item.pdfUrl, finance.token);
    expect(sha(again.bytes)).toBe(sha(first.bytes));
    expect(sha(byFinance.bytes)).toBe(sha(first.bytes));
    expect(byFinance.headers.get('x-document-version')).toBe('1');
    const stored = await sql<{ version: number; sha256: string }[]>`
      select version, sha256 from borrower_documents where loan_id = ${loanId} and kind = 'RECEIPT' and doc_key = ${paymentId}`;
    expect(stored).toEqual([{ version: 1, sha256: sha(first.bytes) }]);
    const listed = await api.call<{ items: Array<{ paymentId: string; issued: unknown }> }>(
      'GET',
      `/v1/loans/${loanId}/receipts`,
      { token: session.token },
    );
    expect(listed.items.find((i) => i.paymentId === paymentId)!.issued).toEqual({
      version: 1,
      sha256: sha(first.bytes),
    });

    // Forger: another borrower sees no such loan. Insider: ops hold no repayment:read. No token: 401.
    const other = await api.registerBorrower();
    const otherSession = await api.login(other.phone, other.password);
    expect((await pdf(item.pdfUrl, otherSession.token)).status).toBe(404);
    expect((await pdf(`/v1/loans/${loanId}/receipts`, otherSession.token)).status).toBe(404);
    expect((await pdf(item.pdfUrl, ops.token)).status).toBe(403);
    expect((await pdf(`/v1/loans/${loanId}/contract.pdf`, ops.token)).status).toBe(403);
    expect((await pdf(item.pdfUrl)).status).toBe(401);
    expect((await pdf(`/v1/loans/${loanId}/receipts/no-such-payment.pdf`, session.token)).status).toBe(404);

    // Statements: balances chain from one period to the next; bad dates are refused naming the field.
    const today = localDateOf(Date.now(), 'Asia/Shanghai');
    const before = await pdf(
      `/v1/loans/${loanId}/statement.pdf?from=2000-01-01&to=${addDays(today, -1)}`,
      session.token,
    );
    expect(before.status).toBe(200);
    expect(before.headers.get('x-opening-balance')).toBe('0.00');
    const now = await pdf(`/v1/loans/${loanId}/statement.pdf?from=${today}&to=${addDays(today, 40)}`, session.token);
    expect(now.status).toBe(200);
    expect(now.headers.get('x-opening-balance')).toBe(before.headers.get('x-closing-balance'));
    expect(Number(now.headers.get('x-closing-balance'))).toBeGreaterThan(0);
    expect(Number(now.headers.get('x-closing-balance'))).toBeLessThanOrEqual(8000);
    const bad = await api.fetch('GET', `/v1/loans/${loanId}/statement.pdf?from=2026-02-30`, { token: session.token });
    expect(bad.status).toBe(400);
    const problems = ((await bad.json()) as { error: { fields: Array<{ field: string }> } }).error.fields;
    expect(problems.map((p) => p.field)).toEqual(['from', 'to']);
    const reversed = await api.fetch('GET', `/v1/loans/${loanId}/statement.pdf?from=${today}&to=2001-01-01`, {
      token: session.token,
    });
    expect(reversed.status).toBe(400);

    // The contract: a PDF copy; the signed HTML's sha256 is unchanged and named.
    const html = await api.fetch('GET', `/v1/loans/${loanId}/contract`, { token: session.token });
    const signedSha = html.headers.get('x-contract-sha256');
    expect(signedSha).toMatch(/^[0-9a-f]{64}$/);
    const contract = await pdf(`/v1/loans/${loanId}/contract.pdf`, session.token);
    expect(contract.status).toBe(200);
    expect(contract.headers.get('x-source-sha256')).toBe(signedSha);
    expect(sha((await pdf(`/v1/loans/${loanId}/contract.pdf`, finance.token)).bytes)).toBe(sha(contract.bytes));

    // No certificate before the loan is paid off; after, its PDF copy names the HTML's sha256.
    expect((await pdf(`/v1/loans/${loanId}/settlement-certificate.pdf`, session.token)).status).toBe(404);
    await payOffToday(api, session.token, loanId);
    await api.waitForLoanStatus(session.token, loanId, 'PAID_OFF', 60_000);
    const certHtml = await api.fetch('GET', `/v1/loans/${loanId}/settlement-certificate`, { token: session.token });
    const certificate = await pdf(`/v1/loans/${loanId}/settlement-certificate.pdf`, session.token);
    expect(certificate.status).toBe(200);
    expect(certificate.headers.get('x-source-sha256')).toBe(certHtml.headers.get('x-certificate-sha256'));
    const receiptsAfter = await api.call<{ items: unknown[] }>('GET', `/v1/loans/${loanId}/receipts`, {
      token: session.token,
    });
    expect(receiptsAfter.items.length).toBe(2);
  });
});
