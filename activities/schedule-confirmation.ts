// 还款计划确认书 at payout: rendered from exactly the installments the loan's account is opened
// with, stored encrypted (it names the borrower) with the sha256 of its bytes and the schedule it
// was rendered from. Issued once per loan: a retried activity returns what was stored.
import { createHash } from 'node:crypto';
import { localDateOf } from '../domain/business-time.js';
import type { ContractInstallment } from '../domain/contract-document.js';
import { addMoney } from '../domain/money.js';
import { renderScheduleConfirmationHtml } from '../domain/schedule-confirmation-document.js';
import type { LocalDate, Money } from '../domain/types.js';
import { SCHEDULE_CONFIRMATION_CONTEXT } from '../security/encryption-contexts.js';
import type { ServicingActivities } from '../contracts/activities.js';
import type { ConfirmedInstallment } from '../contracts/loan-view.js';
import type { ActivityDeps } from './deps.js';
import { loadApplication } from './loan-records.js';

export interface ScheduleConfirmationFacts {
  loanId: string;
  companyName: string;
  borrower: { name: string; idNumber: string };
  principal: Money;
  disbursedOn: LocalDate;
  contractSha256: string | null;
  installments: ConfirmedInstallment[];
  issuedOn: LocalDate;
}

/** The document for the facts: the same facts always give the same bytes. */
export function renderScheduleConfirmation(f: ScheduleConfirmationFacts): string {
  return renderScheduleConfirmationHtml({
    confirmationNumber: `HKJH-${f.loanId}`,
    contractNumber: `HT-${f.loanId}`,
    contractSha256: f.contractSha256,
    lender: { name: f.companyName },
    borrower: f.borrower,
    amount: f.principal,
    disbursedOn: f.disbursedOn,
    issuedOn: f.issuedOn,
    schedule: f.installments.map(withTotal),
  });
}

function withTotal(i: ConfirmedInstallment): ContractInstallment {
  return { ...i, total: addMoney(addMoney(i.principal, i.interest), i.fee) };
}

export function createScheduleConfirmationActivities({
  sql,
  cipher,
  config,
}: ActivityDeps): Pick<ServicingActivities, 'issueScheduleConfirmation'> {
  return {
    async issueScheduleConfirmation({ loanId, principal, disbursedOn, contractSha256, installments, issuedAt }) {
      const stored = async () => {
        const [row] = await sql<{ sha256: string; issued_at: Date }[]>`
          select sha256, issued_at from schedule_confirmations where loan_id = ${loanId}`;
        return row ? { sha256: row.sha256, issuedAt: row.issued_at.toISOString() } : null;
      };
      const existing = await stored();
      if (existing) return existing;
      const application = await loadApplication(sql, cipher, loanId);
      const html = renderScheduleConfirmation({
        loanId,
        companyName: config.COMPANY_NAME,
        borrower: { name: application.applicant.name, idNumber: application.applicant.idNumber },
        principal,
        disbursedOn,
        contractSha256: contractSha256 ?? null,
        installments,
        issuedOn: localDateOf(Date.parse(issuedAt), config.BUSINESS_TIME_ZONE),
      });
      const sha256 = createHash('sha256').update(html, 'utf8').digest('hex');
      await sql`
        insert into schedule_confirmations (loan_id, sha256, html_enc, disbursed_on, contract_sha256, schedule, issued_at)
        values (${loanId}, ${sha256}, ${cipher.encrypt(html, SCHEDULE_CONFIRMATION_CONTEXT)}, ${disbursedOn},
                ${contractSha256 ?? null}, ${sql.json(installments as never)}, ${issuedAt})
        on conflict (loan_id) do nothing`;
      return (await stored())!;
    },
  };
}
