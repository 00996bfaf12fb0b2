// BANK never goes below zero: a payout BANK cannot cover is never asked of the bank. The loan
// waits in NEEDS_ATTENTION (step startDisbursement, cause InsufficientFunds) until finance pays
// capital in and ops retry; then it pays once. Two payouts at once cannot spend the same money.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loanViewQuery, resolveAttentionUpdate } from '../../contracts/definitions.js';
import { bankBalance, recordCapitalInjection } from '../../db/ledger-books.js';
import { money } from '../../domain/money.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { sign, untilSleeping, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';
import { reconciliation } from './helpers/servicing-driver.js';

const CONSUMER_DOCS = ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT'] as const;

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness({ fundBank: false });
});
afterAll(async () => {
  await h?.teardown();
});

/** Capital finance records once the bank has received it under the injection's id. */
async function capital(id: string, amount: string) {
  h.bank.receive(id, amount);
  await recordCapitalInjection(
    h.sql,
    { injectionId: id, amount, effectiveOn: '2000-01-01', reference: 'test', recordedBy: 'finance' },
    async () => undefined,
  );
}

async function signedLoan(amount: string) {
  const { input } = await h.seedLoan({ amount, profileDigit: 1 });
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, CONSUMER_DOCS);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  return { input, handle };
}

describe('payouts BANK cannot cover', () => {
  it('park the loan without asking the bank, and pay once after capital is paid in and ops retry', async () => {
    await capital('seed', '5000.00');
    const { input, handle } = await signedLoan('10000.00');
    const parked = await waitForStatus(handle, 'NEEDS_ATTENTION', 60_000);
    expect(parked.attention).toMatchObject({ step: 'startDisbursement', resumeStatus: 'DISBURSING' });
    expect(parked.attention!.cause).toMatch(/InsufficientFunds.*BANK holds 5000\.00/);
    expect([...h.bank.transfers.keys()].filter((k) => k.includes(input.loanId))).toEqual([]);
    expect(await bankBalance(h.sql)).toBe('5000.00');

    await capital('top-up', '20000.00');
    const ops = await h.createUser('OPS');
    await handle.executeUpdate(resolveAttentionUpdate, {
      args: [{ action: 'RETRY', reason: '已注资', by: { userId: ops, role: 'OPS' } }],
    });
    const active = await waitForStatus(handle, 'ACTIVE', 60_000);
    await untilSleeping(handle, 60_000);
    expect(active.disbursements.map((d) => d.status)).toEqual(['SUCCEEDED']);
    expect([...h.bank.transfers.keys()].filter((k) => k.includes(input.loanId))).toHaveLength(1);
    const balance = money(await bankBalance(h.sql));
    expect(balance.isNeg()).toBe(false);
    expect(balance.plus(money(active.disbursements[0]!.amount)).toFixed(2)).toBe('25000.00');
    const provisions = await h.sql<{ business_key: string }[]>`
      select business_key from journal_entries where loan_id = ${input.loanId} and kind = 'PROVISION'`;
    expect(provisions.map((p) => p.business_key)).toEqual([`loan:${input.loanId}:provision:1`]);
    expect((await reconciliation(h)).findings).toEqual([]);
  });

  it('two payouts at once against money for one: one pays, the other waits for capital', async () => {
    const before = money(await bankBalance(h.sql));
    // Room for one 10,000 payout and not two.
    if (before.lt(12000)) await capital('room-for-one', money('12000.00').minus(before).toFixed(2));
    expect(money(await bankBalance(h.sql)).lt(19000)).toBe(true);
    const loans = await Promise.all([signedLoan('10000.00'), signedLoan('10000.00')]);
    const statuses = await Promise.all(
      loans.map(async ({ handle }) => {
        for (let i = 0; i < 120; i += 1) {
          const { status } = await handle.query(loanViewQuery);
          if (status === 'ACTIVE' || status === 'NEEDS_ATTENTION') return status;
          await new Promise((r) => setTimeout(r, 500));
        }
        return 'TIMEOUT';
      }),
    );
    expect(statuses.sort()).toEqual(['ACTIVE', 'NEEDS_ATTENTION']);
    expect(money(await bankBalance(h.sql)).isNeg()).toBe(false);
    for (const { handle } of loans) await handle.terminate('test over');
  });
});
