// Recovery after write-off on the time-skipping server: a loan 120 days overdue is written off
// (its workflow ends), then money arrives on it. The API's path for such money
// (api/write-off-recovery.ts: the bank notice route and a checker's approval of a staff posting
// both call it) books it as recovery income once per payment id, with the loan's timeline event;
// concurrent repeats book it once; a forged repeat (same id, other amount) and an id another
// movement took are refused; reconciliation against the bank stays clean; the monthly regulatory
// statistics count the write-off and the recoveries, also twenty years on. The second case goes
// through the routes of the API, built in process over this database.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApi } from '../../api/build-api.js';
import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../lib/logger.js';
import { callbackSignatureHeaders } from '../../partners/signature.js';
import { createSecurity } from '../../security/authenticator.js';
import type { Role } from '../../domain/types.js';
import { writeOffUpdate } from '../../contracts/definitions.js';
import { recoveryIfWrittenOff } from '../../api/write-off-recovery.js';
import { recoveriesOf } from '../../db/write-off-recoveries.js';
import { regulatoryMonthlyFigures } from '../../db/regulatory-statistics.js';
import { periodBounds, periodOf } from '../../domain/chart-of-accounts.js';
import { addDays } from '../../domain/dates.js';
import { subtractMoney } from '../../domain/money.js';
import { matchBankStatement } from '../../api/staff-postings.js';
import { listPostings } from '../../db/staff-postings.js';
import { localDateOf } from '../../domain/business-time.js';
import { createWorkflowHarness, TIME_ZONE, type WorkflowHarness } from './helpers/harness.js';
import { uploadDocuments, sign, waitForStatus } from './helpers/loan-driver.js';
import { ledgerBalance, reconciliation, skipTo } from './helpers/servicing-driver.js';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterEach(async () => {
  const report = await reconciliation(h);
  expect(report.findings).toEqual([]);
});
afterAll(async () => {
  await h?.teardown();
});

async function writtenOffLoan() {
  const seeded = await h.seedLoan({ amount: '12000.00', profileDigit: 1 });
  const loanId = seeded.input.loanId;
  await h.sql`update loans set auto_debit = false where id = ${loanId}`;
  const handle = await h.start(seeded.input);
  await uploadDocuments(h, handle, seeded.input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await sign(handle, seeded.input.borrowerId, offered.contract!.sha256);
  await h.env.sleep(60_000);
  await waitForStatus(handle, 'ACTIVE');
  const [first] = await h.sql<{ due_date: string }[]>`
    select due_date::text from installments where loan_id = ${loanId} order by number limit 1`;
  await skipTo(h, addDays(first!.due_date, 120), '12:00');
  return { handle, loanId };
}

const recovery = (loanId: string, paymentId: string, amount: string, receivedOn: string, channel = 'BANK_TRANSFER') =>
  recoveryIfWrittenOff(h.sql, {
    loanId,
    paymentId,
    channel: channel as 'BANK_TRANSFER' | 'CASH',
    amount,
    receivedOn,
    recordedBy: channel === 'CASH' ? 'finance-checker' : 'system:bank',
    source: channel === 'CASH' ? 'CHECKER' : 'BANK',
  });

/** The date of the loan's write-off, as its WRITE_OFF entry holds it. */
async function writeOffDate(loanId: string): Promise<string> {
  const [row] = await h.sql<{ on: string }[]>`
    select effective_on::text as on from journal_entries where loan_id = ${loanId} and kind = 'WRITE_OFF'`;
  return row!.on;
}

describe('recovery after write-off', () => {
  it('books money on a written-off loan as recovery income, once per payment id', async () => {
    const { handle, loanId } = await writtenOffLoan();
    const today = localDateOf(await h.env.currentTimeMs(), TIME_ZONE);

    // While the loan is serviced, money is a repayment for its workflow, not a recovery.
    expect(await recovery(loanId, `${loanId}-early`, '10.00', today)).toBeNull();

    const risk = await h.createUser('RISK_MANAGER');
    const decided = await handle.executeUpdate(writeOffUpdate, {
      args: [{ approve: true, comment: '无法收回', by: { userId: risk, role: 'RISK_MANAGER' } }],
    });
    expect(decided.status).toBe('WRITTEN_OFF');
    expect((await handle.result()).status).toBe('WRITTEN_OFF');
    const loss = await ledgerBalance(h, loanId, 'LOAN_LOSS');

    // The bank's notice, delivered twice at once (at-least-once callbacks): booked once.
    h.bank.receive(loanId, '300.00');
    const notice = (await h.bank.ledger()).incoming.at(-1)!;
    const both = await Promise.all([1, 2].map(() => recovery(loanId, notice.paymentId, '300.00', today)));
    expect(both.map((o) => o?.kind)).toEqual(['RECOVERED', 'RECOVERED']);
    expect(both.map((o) => (o?.kind === 'RECOVERED' ? o.duplicate : null)).sort()).toEqual([false, true]);

    // A forger repeating the id with another amount, and an id the payout took: refused, nothing booked.
    expect((await recovery(loanId, notice.paymentId, '3000.00', today))?.kind).toBe('PAYMENT_ID_IN_USE');
    const [payout] = await h.sql<{ external_ref: string }[]>`
      select external_ref from journal_entries where loan_id = ${loanId} and kind = 'DISBURSEMENT'`;
    expect((await recovery(loanId, payout!.external_ref, '5.00', today))?.kind).toBe('PAYMENT_ID_IN_USE');

    // Cash a checker approved.
    expect((await recovery(loanId, `${loanId}-cash-1`, '50.25', today, 'CASH'))?.kind).toBe('RECOVERED');

    const entries = await h.sql<{ kind: string; business_key: string }[]>`
      select kind, business_key from journal_entries where loan_id = ${loanId} and kind = 'WRITE_OFF_RECOVERY' order by id`;
    expect(entries.map((e) => e.business_key)).toEqual([`payment:${notice.paymentId}`, `payment:${loanId}-cash-1`]);
    expect(await ledgerBalance(h, loanId, 'RECOVERY_INCOME')).toBe('-350.25');
    expect(await ledgerBalance(h, loanId, 'CASH_ON_HAND')).toBe('50.25');
    for (const account of ['LOAN_PRINCIPAL', 'INTEREST_RECEIVABLE', 'FEE_RECEIVABLE', 'PENALTY_RECEIVABLE'])
      expect(await ledgerBalance(h, loanId, account)).toBe('0.00');
    expect(await ledgerBalance(h, loanId, 'LOAN_LOSS')).toBe(loss);
    expect((await recoveriesOf(h.sql, loanId)).total).toBe('350.25');
    const events = await h.sql<{ kind: string; detail: { amount: string }; actor: string }[]>`
      select kind, detail, actor from loan_events where loan_id = ${loanId} and kind = 'WRITE_OFF_RECOVERY' order by id`;
    expect(events.map((e) => [e.detail.amount, e.actor])).toEqual([
      ['300.00', 'system:bank'],
      ['50.25', 'finance-checker'],
    ]);

    // The month's regulatory statistics: the write-off and both recoveries; the loan out of the book.
    const month = periodOf(today);
    const report = await regulatoryMonthlyFigures(h.sql, month, periodBounds(month).to);
    expect(report.writeOffs).toEqual({ loans: 1, amount: loss });
    expect(report.recoveries).toEqual({ payments: 2, loans: 1, amount: '350.25' });
    expect(report.balance.loans).toBe(0);

    // Twenty years on, money still counts as a recovery of its own month.
    const later = addDays(today, 365 * 20);
    expect((await recovery(loanId, `${loanId}-cash-2`, '20.00', later, 'CASH'))?.kind).toBe('RECOVERED');
    const decades = await regulatoryMonthlyFigures(h.sql, periodOf(later), periodBounds(periodOf(later)).to);
    expect(decades.recoveries).toEqual({ payments: 1, loans: 1, amount: '20.00' });
    expect(decades.writeOffs.loans).toBe(0);
    expect((await recoveriesOf(h.sql, loanId)).total).toBe('370.25');

    // The same payment id again: a duplicate only with the same channel, date and decimal amount.
    expect(await recovery(loanId, notice.paymentId, '300', today)).toMatchObject({
      kind: 'RECOVERED',
      duplicate: true,
    });
    expect((await recovery(loanId, notice.paymentId, '300.00', today, 'CASH'))?.kind).toBe('PAYMENT_ID_IN_USE');
    expect((await recovery(loanId, notice.paymentId, '300.00', addDays(today, 1)))?.kind).toBe('PAYMENT_ID_IN_USE');

    // Money received before the write-off is not recovery income; nor is money dated in a closed month.
    const refusal = async (o: ReturnType<typeof recovery>) => {
      const outcome = await o;
      return outcome?.kind === 'REFUSED' ? [outcome.refusal.code, outcome.refusal.field] : outcome?.kind;
    };
    expect(
      await refusal(recovery(loanId, `${loanId}-before`, '10.00', addDays(await writeOffDate(loanId), -1), 'CASH')),
    ).toEqual(['RECEIVED_BEFORE_WRITE_OFF', 'receivedOn']);
    const closedDay = addDays(today, 365 * 30);
    await h.sql`insert into ledger_periods (period, closed_by) values (${periodOf(closedDay)}, 'finance-close')`;
    expect(await refusal(recovery(loanId, `${loanId}-closed`, '10.00', closedDay, 'CASH'))).toEqual([
      'PERIOD_CLOSED',
      'receivedOn',
    ]);

    // The total recovered never exceeds the amount written off: of two payments of what is left,
    // arriving at once, one is booked and the other refused; a cent more is refused after that.
    const left = subtractMoney(loss, '370.25');
    const racing = await Promise.all(
      ['race-1', 'race-2'].map((id) => refusal(recovery(loanId, `${loanId}-${id}`, left, later, 'CASH'))),
    );
    expect(racing.map(String).sort()).toEqual(['EXCEEDS_WRITTEN_OFF,amount', 'RECOVERED']);
    expect(await refusal(recovery(loanId, `${loanId}-cent`, '0.01', later, 'CASH'))).toEqual([
      'EXCEEDS_WRITTEN_OFF',
      'amount',
    ]);
    expect((await recoveriesOf(h.sql, loanId)).total).toBe(loss);
    expect(await ledgerBalance(h, loanId, 'RECOVERY_INCOME')).toBe(subtractMoney('0.00', loss));
  });

  it('over the API: the bank notice and a checker-approved cash posting on a written-off loan are recoveries', async () => {
    const { handle, loanId } = await writtenOffLoan();
    const risk = await h.createUser('RISK_MANAGER');
    await handle.executeUpdate(writeOffUpdate, {
      args: [{ approve: true, comment: '无法收回', by: { userId: risk, role: 'RISK_MANAGER' } }],
    });
    expect((await handle.result()).status).toBe('WRITTEN_OFF');
    // The API's business day is the server's (skipped) day, on or after the write-off.
    const nowMs = await h.env.currentTimeMs();
    const { app, security, bankSecret } = apiOverHarness(() => new Date(nowMs));
    const token = async (role: Role) => {
      const userId = await h.createUser(role);
      const issued = security.signer.issue({ userId, username: `${role}-${userId.slice(0, 6)}`, role }, new Date());
      return { userId, token: issued.token };
    };
    const call = (method: string, path: string, who: { token: string }, body?: unknown) =>
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${who.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });

    // The bank's signed notice, twice: booked once, answered "recovered" then "duplicate".
    h.bank.receive(loanId, '300.00');
    const notice = JSON.stringify({
      ...(await h.bank.ledger()).incoming.at(-1)!,
      receivedAt: new Date(nowMs).toISOString(),
    });
    const deliver = (body = notice) =>
      app.request('/v1/partners/bank/incoming', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...callbackSignatureHeaders(bankSecret, body, new Date(nowMs)) },
        body,
      });
    expect(await (await deliver()).json()).toEqual({ accepted: true, detail: 'recovered' });
    expect(await (await deliver()).json()).toEqual({ accepted: true, detail: 'duplicate' });

    // A signed notice of money received the day before the write-off: not booked as a recovery.
    const before = JSON.stringify({
      paymentId: `${loanId}-before-write-off`,
      reference: loanId,
      amount: '40.00',
      receivedAt: `${addDays(await writeOffDate(loanId), -1)}T12:00:00+08:00`,
    });
    expect(await (await deliver(before)).json()).toEqual({ accepted: false, detail: 'RECEIVED_BEFORE_WRITE_OFF' });

    // Cash recorded by one finance user, approved by another; two checkers at once: one wins.
    const maker = await token('FINANCE');
    const paymentId = `${loanId}-counter-1`;
    const recorded = await call('POST', `/v1/loans/${loanId}/repayments`, maker, {
      paymentId,
      amount: '80.00',
      channel: 'CASH',
    });
    expect(recorded.status).toBe(202);
    expect(await recorded.json()).toMatchObject({ paymentId, status: 'PENDING_APPROVAL' });
    expect((await call('POST', `/v1/finance/repayments/${paymentId}/approve`, maker)).status).toBe(403);
    const checkers = [await token('FINANCE'), await token('FINANCE')];
    const answers = await Promise.all(
      checkers.map(async (c) => call('POST', `/v1/finance/repayments/${paymentId}/approve`, c)),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const approved = (await answers.find((a) => a.status === 200)!.json()) as Record<string, unknown>;
    expect(approved).toMatchObject({
      paymentId,
      status: 'APPROVED',
      recovery: { paymentId, loanId, channel: 'CASH', amount: '80.00', businessKey: `payment:${paymentId}` },
    });
    expect(approved.repayment).toBeUndefined();

    // Cash dated before the write-off: the checker gets 409 naming receivedOn; the posting waits again.
    const early = `${loanId}-counter-early`;
    const earlyDay = addDays(await writeOffDate(loanId), -1);
    expect(
      (
        await call('POST', `/v1/loans/${loanId}/repayments`, maker, {
          paymentId: early,
          amount: '5.00',
          channel: 'CASH',
          receivedOn: earlyDay,
        })
      ).status,
    ).toBe(202);
    const refusedEarly = await call('POST', `/v1/finance/repayments/${early}/approve`, checkers[0]!);
    expect(refusedEarly.status).toBe(409);
    expect(await refusedEarly.json()).toMatchObject({
      error: { code: 'RECEIVED_BEFORE_WRITE_OFF', fields: [{ field: 'receivedOn' }] },
    });

    // The same 300.00 transfer recorded by finance as well: a checker cannot book it by hand (409
    // naming channel), and the bank's statement does not match it to the line already recovered.
    const transfer = `${loanId}-transfer-1`;
    expect(
      (
        await call('POST', `/v1/loans/${loanId}/repayments`, maker, {
          paymentId: transfer,
          amount: '300.00',
          channel: 'BANK_TRANSFER',
          reference: loanId,
        })
      ).status,
    ).toBe(202);
    const byHand = await call('POST', `/v1/finance/repayments/${transfer}/approve`, checkers[1]!);
    expect(byHand.status).toBe(409);
    expect(await byHand.json()).toMatchObject({
      error: { code: 'BANK_TRANSFER_NEEDS_STATEMENT', fields: [{ field: 'channel' }] },
    });
    const pending = await listPostings(h.sql, 'PENDING_APPROVAL', 100);
    expect(pending.map((p) => p.paymentId)).toEqual(expect.arrayContaining([early, transfer]));
    expect(await matchBankStatement({ sql: h.sql, temporal: h.client }, h.bank, pending)).toEqual([]);
    expect((await recoveriesOf(h.sql, loanId)).items.map((r) => r.paymentId)).toEqual([
      JSON.parse(notice).paymentId,
      paymentId,
    ]);

    const detail = await call('GET', `/v1/loans/${loanId}`, await token('RISK_MANAGER'));
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({ status: 'WRITTEN_OFF', recoveredAfterWriteOff: '380.00' });
    const audited = await h.sql<{ action: string }[]>`
      select action from audit_log where resource_id in (${paymentId}, ${JSON.parse(notice).paymentId}) order by id`;
    expect(audited.map((a) => a.action)).toEqual(
      expect.arrayContaining(['BANK_INCOMING_PAYMENT', 'REPAYMENT_RECORDED', 'REPAYMENT_APPROVE']),
    );
  });
});

/** The API as api/main.ts builds it, over this file's database and Temporal client, in process. */
function apiOverHarness(now: () => Date) {
  const bankSecret = randomBytes(24).toString('hex');
  const config = loadConfig({
    APP_MODE: 'local',
    LOG_LEVEL: 'silent',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'recovery-api-')),
    TOKEN_SECRET: randomBytes(32).toString('hex'),
    BANK_CALLBACK_SECRET: bankSecret,
  });
  const security = createSecurity({ config, sql: h.sql, keyring: h.keyring });
  const app = buildApi(
    {
      config,
      sql: h.sql,
      temporal: h.client,
      log: createLogger('recovery-api', 'silent'),
      auth: security.auth,
      keyring: security.keyring,
      cipher: security.cipher,
      now,
    },
    security,
  );
  return { app, security, bankSecret };
}
