// Lending decisions and user management are separate duties, over the real stack: ADMIN cannot
// review; an administrator cannot approve a loan through two reviewer accounts they created; a
// person's own approval limit binds below the role's.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../setup/provided.js';
import { ApiCallError, ApiClient, type Session } from '../../drivers/api-client.js';
import { connectDb } from '../../lib/db-client.js';
import { hashPassword } from '../../security/passwords.js';

const stack = inject('stack');
const api = new ApiClient(stack.apiUrl, { simulatorUrl: stack.simulatorUrl });
const sql = connectDb(stack.databaseUrl, { max: 1, applicationName: 'staff-reviews-it' });
afterAll(() => sql.end());

let admin: Session;
let initialReviewer: Session;
let finalReviewer: Session;
let auditor: Session;

beforeAll(async () => {
  [admin, initialReviewer, finalReviewer, auditor] = await Promise.all([
    api.login('admin'),
    api.login('initial_reviewer'),
    api.login('final_reviewer'),
    api.login('auditor'),
  ]);
});

async function expectApiError(promise: Promise<unknown>, status: number) {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof ApiCallError)) throw err;
    expect(err.status).toBe(status);
    return err.body!.error!;
  }
  throw new Error(`expected HTTP ${status}`);
}

/** A staff account the admin creates through the API, logged in. */
async function staffCreatedByAdmin(
  role: string,
  extra: Record<string, unknown> = {},
  creator: Session = admin,
): Promise<Session> {
  const username = `rv_${randomUUID().slice(0, 8)}`;
  const password = `Review-${randomUUID().slice(0, 6)}9`;
  await api.call('POST', '/v1/auth/users', { token: creator.token, body: { username, role, password, ...extra } });
  return api.login(username, password);
}

/** An account as the installation seeds it: no creator, a password its holder alone knows. */
async function seededAccount(role: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into users (role, username, password_hash)
    values (${role}, ${`seed_${randomUUID().slice(0, 8)}`}, ${await hashPassword(`Own-${randomUUID()}9`)})
    returning id`;
  return row!.id;
}

/** The admin takes over an account: changes its role, resets its password and sets a new one. */
async function takenOver(by: Session, userId: string, role: string): Promise<Session> {
  await api.call('PUT', `/v1/auth/users/${userId}/role`, { token: by.token, body: { role } });
  const { temporaryPassword } = await api.call<{ temporaryPassword: string }>(
    'POST',
    `/v1/auth/users/${userId}/reset-password`,
    { token: by.token },
  );
  const [row] = await sql<{ username: string }[]>`select username from users where id = ${userId}`;
  const username = row!.username;
  const temporary = await api.login(username, temporaryPassword);
  const newPassword = `Mine-${randomUUID().slice(0, 8)}9`;
  await api.call('POST', '/v1/auth/password', {
    token: temporary.token,
    body: { currentPassword: temporaryPassword, newPassword },
  });
  return api.login(username, newPassword);
}

/** Passes a new loan's initial review with `initial`, then asserts `final` may not approve it. */
async function expectFinalApprovalRefused(initial: Session, final: Session) {
  const { loanId, session } = await api.loanInInitialReview({ amount: '30000.00' });
  await review(initial.token, loanId, { stage: 'INITIAL', decision: 'APPROVE' });
  await api.waitForLoanStatus(session.token, loanId, 'FINAL_REVIEW');
  const error = await expectApiError(review(final.token, loanId, { stage: 'FINAL', decision: 'APPROVE' }), 403);
  expect(error.code).toBe('SEPARATION_OF_DUTIES_ACCOUNT_CREATOR');
  expect((await api.loan(session.token, loanId)).status).toBe('FINAL_REVIEW');
  return { loanId, session };
}

const review = (token: string, loanId: string, body: Record<string, unknown>) =>
  api.call('POST', `/v1/loans/${loanId}/reviews`, { token, body: { comment: '审查意见', ...body } });

async function deniedAuditRows(loanId: string) {
  type Row = { action: string; result: string; detail: { refusal?: string } };
  const { items } = await api.call<{ items: Row[] }>('GET', `/v1/audit?loanId=${loanId}&limit=50`, {
    token: auditor.token,
  });
  return items.filter((e) => e.result === 'DENIED');
}

describe('separation of duties between user management and lending decisions', () => {
  it('ADMIN cannot review, at either stage', async () => {
    const { loanId } = await api.loanInInitialReview({ amount: '30000.00' });
    const error = await expectApiError(review(admin.token, loanId, { stage: 'INITIAL', decision: 'APPROVE' }), 403);
    expect(error.message.en).toContain('review:submit');
  });

  it('a final reviewer cannot approve what an initial reviewer created by the same administrator passed on', async () => {
    const ownInitial = await staffCreatedByAdmin('INITIAL_REVIEWER');
    const ownFinal = await staffCreatedByAdmin('FINAL_REVIEWER');
    const { loanId, session } = await api.loanInInitialReview({ amount: '30000.00' });
    await review(ownInitial.token, loanId, { stage: 'INITIAL', decision: 'APPROVE' });
    await api.waitForLoanStatus(session.token, loanId, 'FINAL_REVIEW');

    const error = await expectApiError(review(ownFinal.token, loanId, { stage: 'FINAL', decision: 'APPROVE' }), 403);
    expect(error.code).toBe('SEPARATION_OF_DUTIES_ACCOUNT_CREATOR');
    expect(error.message.zh).toMatch(/同一人控制/);
    expect(await deniedAuditRows(loanId)).toMatchObject([
      { action: 'REVIEW_FINAL', detail: { refusal: 'SEPARATION_OF_DUTIES_ACCOUNT_CREATOR' } },
    ]);
    expect((await api.loan(session.token, loanId)).status).toBe('FINAL_REVIEW');

    // A reviewer whose account that administrator did not create may approve it.
    await review(finalReviewer.token, loanId, { stage: 'FINAL', decision: 'APPROVE' });
    await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE');
  });

  it('nor through a chain of accounts: an administrator the admin created makes the initial reviewer', async () => {
    const secondAdmin = await staffCreatedByAdmin('ADMIN');
    const chainedInitial = await staffCreatedByAdmin('INITIAL_REVIEWER', {}, secondAdmin);
    const ownFinal = await staffCreatedByAdmin('FINAL_REVIEWER');
    const { loanId, session } = await expectFinalApprovalRefused(chainedInitial, ownFinal);
    expect(await deniedAuditRows(loanId)).toMatchObject([
      { action: 'REVIEW_FINAL', detail: { refusal: 'SEPARATION_OF_DUTIES_ACCOUNT_CREATOR' } },
    ]);
    // Nor the other way round: the second administrator's final reviewer after the first's initial.
    await expectFinalApprovalRefused(
      await staffCreatedByAdmin('INITIAL_REVIEWER'),
      await staffCreatedByAdmin('FINAL_REVIEWER', {}, secondAdmin),
    );
    await review(finalReviewer.token, loanId, { stage: 'FINAL', decision: 'APPROVE' });
    await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE');
  });

  it('nor through seeded accounts the admin re-roled and whose passwords the admin reset', async () => {
    const initial = await takenOver(admin, await seededAccount('LOAN_OFFICER'), 'INITIAL_REVIEWER');
    const final = await takenOver(admin, await seededAccount('COLLECTOR'), 'FINAL_REVIEWER');
    await expectFinalApprovalRefused(initial, final);

    // Either step alone links the account to the admin: a reset only, and a role change only.
    const resetOnly = await seededAccount('FINAL_REVIEWER');
    const { temporaryPassword } = await api.call<{ temporaryPassword: string }>(
      'POST',
      `/v1/auth/users/${resetOnly}/reset-password`,
      { token: admin.token },
    );
    expect(temporaryPassword).toBeTruthy();
    const reroledOnly = await seededAccount('COLLECTOR');
    await api.call('PUT', `/v1/auth/users/${reroledOnly}/role`, {
      token: admin.token,
      body: { role: 'INITIAL_REVIEWER' },
    });
    const controls = await sql<{ user_id: string; via: string }[]>`
      select user_id, via from user_controls where user_id in (${resetOnly}, ${reroledOnly}) order by via`;
    expect(controls).toEqual([
      { user_id: resetOnly, via: 'PASSWORD_RESET' },
      { user_id: reroledOnly, via: 'ROLE_CHANGE' },
    ]);
  });

  it('an administrator-created final reviewer may approve after an initial reviewer the installation seeded', async () => {
    const ownFinal = await staffCreatedByAdmin('FINAL_REVIEWER');
    const { loanId, session } = await api.loanInInitialReview({ amount: '30000.00' });
    await review(initialReviewer.token, loanId, { stage: 'INITIAL', decision: 'APPROVE' });
    await api.waitForLoanStatus(session.token, loanId, 'FINAL_REVIEW');
    await review(ownFinal.token, loanId, { stage: 'FINAL', decision: 'APPROVE' });
    await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE');
  });
});

describe('approval authority per person', () => {
  it('the lower of the person’s and the role’s limit applies; a rejection is never limited', async () => {
    const limited = await staffCreatedByAdmin('FINAL_REVIEWER', { approvalLimit: '20000.00' });
    const { loanId, session } = await api.loanInInitialReview({ amount: '30000.00' });
    await review(initialReviewer.token, loanId, { stage: 'INITIAL', decision: 'APPROVE' });
    await api.waitForLoanStatus(session.token, loanId, 'FINAL_REVIEW');

    const error = await expectApiError(review(limited.token, loanId, { stage: 'FINAL', decision: 'APPROVE' }), 403);
    expect(error.code).toBe('ABOVE_PERSONAL_APPROVAL_LIMIT');
    expect(error.message.en).toContain('20000.00');
    expect(await deniedAuditRows(loanId)).toMatchObject([
      { action: 'REVIEW_FINAL', detail: { refusal: 'ABOVE_PERSONAL_APPROVAL_LIMIT' } },
    ]);

    await review(limited.token, loanId, { stage: 'FINAL', decision: 'APPROVE', amount: '20000.00' });
    const offered = await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE');
    expect(offered.status).toBe('AWAITING_SIGNATURE');
  });

  it('binds an initial reviewer’s approval as well', async () => {
    const limited = await staffCreatedByAdmin('INITIAL_REVIEWER', { approvalLimit: '10000.00' });
    const { loanId, session } = await api.loanInInitialReview({ amount: '30000.00' });
    const error = await expectApiError(review(limited.token, loanId, { stage: 'INITIAL', decision: 'APPROVE' }), 403);
    expect(error.code).toBe('ABOVE_PERSONAL_APPROVAL_LIMIT');
    await review(limited.token, loanId, { stage: 'INITIAL', decision: 'REJECT', comment: '收入证明不足' });
    await api.waitForLoanStatus(session.token, loanId, 'REJECTED');
  });
});
