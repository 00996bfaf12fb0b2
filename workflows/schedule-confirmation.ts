// 还款计划确认书 at payout: the contract counts due dates from the actual payout date, and this
// confirms the resulting schedule to the borrower. It is rendered from the installments of the
// account servicing has just opened, so the document and the collected schedule are one.
import type { LoanAccount } from '../domain/servicing-account.js';
import { records } from './activity-proxies.js';
import { notifyBorrower, nowIso, record, type LoanContext } from './context.js';
import type { ScheduleConfirmationRecord } from '../contracts/loan-view.js';

export async function confirmSchedule(ctx: LoanContext, account: LoanAccount): Promise<ScheduleConfirmationRecord> {
  const installments = account.installments.map(({ number, dueDate, principal, interest, fee }) => ({
    number,
    dueDate,
    principal,
    interest,
    fee,
  }));
  const issued = await records.issueScheduleConfirmation({
    loanId: ctx.input.loanId,
    principal: account.terms.principal,
    disbursedOn: account.disbursedOn,
    ...(ctx.view.contract ? { contractSha256: ctx.view.contract.sha256 } : {}),
    installments,
    issuedAt: nowIso(),
  });
  const first = installments[0]!;
  const confirmation: ScheduleConfirmationRecord = {
    sha256: issued.sha256,
    disbursedOn: account.disbursedOn,
    issuedAt: issued.issuedAt,
    firstDueDate: first.dueDate,
    installmentCount: installments.length,
  };
  ctx.view.scheduleConfirmation = confirmation;
  const digest = issued.sha256.slice(0, 12);
  await record(
    ctx,
    'SCHEDULE_CONFIRMED',
    {
      zh: `已出具还款计划确认书：放款日 ${account.disbursedOn}，首期还款日 ${first.dueDate}，共 ${installments.length} 期（SHA-256 ${digest}…）`,
      en: `Repayment schedule confirmation issued: paid out ${account.disbursedOn}, first due ${first.dueDate}, ${installments.length} installments (SHA-256 ${digest}…)`,
    },
    { detail: { sha256: issued.sha256, disbursedOn: account.disbursedOn } },
  );
  await notifyBorrower(ctx, 'SCHEDULE_CONFIRMED', {
    disbursedOn: account.disbursedOn,
    firstDueDate: first.dueDate,
    installmentCount: String(installments.length),
    sha256: issued.sha256,
  });
  return confirmation;
}
