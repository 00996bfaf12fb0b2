// 补充协议 of an approved extension or restructuring: rendered from exactly the plan the loan's
// workflow approved, stored encrypted (it names the borrower) with the sha256 of its bytes. Issued
// once per request: a retried activity returns what was stored.
import { localDateOf } from '../domain/business-time.js';
import { renderSupplementaryContractHtml } from '../domain/supplementary-contract-document.js';
import { SUPPLEMENTARY_CONTRACT_CONTEXT } from '../security/encryption-contexts.js';
import type { ServicingActivities } from '../contracts/activities.js';
import { createHash } from 'node:crypto';
import type { ActivityDeps } from './deps.js';
import { loadApplication } from './loan-records.js';

export function createSupplementaryContractActivities({
  sql,
  cipher,
  config,
}: ActivityDeps): Pick<ServicingActivities, 'issueSupplementaryContract'> {
  return {
    async issueSupplementaryContract({ loanId, requestId, kind, annualRate, terms, issuedAt }) {
      const stored = async () => {
        const [row] = await sql<{ sha256: string; issued_at: Date }[]>`
          select sha256, issued_at from supplementary_contracts where loan_id = ${loanId} and request_id = ${requestId}`;
        return row ? { sha256: row.sha256, issuedAt: row.issued_at.toISOString() } : null;
      };
      const existing = await stored();
      if (existing) return existing;
      const application = await loadApplication(sql, cipher, loanId);
      const html = renderSupplementaryContractHtml({
        agreementNumber: `BC-${loanId}-${requestId}`,
        contractNumber: `HT-${loanId}`,
        kind,
        lender: { name: config.COMPANY_NAME },
        borrower: { name: application.applicant.name, idNumber: application.applicant.idNumber },
        issuedOn: localDateOf(Date.parse(issuedAt), config.BUSINESS_TIME_ZONE),
        effectiveOn: terms.effectiveOn,
        startsOn: terms.startsOn,
        outstandingPrincipal: terms.outstandingPrincipal,
        arrears: terms.arrears,
        currentPeriodInterest: terms.currentPeriodInterest,
        annualRate,
        apr: terms.apr,
        newMaturityDate: terms.newMaturityDate,
        installments: terms.installments,
      });
      const sha256 = createHash('sha256').update(html, 'utf8').digest('hex');
      await sql`
        insert into supplementary_contracts (loan_id, request_id, kind, sha256, html_enc, terms, issued_at)
        values (${loanId}, ${requestId}, ${kind}, ${sha256}, ${cipher.encrypt(html, SUPPLEMENTARY_CONTRACT_CONTEXT)},
                ${sql.json(terms as never)}, ${issuedAt})
        on conflict (loan_id, request_id) do nothing`;
      return (await stored())!;
    },
  };
}
