// The signed schedule is the collected schedule: the contract counts due dates from the actual
// payout date, and at payout the loan issues a 还款计划确认书 with the final dates and amounts. With
// the payout five days after the contract, every installment is collected on the date and for the
// amount that document states, and on no date the borrower was not given.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { renderScheduleConfirmation } from '../../activities/schedule-confirmation.js';
import { localDateOf } from '../../domain/business-time.js';
import { addDays } from '../../domain/dates.js';
import { addMoney } from '../../domain/money.js';
import { SCHEDULE_CONFIRMATION_CONTEXT } from '../../security/encryption-contexts.js';
import type { ConfirmedInstallment } from '../../contracts/loan-view.js';
import { createWorkflowHarness, TIME_ZONE, type WorkflowHarness } from './helpers/harness.js';
import { sign, uploadDocuments, waitForStatus } from './helpers/loan-driver.js';
import { loanViewQuery } from '../../contracts/definitions.js';
import { reconciliation } from './helpers/servicing-driver.js';

const DAY_MS = 86_400_000;

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

interface ScheduleRow {
  number: number;
  dueDate: string;
  principal: string;
  interest: string;
  fee: string;
  total: string;
}

/** The rows of the document's schedule table, as printed (thousands separators removed). */
function tableRows(html: string): ScheduleRow[] {
  const cell = '<td class="num">([\\d,.-]+)</td>';
  const row = new RegExp(
    `<tr><td class="num">(\\d+)</td><td>(\\d{4}-\\d{2}-\\d{2})</td>${cell}${cell}${cell}${cell}</tr>`,
    'g',
  );
  const plain = (s: string) => s.replaceAll(',', '');
  return [...html.matchAll(row)].map((m) => ({
    number: Number(m[1]),
    dueDate: m[2]!,
    principal: plain(m[3]!),
    interest: plain(m[4]!),
    fee: plain(m[5]!),
    total: plain(m[6]!),
  }));
}

/** The loan's stored confirmation row, and its body decrypted. */
async function storedConfirmation(loanId: string) {
  const [stored] = await h.sql<
    {
      sha256: string;
      html_enc: string;
      disbursed_on: string;
      contract_sha256: string;
      schedule: ConfirmedInstallment[];
      issued_at: Date;
    }[]
  >`select sha256, html_enc, disbursed_on::text, contract_sha256, schedule, issued_at from schedule_confirmations where loan_id = ${loanId}`;
  return { stored, html: h.cipher.decrypt(stored!.html_enc, SCHEDULE_CONFIRMATION_CONTEXT) };
}

it('collects exactly the schedule of the 还款计划确认书 when the payout comes five days after the contract', async () => {
  const { input, application } = await h.seedLoan({ amount: '9000.00', termCount: 3, profileDigit: 1 });
  const loanId = input.loanId;
  const handle = await h.start(input);
  await uploadDocuments(h, handle, input.borrowerId, input.product.requiredDocuments);
  const offered = await waitForStatus(handle, 'AWAITING_SIGNATURE');
  const contractDate = localDateOf(Date.parse(offered.contract!.generatedAt), TIME_ZONE);
  const indicative = offered.offer!.installments;

  // The borrower signs on the fifth day; the bank pays out the same day.
  await h.env.sleep(5 * DAY_MS);
  await sign(handle, input.borrowerId, offered.contract!.sha256);
  // The payout polls the bank on timers: advance the test server's clock until the loan is active,
  // rather than wait on the wall clock.
  let active = await handle.query(loanViewQuery);
  for (let minute = 0; active.status !== 'ACTIVE' && minute < 120; minute++) {
    await h.env.sleep(60_000);
    active = await handle.query(loanViewQuery);
  }
  expect(active.status).toBe('ACTIVE');
  const disbursedOn = active.disbursements.find((d) => d.status === 'SUCCEEDED')!.disbursedOn!;
  expect(disbursedOn).toBe(addDays(contractDate, 5));

  // The stored document: its sha256 is of its bytes, the loan lists it, and it was rendered from
  // exactly the stored schedule and the loan's facts.
  const { stored, html } = await storedConfirmation(loanId);
  expect(createHash('sha256').update(html, 'utf8').digest('hex')).toBe(stored!.sha256);
  expect(active.scheduleConfirmation).toEqual({
    sha256: stored!.sha256,
    disbursedOn,
    issuedAt: stored!.issued_at.toISOString(),
    firstDueDate: stored!.schedule[0]!.dueDate,
    installmentCount: 3,
  });
  expect(stored!.disbursed_on).toBe(disbursedOn);
  expect(stored!.contract_sha256).toBe(offered.contract!.sha256);
  expect(
    renderScheduleConfirmation({
      loanId,
      companyName: '示范小额贷款有限公司',
      borrower: { name: application.applicant.name, idNumber: application.applicant.idNumber },
      principal: '9000.00',
      disbursedOn,
      contractSha256: offered.contract!.sha256,
      installments: stored!.schedule,
      issuedOn: disbursedOn,
    }),
  ).toBe(html);
  expect(html).toContain(`<strong class="disbursed-on">${disbursedOn}</strong>`);

  // What the document shows is the stored schedule, row for row.
  const confirmed = tableRows(html);
  expect(confirmed).toEqual(
    stored!.schedule.map((i) => ({ ...i, total: addMoney(addMoney(i.principal, i.interest), i.fee) })),
  );
  expect(confirmed.map((r) => r.number)).toEqual([1, 2, 3]);
  // The contract's rule: dates count from the payout, the amounts are the contract's.
  expect(confirmed.map((r) => r.dueDate)).not.toEqual(indicative.map((i) => i.dueDate));
  expect(confirmed.map(({ principal, interest, fee, total }) => ({ principal, interest, fee, total }))).toEqual(
    indicative.map(({ principal, interest, fee, total }) => ({ principal, interest, fee, total })),
  );

  // The servicing account's schedule (as projected) is the confirmed one.
  const installments = await h.sql<ScheduleRow[]>`
    select number, due_date::text as "dueDate", principal, interest, fee,
           (principal + interest + fee)::numeric(14,2)::text as total
    from installments where loan_id = ${loanId} order by number`;
  expect(installments).toEqual(confirmed);

  // The borrower is told, with the document's digest.
  const notice = h.notify.sent.find((m) => m.params.loanId === loanId && m.template === 'SCHEDULE_CONFIRMED');
  expect(notice?.params).toMatchObject({ disbursedOn, firstDueDate: confirmed[0]!.dueDate, sha256: stored!.sha256 });

  // Collected: each installment by auto-debit on its confirmed due date, for its confirmed total.
  const done = await handle.result();
  expect(done.status).toBe('PAID_OFF');
  const collected = await h.sql<{ received_on: string; amount: string }[]>`
    select received_on::text, amount from repayments where loan_id = ${loanId} order by received_on`;
  expect(collected).toEqual(confirmed.map((r) => ({ received_on: r.dueDate, amount: r.total })));
  await h.capture(loanId, 'payout-late-schedule-confirmed', ['auto-approval', 'disbursement', 'on-time-payment']);
});
