// Every wait is bounded: disbursements paused for 10 days and a transfer left PENDING for 3 days
// cost a bounded history. Polls back off from 30 s to 30 min and origination continues as new
// while it waits on the bank, so no run grows past MAX_EVENTS_PER_RUN (plus the few events of the
// step that notices it).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_EVENTS_PER_RUN } from '../../workflows/waiting.js';
import { createWorkflowHarness, type WorkflowHarness } from './helpers/harness.js';
import { runSizes, sign, untilSleeping, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';
import { reconciliation } from './helpers/servicing-driver.js';

const DAY = 24 * 60 * 60 * 1000;
/** The bound this test holds every run to. */
const RUN_BOUND = MAX_EVENTS_PER_RUN + 50;

let h: WorkflowHarness;
beforeAll(async () => {
  h = await createWorkflowHarness();
});
afterAll(async () => {
  await h.sql`update system_flags set enabled = false where name = 'DISBURSEMENTS_PAUSED'`;
  h.bank.holdSettlement = false;
  await h?.teardown();
});

async function setPaused(paused: boolean) {
  await h.sql`
    insert into system_flags (name, enabled, reason, changed_at) values ('DISBURSEMENTS_PAUSED', ${paused}, 'holiday', now())
    on conflict (name) do update set enabled = excluded.enabled, changed_at = now()`;
}

it(
  'waits out a 10-day pause and a transfer pending for 3 days with every run under the bound',
  { timeout: 600_000 },
  async () => {
    const { input } = await h.seedLoan({ amount: '10000.00', profileDigit: 1 });
    const handle = await h.start(input);
    await uploadDocuments(h, handle, input.borrowerId, ['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']);
    const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
    await setPaused(true);
    await sign(handle, input.borrowerId, offered.contract!.sha256);
    await waitForStatus(handle, 'DISBURSING');
    await h.env.sleep(10 * DAY);
    expect(h.bank.transfers.size).toBe(0);

    h.bank.holdSettlement = true;
    await setPaused(false);
    await h.env.sleep(DAY);
    const key = `loan:${input.loanId}:disbursement`;
    expect(h.bank.transfers.get(key)?.status).toBe('PENDING');
    await h.env.sleep(3 * DAY);
    h.bank.settle(key, 'SUCCEEDED');
    h.bank.holdSettlement = false;
    await h.env.sleep(DAY);
    const active = await waitForStatus(handle, 'ACTIVE', 60_000);
    expect(active.disbursements.map((d) => d.status)).toEqual(['SUCCEEDED']);
    expect(h.bank.transferCalls).toBe(1);
    // The loan was told it is disbursing once, whatever the number of runs.
    const disbursingNotices =
      await h.sql`select 1 from loan_events where loan_id = ${input.loanId} and kind = 'STATUS_DISBURSING'`;
    expect(disbursingNotices).toHaveLength(1);

    // Walk the chain of runs back from the current one.
    const sizes = await runSizes(h.client, input.loanId);
    // The first runs are origination waiting on the bank; the last is servicing.
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    for (const size of sizes) expect(size).toBeLessThan(RUN_BOUND);
    expect((await reconciliation(h)).findings).toEqual([]);
    await untilSleeping(handle);
    await h.capture(input.loanId, 'bounded-wait', ['bounded-wait', 'continue-as-new', 'disbursement']);
  },
);
