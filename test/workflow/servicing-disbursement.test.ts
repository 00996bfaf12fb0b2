// The payout's money side: the upfront fee kept back and earned, a failed transfer retried by ops
// under a new key (the failed one can never pay), and the ledger agreeing with the bank.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { retryDisbursementUpdate } from '../../contracts/definitions.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { sign, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';
import { ledgerBalance, reconciliation, refusal, view } from './helpers/servicing-driver.js';

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterEach(async () => {
  h.bank.holdSettlement = false;
  expect((await reconciliation(h)).findings).toEqual([]);
});
afterAll(async () => {
  await h?.teardown();
});

it('keeps the upfront fee back from a failed-then-retried payout and pays exactly once', async () => {
  const { input } = await h.seedLoan({ loanType: 'CREDIT', amount: '8000.00', profileDigit: 1 });
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, input.product.requiredDocuments);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  expect(offered.offer).toMatchObject({ upfrontFee: '100.00', netDisbursement: '7900.00' });

  h.bank.holdSettlement = true;
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  const first = `loan:${input.loanId}:disbursement`;
  await waitForStatus(handle, 'DISBURSING');
  const deadline = Date.now() + 10_000;
  while (!h.bank.transfers.has(first) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  h.bank.settle(first, 'FAILED', 'ACCOUNT_FROZEN');
  await h.env.sleep(60_000);
  const failed = await waitForStatus(handle, 'DISBURSEMENT_FAILED');
  expect(failed.disbursements.map((d) => d.status)).toEqual(['FAILED']);
  expect(await ledgerBalance(h, input.loanId, 'LOAN_PRINCIPAL')).toBe('0.00');

  const ops = await h.createUser('OPS');
  expect(
    await refusal(
      handle.executeUpdate(retryDisbursementUpdate, { args: [{ userId: input.borrowerId, role: 'BORROWER' }] }),
    ),
  ).toBe('FORBIDDEN');
  h.bank.holdSettlement = false;
  await handle.executeUpdate(retryDisbursementUpdate, { args: [{ userId: ops, role: 'OPS' }] });
  await h.env.sleep(60_000);
  const active = await waitForStatus(handle, 'ACTIVE');
  expect(active.disbursements.map((d) => `${d.idempotencyKey}:${d.status}`)).toEqual([
    `${first}:FAILED`,
    `loan:${input.loanId}:disbursement:retry-1:SUCCEEDED`,
  ]);
  expect(await refusal(handle.executeUpdate(retryDisbursementUpdate, { args: [{ userId: ops, role: 'OPS' }] }))).toBe(
    'WRONG_STAGE',
  );

  const paid = [...h.bank.transfers.values()].filter(
    (t) => t.idempotencyKey.startsWith(`loan:${input.loanId}:`) && t.status === 'SUCCEEDED',
  );
  expect(paid.map((t) => t.amount)).toEqual(['7900.00']);
  const [entry] = await h.sql<{ business_key: string; external_ref: string }[]>`
    select business_key, external_ref from journal_entries where loan_id = ${input.loanId} and kind = 'DISBURSEMENT'`;
  expect(entry).toEqual({
    business_key: `loan:${input.loanId}:disbursement`,
    external_ref: `loan:${input.loanId}:disbursement:retry-1`,
  });
  expect(await ledgerBalance(h, input.loanId, 'LOAN_PRINCIPAL')).toBe('8000.00');
  expect(await ledgerBalance(h, input.loanId, 'BANK')).toBe('-7900.00');
  expect(await ledgerBalance(h, input.loanId, 'FEE_INCOME')).toBe('-100.00');
  // Interest runs on the whole principal from the day of the successful payout.
  expect((await view(handle)).servicing).toMatchObject({
    principal: '8000.00',
    disbursedOn: active.disbursements[1]!.disbursedOn,
  });
  await h.capture(input.loanId, 'payout-failure-retry', ['disbursement', 'payout-failure-and-retry']);
  await h.client.workflow.getHandle(input.loanId).terminate('test done');
});

it('keeps the ledger append-only and balanced in the database itself', async () => {
  const [entry] = await h.sql<{ id: string }[]>`select id from journal_entries order by id limit 1`;
  expect(entry).toBeDefined();
  await expect(
    h.sql`update journal_lines set debit = debit + 1 where entry_id = ${entry!.id} and debit > 0`,
  ).rejects.toThrow(/append-only/);
  await expect(h.sql`delete from journal_lines where entry_id = ${entry!.id}`).rejects.toThrow(/append-only/);
  await expect(h.sql`update journal_entries set memo = 'edited' where id = ${entry!.id}`).rejects.toThrow(
    /append-only/,
  );
  await expect(h.sql`truncate journal_entries cascade`).rejects.toThrow(/append-only/);
  const [loan] = await h.sql<{ id: string }[]>`select id from loans limit 1`;
  await expect(
    h.sql.begin(async (tx) => {
      const [e] = await tx<{ id: string }[]>`
        insert into journal_entries (business_key, loan_id, kind, effective_on, memo) values ('test:unbalanced', ${loan!.id}, 'INTEREST', '2026-01-01', 'x') returning id`;
      await tx`insert into journal_lines (entry_id, line_no, account, loan_id, debit) values (${e!.id}, 1, 'INTEREST_RECEIVABLE', ${loan!.id}, 10)`;
      await tx`insert into journal_lines (entry_id, line_no, account, loan_id, credit) values (${e!.id}, 2, 'INTEREST_INCOME', ${loan!.id}, 9.99)`;
    }),
  ).rejects.toThrow(/does not balance/);
  const [none] = await h.sql<
    { n: number }[]
  >`select count(*)::int as n from journal_entries where business_key = 'test:unbalanced'`;
  expect(none!.n).toBe(0);
});
