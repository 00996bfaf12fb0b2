// Over HTTP against the whole stack: a card the bank's four-element check does not match parks the
// loan (PAYOUT_ACCOUNT_INVALID) until the borrower gives another card (SMS code, consent) or
// cancels; a frozen account fails the payout, finance and ops see the bank's reason, the borrower
// changes the account and ops' retry pays it. Forgers, missing codes and concurrent changes are refused.
import { beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import '../setup/provided.js';
import { ApiCallError, ApiClient, type Borrower, type Session } from '../../drivers/api-client.js';
import { makeCardNumber } from '../../drivers/identities.js';
import { findingsFor, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
let ops: Session;
let finance: Session;

beforeAll(async () => {
  [ops, finance] = await Promise.all([api.login('ops'), api.login('finance')]);
});

async function failing(call: Promise<unknown>): Promise<ApiCallError> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiCallError)) throw new Error(`expected an API error, got ${String(err)}`);
  return err;
}

/** A signed loan paying to `cardNumber`, waited until it reaches one of `statuses`. */
async function signedLoan(cardNumber: string, status: string) {
  const borrower = await api.registerBorrower({ profileDigit: 1 });
  const session = await api.login(borrower.phone, borrower.password);
  const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, {
    amount: '8000.00',
    termCount: 6,
    bankAccount: { cardNumber, bankName: '中国工商银行' },
  });
  await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
  await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE', 120_000);
  await api.signContract(session.token, loanId);
  const loan = await api.waitForLoanStatus(session.token, loanId, status, 120_000);
  return { borrower, session, loanId, loan };
}

function changeCard(session: Session, loanId: string, body: Record<string, unknown>) {
  return api.call('PUT', `/v1/loans/${loanId}/payout-account`, { token: session.token, body });
}

async function accountBody(borrower: Borrower, loanId: string, cardNumber: string) {
  // A phone gets one code a minute: the earlier codes of this loan are made a minute older, as if the borrower waited.
  await sql`update sms_codes set issued_at = issued_at - interval '61 seconds' where loan_id = ${loanId}`;
  return {
    cardNumber,
    bankName: '中国建设银行',
    reservedPhone: borrower.phone,
    smsCode: await api.smsCode(borrower.phone, 'CHANGE_PAYOUT_ACCOUNT', loanId),
    consent: { dataProcessing: true, textVersion: 'v2026.1' },
  };
}

it('parks a card that fails the four-element check; refuses forgers and missing codes; pays the new card', async () => {
  const { borrower, session, loanId, loan } = await signedLoan(makeCardNumber('0000'), 'PAYOUT_ACCOUNT_INVALID');
  expect(loan.payoutAccount).toMatchObject({ verification: 'MISMATCH', mismatched: ['cardNumber'] });
  expect(loan.disbursements).toEqual([]);

  // Without an SMS code, and with a wrong one: refused naming smsCode.
  const first = await accountBody(borrower, loanId, makeCardNumber('0000'));
  const { smsCode: _none, ...noCode } = first;
  const missing = await failing(changeCard(session, loanId, noCode));
  expect(missing.status).toBe(400);
  expect(JSON.stringify(missing.body)).toContain('smsCode');
  const wrong = await failing(changeCard(session, loanId, { ...noCode, smsCode: '000000' }));
  expect([400, 422]).toContain(wrong.status);
  expect(JSON.stringify(wrong.body)).toContain('smsCode');

  // A forger: another borrower's token cannot see or change the loan.
  const forger = await api.registerBorrower({ profileDigit: 1 });
  const forgerSession = await api.login(forger.phone, forger.password);
  const forged = await failing(changeCard(forgerSession, loanId, { ...noCode, smsCode: '123456' }));
  expect([403, 404]).toContain(forged.status);
  const forgedCancel = await failing(api.call('POST', `/v1/loans/${loanId}/cancel`, { token: forgerSession.token }));
  expect([403, 404]).toContain(forgedCancel.status);
  // Ops cannot retry a payout that never started.
  expect(
    (await failing(api.call('POST', `/v1/finance/loans/${loanId}/disbursement/retry`, { token: ops.token }))).status,
  ).toBe(409);

  // Another card the bank does not match: 422 naming cardNumber, still parked.
  const stillBad = await failing(changeCard(session, loanId, first));
  expect(stillBad.status).toBe(422);
  expect(JSON.stringify(stillBad.body)).toContain('cardNumber');
  expect((await api.loan(session.token, loanId)).status).toBe('PAYOUT_ACCOUNT_INVALID');

  const newCard = makeCardNumber();
  const changed = await changeCard(session, loanId, await accountBody(borrower, loanId, newCard));
  expect(changed).toMatchObject({ verification: 'VERIFIED', cardLast4: newCard.slice(-4) });
  const active = await api.waitForLoanStatus(session.token, loanId, 'ACTIVE', 120_000);
  expect((active.disbursements as Array<{ status: string }>).map((d) => d.status)).toEqual(['SUCCEEDED']);
  const accounts = await sql<{ status: string; card_last4: string }[]>`
    select status, card_last4 from payout_accounts where loan_id = ${loanId} order by requested_at`;
  expect(accounts.map((a) => a.status)).toEqual(['MISMATCH', 'VERIFIED']);
  const audited = await sql<{ result: string }[]>`
    select result from audit_log where loan_id = ${loanId} and action = 'PAYOUT_ACCOUNT_CHANGE' order by id`;
  expect(audited.map((a) => a.result)).toEqual(['DENIED', 'FAILURE', 'SUCCESS']);
  expect(await findingsFor(sql, `${stack.simulatorUrl}/bank`, [loanId])).toEqual([]);
});

it('pays a frozen account never; finance and ops see the reason; the changed account is paid once on retry', async () => {
  const { borrower, session, loanId, loan } = await signedLoan(makeCardNumber('4444'), 'DISBURSEMENT_FAILED');
  expect(loan.payoutFailureReason).toBe('ACCOUNT_FROZEN');
  const [financeTask, opsTask] = await Promise.all([
    api.waitForTask(finance.token, loanId, 'DISBURSEMENT_FAILED'),
    api.waitForTask(ops.token, loanId, 'DISBURSEMENT_FAILED'),
  ]);
  expect(financeTask.detail).toMatchObject({ bankReason: 'ACCOUNT_FROZEN' });
  expect(opsTask.detail).toMatchObject({ bankReason: 'ACCOUNT_FROZEN' });

  // Two changes at once: one is taken, the other refused; the loan ends with one verified account.
  const body = await accountBody(borrower, loanId, makeCardNumber());
  const both = await Promise.allSettled([changeCard(session, loanId, body), changeCard(session, loanId, body)]);
  expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  expect((refused.reason as ApiCallError).status).toBeGreaterThanOrEqual(400);
  expect((await api.loan(session.token, loanId)).status).toBe('DISBURSEMENT_FAILED');

  const pause = await api.call('GET', '/v1/finance/disbursements/pause', { token: finance.token });
  expect(pause).toMatchObject({ paused: false });
  await api.call('POST', `/v1/finance/loans/${loanId}/disbursement/retry`, { token: ops.token });
  const active = await api.waitForLoanStatus(session.token, loanId, 'ACTIVE', 120_000);
  expect((active.disbursements as Array<{ status: string }>).map((d) => d.status)).toEqual(['FAILED', 'SUCCEEDED']);
  const [entries] = await sql<{ n: number }[]>`
    select count(*)::int as n from journal_entries where loan_id = ${loanId} and kind = 'DISBURSEMENT'`;
  expect(entries!.n).toBe(1);
  expect(await findingsFor(sql, `${stack.simulatorUrl}/bank`, [loanId])).toEqual([]);
});

it('lets the borrower cancel a parked loan: CANCELLED, nothing owed, nothing in the ledger', async () => {
  const { session, loanId } = await signedLoan(makeCardNumber('0000'), 'PAYOUT_ACCOUNT_INVALID');
  const cancelled = await api.call('POST', `/v1/loans/${loanId}/cancel`, {
    token: session.token,
    body: { reason: '不需要了' },
  });
  expect(cancelled).toMatchObject({ status: 'CANCELLED' });
  const loan = await api.loan(session.token, loanId);
  expect(loan.status).toBe('CANCELLED');
  expect(loan.outstandingPrincipal ?? '0.00').toMatch(/^0(\.00)?$/);
  const again = await failing(api.call('POST', `/v1/loans/${loanId}/cancel`, { token: session.token }));
  expect([404, 409]).toContain(again.status);
  const [entries] = await sql<
    { n: number }[]
  >`select count(*)::int as n from journal_entries where loan_id = ${loanId}`;
  expect(entries!.n).toBe(0);
  const [open] = await sql<{ n: number }[]>`
    select count(*)::int as n from payout_reservations where loan_id = ${loanId} and released_at is null`;
  expect(open!.n).toBe(0);
});
