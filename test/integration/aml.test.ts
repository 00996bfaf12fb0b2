// Anti-money-laundering on the running stack: a name-only screening hit holds the application for a
// compliance officer (no loan, no workflow) who clears it (the loan starts) or confirms it (refused);
// an ID-number hit refuses as before; a list entry added re-screens existing borrowers; cash of
// 50,000 in a day and just-under cash repayments recorded by finance become reports the officer
// submits or dismisses and exports. Only COMPLIANCE may decide; two decisions at once: one wins.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiCallError, ApiClient, personalLoanApplication, type Session } from '../../drivers/api-client.js';
import { maskIdNumber, maskName } from '../../domain/masking.js';
import { makeIdNumber, makePhone } from '../../drivers/identities.js';
import { financeMakerAndChecker } from './support/finance-users.js';
import { activeLoanOverHttp, stackDb } from './support/servicing.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = stackDb(stack.databaseUrl);
let compliance: Session;
let riskManager: Session;
let loanOfficer: Session;

beforeAll(async () => {
  [compliance, riskManager, loanOfficer] = await Promise.all([
    api.login('compliance'),
    api.login('risk_manager'),
    api.login('loan_officer'),
  ]);
});
afterAll(async () => {
  await sql.end();
});

async function refusal(promise: Promise<unknown>): Promise<ApiCallError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiCallError) return err;
    throw err;
  }
  throw new Error('expected the API to refuse');
}

/** A name no other test uses, so a name-only list entry matches nobody else. */
const rareName = () =>
  `欧阳${String.fromCodePoint(0x4e00 + Math.floor(Math.random() * 0x5000), 0x4e00 + Math.floor(Math.random() * 0x5000))}`;

interface Review {
  id: string;
  kind: string;
  status: string;
  field: string;
  match: string;
  borrowerId: string;
  borrowerName: string | null;
  loanId: string | null;
  loanCreated: boolean;
  reason: string | null;
}
interface Held {
  reviewId: string;
  loanId: string;
  status: string;
  replayed: boolean;
}

const listEntry = (body: Record<string, unknown>) =>
  api.call<{ id: string; rescreenMatches: number }>('POST', '/v1/compliance/screening-entries', {
    token: compliance.token,
    body: { source: '公安部通缉名单 2026-12', reason: '涉嫌洗钱', ...body },
  });

const reviewsOf = async (query = '') =>
  (await api.call<{ items: Review[] }>('GET', `/v1/aml/reviews?limit=500${query}`, { token: compliance.token })).items;

/** A borrower whose application matches a fresh name-only watch-list entry: held for review. */
async function heldApplication(): Promise<{ held: Held; session: Session; key: string; body: unknown }> {
  const name = rareName();
  await listEntry({ list: 'AML_WATCH', name });
  const borrower = await api.registerBorrower({ name });
  const session = await api.login(borrower.phone, borrower.password);
  const key = `aml-${randomUUID()}`;
  const body = personalLoanApplication(borrower, { amount: '8000.00', termCount: 6 });
  const response = await api.fetch('POST', '/v1/applications', {
    token: session.token,
    body,
    headers: { 'idempotency-key': key },
  });
  expect(response.status).toBe(202);
  return { held: (await response.json()) as Held, session, key, body };
}

describe('screening hits: the compliance review queue', () => {
  it('holds a name-only hit without a loan, and clearing it starts the loan; a retry finds that loan', async () => {
    const { held, session, key, body } = await heldApplication();
    expect(held).toMatchObject({ status: 'COMPLIANCE_REVIEW', replayed: false });
    expect((await api.call<{ total: number }>('GET', '/v1/loans', { token: session.token })).total).toBe(0);
    const [loanRow] = await sql`select 1 from loans where id = ${held.loanId}`;
    expect(loanRow).toBeUndefined();
    // The same request again: the same hold, still no loan.
    const again = await api.fetch('POST', '/v1/applications', {
      token: session.token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ reviewId: held.reviewId, loanId: held.loanId, replayed: true });

    const queued = (await reviewsOf('&status=OPEN&kind=APPLICATION')).find((r) => r.id === held.reviewId)!;
    expect(queued).toMatchObject({ field: 'applicant.name', match: 'NAME', loanCreated: false });

    // Insiders without COMPLIANCE: 403, and nothing decided.
    for (const token of [riskManager.token, loanOfficer.token, session.token]) {
      expect((await api.fetch('GET', '/v1/aml/reviews', { token })).status).toBe(403);
      const clear = await api.fetch('POST', `/v1/aml/reviews/${held.reviewId}/clear`, {
        token,
        body: { reason: '非同一人' },
      });
      expect(clear.status).toBe(403);
    }
    const noReason = await refusal(
      api.call('POST', `/v1/aml/reviews/${held.reviewId}/clear`, { token: compliance.token, body: { reason: ' ' } }),
    );
    expect(noReason.status).toBe(400);
    expect(noReason.body?.error?.fields).toEqual([expect.objectContaining({ field: 'reason' })]);

    const cleared = await api.call<Review & { loanStarted: boolean }>(
      'POST',
      `/v1/aml/reviews/${held.reviewId}/clear`,
      { token: compliance.token, body: { reason: '出生日期与名单不符，非同一人' } },
    );
    expect(cleared).toMatchObject({ status: 'CLEARED', loanStarted: true, loanCreated: true, loanId: held.loanId });
    await api.waitForLoanStatus(session.token, held.loanId, 'AWAITING_DOCUMENTS');
    // The client's retry now gets the loan; clearing again changes nothing.
    const replay = await api.fetch('POST', '/v1/applications', {
      token: session.token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ loanId: held.loanId, replayed: true });
    await api.call('POST', `/v1/aml/reviews/${held.reviewId}/clear`, {
      token: compliance.token,
      body: { reason: '重复放行' },
    });
    expect((await sql`select id from loans where id = ${held.loanId}`).length).toBe(1);
    const audit = await sql<{ action: string }[]>`
      select action from audit_log where resource_id = ${held.reviewId} order by id`;
    expect(audit.map((a) => a.action)).toEqual(['APPLICATION_HELD_FOR_AML_REVIEW', 'AML_REVIEW_CLEARED']);
  }, 300_000);

  it('confirming refuses the held application for good: no loan, and a retry is told so', async () => {
    const { held, session, key, body } = await heldApplication();
    const confirmed = await api.call<Review>('POST', `/v1/aml/reviews/${held.reviewId}/confirm`, {
      token: compliance.token,
      body: { reason: '身份信息与通缉名单一致' },
    });
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', loanCreated: false, reason: '身份信息与通缉名单一致' });
    const retry = await api.fetch('POST', '/v1/applications', {
      token: session.token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(await retry.json()).toMatchObject({ reviewId: held.reviewId, status: 'CONFIRMED', replayed: true });
    const late = await refusal(
      api.call('POST', `/v1/aml/reviews/${held.reviewId}/clear`, { token: compliance.token, body: { reason: 'x' } }),
    );
    expect(late.status).toBe(409);
    expect(late.body?.error?.code).toBe('AML_REVIEW_DECIDED');
    expect((await sql`select 1 from loans where id = ${held.loanId}`).length).toBe(0);
  });

  it('a clear and a confirm at the same moment: exactly one wins', async () => {
    const { held } = await heldApplication();
    const answers = await Promise.all(
      (['clear', 'confirm'] as const).map((action) =>
        api.fetch('POST', `/v1/aml/reviews/${held.reviewId}/${action}`, {
          token: compliance.token,
          body: { reason: `并发 ${action}` },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 409]);
    const [row] = await sql<{ status: string; decision_reason: string }[]>`
      select status, decision_reason from aml_reviews where id = ${held.reviewId}`;
    const loans = await sql`select 1 from loans where id = ${held.loanId}`;
    expect(loans.length).toBe(row!.status === 'CLEARED' ? 1 : 0);
    expect(row!.decision_reason).toBe(row!.status === 'CLEARED' ? '并发 clear' : '并发 confirm');
  }, 120_000);

  it('refuses an ID-number hit outright, as before (422 APPLICANT_SCREENED)', async () => {
    const borrower = await api.registerBorrower({ name: rareName() });
    const session = await api.login(borrower.phone, borrower.password);
    await listEntry({ list: 'SANCTIONS', idNumber: borrower.idNumber });
    const refused = await refusal(api.applyForLoan(session.token, borrower));
    expect(refused.status).toBe(422);
    expect(refused.body?.error?.code).toBe('APPLICANT_SCREENED');
    expect(refused.body?.error?.fields).toEqual([expect.objectContaining({ field: 'applicant.idNumber' })]);
  });

  it('an ID-number hit of the guarantor refuses even when the applicant only matches a name', async () => {
    const name = rareName();
    await listEntry({ list: 'AML_WATCH', name });
    const borrower = await api.registerBorrower({ name });
    const session = await api.login(borrower.phone, borrower.password);
    const guarantor = {
      name: rareName(),
      idNumber: makeIdNumber({ birthDate: '1968-03-03' }),
      phone: makePhone(),
      monthlyIncome: '20000.00',
      relationship: 'FRIEND',
    };
    await listEntry({ list: 'BLACKLIST', idNumber: guarantor.idNumber });
    const refused = await refusal(
      api.applyForLoan(session.token, borrower, {
        loanType: 'GUARANTEED',
        amount: '50000.00',
        termCount: 24,
        guarantor,
      }),
    );
    expect(refused.status).toBe(422);
    expect(refused.body?.error?.fields).toEqual([expect.objectContaining({ field: 'guarantor.idNumber' })]);
    const held = await sql`select 1 from aml_reviews where borrower_id = ${borrower.userId}`;
    expect(held.length).toBe(0);
  });

  it('re-screens existing borrowers when an entry is added: by name and by ID number', async () => {
    const name = rareName();
    const [byName, byId] = await Promise.all([
      api.registerBorrower({ name }),
      api.registerBorrower({ name: rareName() }),
    ]);
    const nameEntry = await listEntry({ list: 'AML_WATCH', name });
    expect(nameEntry.rescreenMatches).toBe(1);
    const idEntry = await listEntry({ list: 'BLACKLIST', idNumber: byId.idNumber });
    expect(idEntry.rescreenMatches).toBe(1);
    const queue = await reviewsOf('&kind=RESCREEN&status=OPEN');
    expect(queue.find((r) => r.borrowerId === byName.userId)).toMatchObject({
      match: 'NAME',
      field: 'borrower.name',
      borrowerName: maskName(name),
    });
    expect(queue.find((r) => r.borrowerId === byId.userId)).toMatchObject({ match: 'ID_NUMBER' });
    expect(JSON.stringify(queue)).not.toContain(byId.idNumber);
    expect(JSON.stringify(queue)).not.toContain(name);
  });

  it('an ID-number hit on re-screening freezes the borrower: the signed loan is not paid out but parked; clearing lifts it', async () => {
    const borrower = await api.registerBorrower({ name: rareName() });
    const session = await api.login(borrower.phone, borrower.password);
    const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, {
      amount: '8000.00',
      termCount: 6,
    });
    await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
    await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE', 120_000);
    // The list gains the borrower's ID number while the loan waits for the signature.
    expect((await listEntry({ list: 'BLACKLIST', idNumber: borrower.idNumber })).rescreenMatches).toBe(1);
    const review = (await reviewsOf('&kind=RESCREEN&status=OPEN')).find((r) => r.borrowerId === borrower.userId)!;
    expect(review).toMatchObject({ match: 'ID_NUMBER' });
    await api.signContract(session.token, loanId);
    const parked = await api.waitForLoanStatus(session.token, loanId, ['NEEDS_ATTENTION', 'ACTIVE'], 150_000);
    expect(parked.status).toBe('NEEDS_ATTENTION');
    const ops = await api.login('ops');
    expect(JSON.stringify(await api.loan(ops.token, loanId))).toContain('BorrowerFrozen');
    // Nothing reserved or sent: the payout never reached the bank.
    expect(await sql`select 1 from payout_reservations where loan_id = ${loanId} and released_at is null`).toHaveLength(
      0,
    );
    expect(await sql`select 1 from journal_entries where loan_id = ${loanId} and kind = 'DISBURSEMENT'`).toHaveLength(
      0,
    );

    await api.call('POST', `/v1/aml/reviews/${review.id}/clear`, {
      token: compliance.token,
      body: { reason: '身份证号录入错误，已与公安核实非同一人' },
    });
    expect(await sql`select 1 from aml_freezes where borrower_id = ${borrower.userId}`).toHaveLength(0);
    await api.call('POST', `/v1/loans/${loanId}/attention`, {
      token: ops.token,
      body: { action: 'RETRY', reason: '已放行' },
    });
    await api.waitForLoanStatus(session.token, loanId, 'ACTIVE', 150_000);
  }, 420_000);

  it('confirming a re-screened name hit freezes the borrower; the freeze is kept with the decision', async () => {
    const name = rareName();
    const borrower = await api.registerBorrower({ name });
    expect((await listEntry({ list: 'AML_WATCH', name })).rescreenMatches).toBe(1);
    // A name-only hit alone does not freeze: it may be someone else.
    expect(await sql`select 1 from aml_freezes where borrower_id = ${borrower.userId}`).toHaveLength(0);
    const review = (await reviewsOf('&kind=RESCREEN&status=OPEN')).find((r) => r.borrowerId === borrower.userId)!;
    await api.call('POST', `/v1/aml/reviews/${review.id}/confirm`, {
      token: compliance.token,
      body: { reason: '与名单人员为同一人' },
    });
    expect(await sql`select review_id from aml_freezes where borrower_id = ${borrower.userId}`).toEqual([
      { review_id: review.id },
    ]);
  });
});

interface Report {
  id: string;
  customerId: string;
  customerName: string | null;
  day: string;
  rule: string;
  kind: string;
  amount: string;
  paymentIds: string[];
  status: string;
  amends: string | null;
}

describe('large-value and suspicious transaction reports', () => {
  async function cash(loanId: string, amount: string): Promise<string> {
    const { maker, checker } = await financeMakerAndChecker(api);
    const paymentId = `aml-cash-${randomUUID()}`;
    await api.call('POST', `/v1/loans/${loanId}/repayments`, {
      token: maker.token,
      body: { paymentId, amount, channel: 'CASH' },
    });
    await api.call('POST', `/v1/finance/repayments/${paymentId}/approve`, { token: checker.token });
    for (let i = 0; i < 200; i++) {
      if ((await sql`select 1 from repayments where payment_id = ${paymentId}`).length) return paymentId;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`repayment ${paymentId} was not recorded`);
  }

  const reportsOf = async (customerId: string) =>
    (
      await api.call<{ items: Report[] }>('GET', `/v1/aml/reports?customerId=${customerId}`, {
        token: compliance.token,
      })
    ).items;

  const detect = () =>
    api.call<{ day: string; findings: number; created: string[] }>('POST', '/v1/aml/detection-runs', {
      token: compliance.token,
      body: {},
    });

  it('50,000 in cash in a day makes a large-value report, a payoff days after payout a suspicious draft; submit, dismiss, export', async () => {
    const { loanId, borrower } = await activeLoanOverHttp(api);
    const paymentId = await cash(loanId, '50000.00');
    await detect();
    const reports = await reportsOf(borrower.userId);
    const large = reports.find((r) => r.rule === 'LARGE_CASH_DAY')!;
    expect(large).toMatchObject({ kind: 'LARGE_VALUE', amount: '50000.00', status: 'DRAFT', paymentIds: [paymentId] });
    expect(large.customerName).toBe(maskName(borrower.name));
    const early = reports.find((r) => r.rule === 'EARLY_PAYOFF');
    expect(early).toMatchObject({ kind: 'SUSPICIOUS', status: 'DRAFT' });
    const tooEarly = await refusal(
      api.call('POST', '/v1/aml/detection-runs', { token: compliance.token, body: { day: '0001-01-03' } }),
    );
    expect(tooEarly.body?.error?.fields).toEqual([expect.objectContaining({ field: 'day', code: 'TOO_EARLY' })]);
    // Running again adds nothing.
    const again = await detect();
    expect(again.created.filter((id) => reports.some((r) => r.id === id))).toEqual([]);
    expect((await reportsOf(borrower.userId)).length).toBe(reports.length);

    // Only COMPLIANCE reports.
    for (const token of [riskManager.token, loanOfficer.token]) {
      expect(
        (await api.fetch('POST', `/v1/aml/reports/${large.id}/submit`, { token, body: { reason: 'x' } })).status,
      ).toBe(403);
      expect((await api.fetch('POST', '/v1/aml/detection-runs', { token, body: {} })).status).toBe(403);
    }
    // A large-value report must be filed: no officer can dismiss it.
    const notDismissed = await refusal(
      api.call('POST', `/v1/aml/reports/${large.id}/dismiss`, {
        token: compliance.token,
        body: { reason: '客户熟悉，无需上报' },
      }),
    );
    expect(notDismissed.status).toBe(409);
    expect(notDismissed.body?.error).toMatchObject({
      code: 'AML_LARGE_VALUE_MUST_BE_FILED',
      message: { zh: expect.stringContaining('LARGE_CASH_DAY'), en: expect.stringContaining('LARGE_CASH_DAY') },
    });
    expect((await reportsOf(borrower.userId)).find((r) => r.id === large.id)!.status).toBe('DRAFT');
    const submitted = await api.call<Report>('POST', `/v1/aml/reports/${large.id}/submit`, {
      token: compliance.token,
      body: { reason: '现金缴存达到大额标准' },
    });
    expect(submitted.status).toBe('SUBMITTED');
    const [twiceA, twiceB] = await Promise.all(
      ['submit', 'dismiss'].map((a) =>
        api.fetch('POST', `/v1/aml/reports/${large.id}/${a}`, { token: compliance.token, body: { reason: 'x' } }),
      ),
    );
    expect([twiceA!.status, twiceB!.status]).toEqual([409, 409]);
    await api.call('POST', `/v1/aml/reports/${early!.id}/dismiss`, {
      token: compliance.token,
      body: { reason: '借款人以年终奖提前结清，资金来源清楚' },
    });

    const exported = await api.fetch('GET', `/v1/aml/reports/export?from=${large.day}&to=${large.day}`, {
      token: compliance.token,
    });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toContain('text/csv');
    const csv = await exported.text();
    const line = csv.split('\r\n').find((l) => l.startsWith(large.id))!;
    expect(line).toContain('LARGE_CASH_DAY');
    expect(line).toContain('50000.00');
    expect(line).toContain(maskName(borrower.name));
    expect(line).toContain(maskIdNumber(borrower.idNumber));
    expect(csv).not.toContain(borrower.idNumber);
    expect(csv).not.toContain(early!.id);
    const badRange = await refusal(
      api.call('GET', `/v1/aml/reports/export?from=${large.day}&to=2020-01-01`, { token: compliance.token }),
    );
    expect(badRange.status).toBe(400);
  }, 400_000);

  it('cash that arrives the same day after the large-value report was filed makes an amendment of it', async () => {
    const { loanId, borrower } = await largeActiveLoan();
    const paymentId = await cash(loanId, '50000.00');
    await detect();
    const large = (await reportsOf(borrower.userId)).find((r) => r.rule === 'LARGE_CASH_DAY')!;
    await api.call('POST', `/v1/aml/reports/${large.id}/submit`, {
      token: compliance.token,
      body: { reason: '现金缴存达到大额标准' },
    });
    // Cash that arrives the same day after the report was filed: an amendment of it, with the new total.
    const later = await cash(loanId, '1000.00');
    const amendedRun = await detect();
    const amendment = (await reportsOf(borrower.userId)).find((r) => r.amends === large.id)!;
    expect(amendment).toMatchObject({ rule: 'LARGE_CASH_DAY', amount: '51000.00', status: 'DRAFT', day: large.day });
    expect([...amendment.paymentIds].sort()).toEqual([paymentId, later].sort());
    expect(amendedRun.created).toContain(amendment.id);
    expect((await reportsOf(borrower.userId)).find((r) => r.id === large.id)).toMatchObject({
      status: 'SUBMITTED',
      amount: '50000.00',
    });
    // Running again adds no second amendment.
    await detect();
    expect((await reportsOf(borrower.userId)).filter((r) => r.amends === large.id)).toHaveLength(1);
  }, 400_000);

  it('a reversed cash repayment does not count towards the day', async () => {
    const { loanId, borrower } = await largeActiveLoan();
    const paymentId = await cash(loanId, '50000.00');
    const { maker, checker } = await financeMakerAndChecker(api);
    await api.call('POST', `/v1/finance/repayments/${paymentId}/reversal`, {
      token: maker.token,
      body: { reason: '收款记错客户' },
    });
    await api.call('POST', `/v1/finance/repayments/${paymentId}/reversal/approve`, { token: checker.token });
    await detect();
    expect((await reportsOf(borrower.userId)).filter((r) => r.rule === 'LARGE_CASH_DAY')).toEqual([]);
  }, 400_000);

  it('three cash repayments just under 50,000 within days make a structuring draft', async () => {
    const { loanId, borrower } = await largeActiveLoan();
    const ids = [await cash(loanId, '46000.00'), await cash(loanId, '47000.00'), await cash(loanId, '48000.00')];
    await detect();
    const structuring = (await reportsOf(borrower.userId)).find((r) => r.rule === 'STRUCTURING');
    expect(structuring).toMatchObject({ kind: 'SUSPICIOUS', status: 'DRAFT', amount: '141000.00' });
    expect([...structuring!.paymentIds].sort()).toEqual([...ids].sort());
  }, 400_000);
});

/** A 100,000 loan (people review it: above the automatic limit), ACTIVE. */
async function largeActiveLoan() {
  const borrower = await api.registerBorrower({ profileDigit: 1 });
  const session = await api.login(borrower.phone, borrower.password);
  const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, {
    amount: '100000.00',
    termCount: 36,
  });
  await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
  await api.waitForLoanStatus(session.token, loanId, 'INITIAL_REVIEW', 120_000);
  const [initial, final] = await Promise.all([api.login('initial_reviewer'), api.login('final_reviewer')]);
  await api.call('POST', `/v1/loans/${loanId}/reviews`, {
    token: initial.token,
    body: { stage: 'INITIAL', decision: 'APPROVE', comment: '资料齐全' },
  });
  await api.waitForLoanStatus(session.token, loanId, 'FINAL_REVIEW');
  await api.call('POST', `/v1/loans/${loanId}/reviews`, {
    token: final.token,
    body: { stage: 'FINAL', decision: 'APPROVE', comment: '同意' },
  });
  await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE', 60_000);
  await api.signContract(session.token, loanId);
  await api.waitForLoanStatus(session.token, loanId, 'ACTIVE', 150_000);
  return { borrower, session, loanId };
}
