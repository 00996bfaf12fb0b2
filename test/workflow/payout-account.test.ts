// The payout account is checked by the bank (four elements) before any payout. A mismatch parks the
// loan in PAYOUT_ACCOUNT_INVALID; the borrower gives another account (checked again, then paid) or
// cancels (nothing owed). A frozen account fails the payout: finance and ops get tasks with the bank's
// reason, the borrower changes the account, and ops' retry pays the new account exactly once.
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { startLoanWorkflow } from '../../api/loan-workflows.js';
import { createLogger } from '../../lib/logger.js';
import { temporalDataConverter } from '../../security/payload-codec.js';
import { bundleChangedWorkflows } from '../support/mutant-bundle.js';
import {
  bankResultSignal,
  cancelLoanUpdate,
  changePayoutAccountUpdate,
  loanViewQuery,
  retryDisbursementUpdate,
} from '../../contracts/definitions.js';
import { insertPayoutAccount } from '../../db/payout-accounts.js';
import { makeCardNumber, makePhone } from '../../drivers/identities.js';
import { TIME_ZONE, createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { refusalOf, sign, uploadDocuments, waitForStatus, type LoanHandle } from './helpers/loan-driver.js';
import { ledgerBalance, reconciliation } from './helpers/servicing-driver.js';
import type { LoanWorkflowInput as LoanInput } from '../../contracts/loan-view.js';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterEach(async () => {
  expect((await reconciliation(h)).findings).toEqual([]);
});
afterAll(async () => {
  await h?.teardown();
});

async function signedLoan(cardEnding: string): Promise<{ input: LoanInput; handle: LoanHandle }> {
  const { input } = await h.seedLoan({ loanType: 'CREDIT', amount: '8000.00', profileDigit: 1, cardEnding });
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, input.product.requiredDocuments);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  return { input, handle };
}

async function giveAccount(input: LoanInput, cardNumber: string): Promise<string> {
  return insertPayoutAccount(h.sql, h.cipher, {
    loanId: input.loanId,
    account: { cardNumber, bankName: '中国建设银行', reservedPhone: makePhone() },
    requestedBy: input.borrowerId,
    smsVerificationId: 'sms-verification-in-workflow-test',
    consentTextVersion: 'consent-2026-01',
  });
}

function changeAccount(handle: LoanHandle, input: LoanInput, accountId: string) {
  return handle.executeUpdate(changePayoutAccountUpdate, {
    args: [{ accountId, by: { userId: input.borrowerId, role: 'BORROWER' } }],
  });
}

async function tasks(loanId: string) {
  return h.sql<{ kind: string; role: string; status: string; detail: Record<string, unknown> }[]>`
    select kind, role, status, detail from tasks where loan_id = ${loanId} order by created_at, task_key`;
}

/** The loan's tasks once `count` of them exist: the workflow opens them just after the status changes. */
async function tasksOnce(loanId: string, count: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = await tasks(loanId);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function paidTo(loanId: string) {
  return [...h.bank.transfers.values()]
    .filter((t) => t.idempotencyKey.startsWith(`loan:${loanId}:`))
    .map((t) => `${t.request.toCard}:${t.status}`);
}

it('parks a card the bank does not match, and pays the verified card the borrower gives instead', async () => {
  const { input, handle } = await signedLoan('0000');
  const invalid = await waitForStatus(handle, 'PAYOUT_ACCOUNT_INVALID');
  expect(invalid.payoutAccount).toMatchObject({ verification: 'MISMATCH', mismatched: ['cardNumber'], changes: 0 });
  expect(invalid.disbursements).toEqual([]);
  expect(paidTo(input.loanId)).toEqual([]);
  expect((await tasksOnce(input.loanId, 1)).map((t) => `${t.kind}:${t.role}:${t.status}`)).toEqual([
    'CHANGE_PAYOUT_ACCOUNT:BORROWER:OPEN',
  ]);
  const [sms] = await h.sql<{ template: string }[]>`
    select template from notifications where loan_id = ${input.loanId} order by created_at desc limit 1`;
  expect(sms?.template).toBe('LOAN_STATUS_CHANGED');

  // Ops cannot retry a payout that never started; another borrower cannot change the card.
  const ops = await h.createUser('OPS');
  expect(await refusalOf(handle.executeUpdate(retryDisbursementUpdate, { args: [{ userId: ops, role: 'OPS' }] }))).toBe(
    'WRONG_STAGE',
  );
  const stranger = await h.createUser('BORROWER');
  const strangerAccount = await giveAccount(input, makeCardNumber());
  expect(
    await refusalOf(
      handle.executeUpdate(changePayoutAccountUpdate, {
        args: [{ accountId: strangerAccount, by: { userId: stranger, role: 'BORROWER' } }],
      }),
    ),
  ).toBe('FORBIDDEN');

  // A second card the bank does not match either: still parked.
  const stillBad = await changeAccount(handle, input, await giveAccount(input, makeCardNumber('0000')));
  expect(stillBad.status).toBe('PAYOUT_ACCOUNT_INVALID');
  expect(stillBad.payoutAccount).toMatchObject({ verification: 'MISMATCH', changes: 1 });

  const newCard = makeCardNumber();
  const changed = await changeAccount(handle, input, await giveAccount(input, newCard));
  expect(changed.payoutAccount).toMatchObject({ verification: 'VERIFIED', mismatched: [], changes: 2 });
  const active = await waitForStatus(handle, 'ACTIVE');
  expect(active.disbursements.map((d) => d.status)).toEqual(['SUCCEEDED']);
  expect(paidTo(input.loanId)).toEqual([`${newCard}:SUCCEEDED`]);
  expect((await tasks(input.loanId)).map((t) => `${t.kind}:${t.status}`)).toEqual(['CHANGE_PAYOUT_ACCOUNT:DONE']);
  const accounts = await h.sql<{ status: string }[]>`
    select status from payout_accounts where loan_id = ${input.loanId} and requested_by = ${input.borrowerId} order by requested_at`;
  // The account the refused update named was never checked.
  expect(accounts.map((a) => a.status)).toEqual(['PENDING', 'MISMATCH', 'VERIFIED']);
  await h.capture(input.loanId, 'payout-account-mismatch-changed', ['disbursement', 'payout-account-verification']);
  await h.client.workflow.getHandle(input.loanId).terminate('test done');
});

it('lets the borrower cancel a loan whose account failed the check: CANCELLED, nothing owed, nothing in the ledger', async () => {
  const { input, handle } = await signedLoan('0000');
  await waitForStatus(handle, 'PAYOUT_ACCOUNT_INVALID');
  const stranger = await h.createUser('BORROWER');
  expect(
    await refusalOf(handle.executeUpdate(cancelLoanUpdate, { args: [{ by: { userId: stranger, role: 'BORROWER' } }] })),
  ).toBe('FORBIDDEN');
  const closed = await handle.executeUpdate(cancelLoanUpdate, {
    args: [{ by: { userId: input.borrowerId, role: 'BORROWER' }, reason: '不需要了' }],
  });
  expect(closed.status).toBe('CANCELLED');
  const result = await handle.result();
  expect(result.status).toBe('CANCELLED');
  expect(result.closedReason?.en).toContain('Cancelled by the borrower');
  expect(paidTo(input.loanId)).toEqual([]);
  const [entries] = await h.sql<{ n: number }[]>`
    select count(*)::int as n from journal_entries where loan_id = ${input.loanId}`;
  expect(entries!.n).toBe(0);
  const [reserved] = await h.sql<{ n: number }[]>`
    select count(*)::int as n from payout_reservations where loan_id = ${input.loanId} and released_at is null`;
  expect(reserved!.n).toBe(0);
  expect((await tasks(input.loanId)).map((t) => `${t.kind}:${t.status}`)).toEqual(['CHANGE_PAYOUT_ACCOUNT:CANCELLED']);
  await h.capture(input.loanId, 'payout-account-cancelled', ['payout-account-verification', 'payout-cancellation']);
});

it('after a frozen account: finance and ops tasks carry the reason; the changed account is paid once on retry', async () => {
  const { input, handle } = await signedLoan('4444');
  const failed = await waitForStatus(handle, 'DISBURSEMENT_FAILED');
  expect(failed.payoutAccount).toMatchObject({ verification: 'VERIFIED' });
  expect(failed.disbursements.map((d) => `${d.status}:${d.failureReason}`)).toEqual(['FAILED:ACCOUNT_FROZEN']);
  const opened = await tasksOnce(input.loanId, 3);
  expect(opened.map((t) => `${t.kind}:${t.role}:${t.status}:${t.detail.bankReason as string}`)).toEqual([
    'DISBURSEMENT_FAILED:FINANCE:OPEN:ACCOUNT_FROZEN',
    'DISBURSEMENT_FAILED:OPS:OPEN:ACCOUNT_FROZEN',
    'CHANGE_PAYOUT_ACCOUNT:BORROWER:OPEN:ACCOUNT_FROZEN',
  ]);
  expect(await ledgerBalance(h, input.loanId, 'LOAN_PRINCIPAL')).toBe('0.00');

  const newCard = makeCardNumber();
  const changed = await changeAccount(handle, input, await giveAccount(input, newCard));
  expect(changed.status).toBe('DISBURSEMENT_FAILED');
  expect(changed.payoutAccount).toMatchObject({ verification: 'VERIFIED', changes: 1 });

  const ops = await h.createUser('OPS');
  await handle.executeUpdate(retryDisbursementUpdate, { args: [{ userId: ops, role: 'OPS' }] });
  const active = await waitForStatus(handle, 'ACTIVE');
  expect(active.disbursements.map((d) => d.status)).toEqual(['FAILED', 'SUCCEEDED']);
  const frozenCard = [...h.bank.transfers.values()].find(
    (t) => t.idempotencyKey === `loan:${input.loanId}:disbursement`,
  )!.request.toCard;
  expect(paidTo(input.loanId)).toEqual([`${frozenCard}:FAILED`, `${newCard}:SUCCEEDED`]);
  expect((await tasks(input.loanId)).every((t) => t.status === 'DONE')).toBe(true);
  expect(await ledgerBalance(h, input.loanId, 'LOAN_PRINCIPAL')).toBe('8000.00');
  // The cancel that came too late: money has left.
  expect(
    await refusalOf(
      handle.executeUpdate(cancelLoanUpdate, { args: [{ by: { userId: input.borrowerId, role: 'BORROWER' } }] }),
    ),
  ).toBe('WRONG_STAGE');
  await h.capture(input.loanId, 'payout-frozen-account-changed', [
    'payout-failure-and-retry',
    'payout-account-verification',
  ]);
  await h.client.workflow.getHandle(input.loanId).terminate('test done');
});

/** A worker of the given bundle on its own task queue; `sticky: false` so a later worker takes the loans over. */
async function deployWorker(codePath: string, taskQueue: string, { sticky = true } = {}) {
  const worker = await Worker.create({
    connection: h.env.nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath },
    activities: createActivities({
      config: { PUBLIC_API_URL: undefined, COMPANY_NAME: '示范小额贷款有限公司', BUSINESS_TIME_ZONE: TIME_ZONE },
      sql: h.sql,
      log: createLogger('payout-account', 'silent'),
      keyring: h.keyring,
      cipher: h.cipher,
      bank: h.bank,
      bureau: h.bureau,
      notify: h.notify,
    }),
    dataConverter: temporalDataConverter(h.keyring),
    ...(sticky ? {} : { maxCachedWorkflows: 0 }),
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}

it(
  'a loan whose payout failed before the deploy refuses a card change and a cancel, and ops can still retry it',
  { timeout: 240_000 },
  async () => {
    // The code before this feature: no patch marker, the old retry-only loop.
    const before = await bundleChangedWorkflows({
      id: 'before-payout-account-verified',
      edits: [
        {
          file: 'workflows/loan.ts',
          find: 'if (patched(PATCHES.PAYOUT_ACCOUNT_VERIFIED)) {',
          replace: 'if (false as boolean) {',
        },
      ],
    });
    const taskQueue = `payout-before-deploy-${randomUUID()}`;
    try {
      const old = await deployWorker(before.codePath, taskQueue, { sticky: false });
      const { input } = await h.seedLoan({
        loanType: 'CREDIT',
        amount: '8000.00',
        profileDigit: 1,
        cardEnding: '4444',
      });
      const handle = await startLoanWorkflow(h.client, taskQueue, input, TIME_ZONE);
      await uploadDocuments(h, handle, input.borrowerId, input.product.requiredDocuments);
      const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
      await sign(handle, input.borrowerId, offered.contract!.sha256);
      const failed = await waitForStatus(handle, 'DISBURSEMENT_FAILED');
      expect(failed.payoutAccount).toBeUndefined();
      await old.stop();

      const now = await deployWorker(inject('workflowBundlePath'), taskQueue);
      try {
        const borrower = { userId: input.borrowerId, role: 'BORROWER' as const };
        expect(await refusalOf(handle.executeUpdate(cancelLoanUpdate, { args: [{ by: borrower }] }))).toBe(
          'WRONG_STAGE',
        );
        const accountId = await giveAccount(input, makeCardNumber());
        expect(
          await refusalOf(handle.executeUpdate(changePayoutAccountUpdate, { args: [{ accountId, by: borrower }] })),
        ).toBe('WRONG_STAGE');
        // Nothing is left waiting: ops' retry is accepted and runs the old loop (the frozen card fails again).
        const ops = await h.createUser('OPS');
        await handle.executeUpdate(retryDisbursementUpdate, { args: [{ userId: ops, role: 'OPS' }] });
        const again = await waitForStatus(handle, 'DISBURSEMENT_FAILED');
        expect(again.disbursements.map((d) => d.status)).toEqual(['FAILED', 'FAILED']);
        expect(again.payoutAccount).toBeUndefined();
        await handle.terminate('test done');
      } finally {
        await now.stop();
      }
    } finally {
      before.remove();
    }
  },
);

it('a forged FAILED bank callback for a transfer the bank paid never lets the loan be cancelled', async () => {
  h.bank.holdSettlement = true;
  try {
    const { input, handle } = await signedLoan('1234');
    let attempt = (await waitForStatus(handle, 'DISBURSING')).disbursements[0];
    for (let i = 0; !attempt?.transferId && i < 200; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      attempt = (await handle.query(loanViewQuery)).disbursements[0];
    }
    const key = attempt!.idempotencyKey;
    const forged = { idempotencyKey: key, status: 'FAILED' as const, failureReason: 'ACCOUNT_FROZEN' };
    // Another transfer's id, then the right id while the bank still holds the transfer: both ignored.
    await handle.signal(bankResultSignal, { ...forged, transferId: randomUUID() });
    await handle.signal(bankResultSignal, { ...forged, transferId: attempt!.transferId! });
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await handle.query(loanViewQuery)).status).toBe('DISBURSING');
    // The bank pays; a forged FAILED arrives first: the bank's own answer wins.
    h.bank.settle(key, 'SUCCEEDED');
    await handle.signal(bankResultSignal, { ...forged, transferId: attempt!.transferId! });
    const active = await waitForStatus(handle, 'ACTIVE');
    expect(active.disbursements.map((d) => d.status)).toEqual(['SUCCEEDED']);
    expect(
      await refusalOf(
        handle.executeUpdate(cancelLoanUpdate, { args: [{ by: { userId: input.borrowerId, role: 'BORROWER' } }] }),
      ),
    ).toBe('WRONG_STAGE');
    expect(await ledgerBalance(h, input.loanId, 'LOAN_PRINCIPAL')).toBe('8000.00');
    await handle.terminate('test done');
  } finally {
    h.bank.holdSettlement = false;
  }
});
