// The bank's four-element check (四要素: name, ID number, card, reserved phone) of a loan's payout account.
import { ApplicationFailure } from '@temporalio/activity';
import { isPartnerError } from '../partners/http.js';
import type { DisbursementActivities, PayoutAccountCheck } from '../contracts/activities.js';
import type { ActivityDeps } from './deps.js';
import { loadPayoutAccount, settlePayoutAccount } from '../db/payout-accounts.js';
import { loadApplication } from './loan-records.js';

export function createPayoutAccountActivities({
  sql,
  cipher,
  bank,
}: ActivityDeps): Pick<DisbursementActivities, 'verifyPayoutAccount'> {
  return {
    /**
     * Four-element check (name, ID number, card, reserved phone). Without `accountId` it checks the
     * application's account; with it, the account the borrower gave, which becomes the application's
     * when the bank matches it. Only the answer leaves the activity, never the account.
     */
    async verifyPayoutAccount({
      loanId,
      accountId,
    }: {
      loanId: string;
      accountId?: string;
    }): Promise<PayoutAccountCheck> {
      const askBank = (request: Parameters<typeof bank.verifyAccount>[0]) =>
        bank.verifyAccount(request).catch((err: unknown) => {
          if (isPartnerError(err) && !err.retryable)
            throw ApplicationFailure.nonRetryable(err.message, 'PartnerRejected');
          throw err;
        });
      const application = await loadApplication(sql, cipher, loanId);
      const person = { name: application.applicant.name, idNumber: application.applicant.idNumber };
      if (!accountId) {
        const account = application.bankAccount;
        const answer = await askBank({
          ...person,
          cardNumber: account.cardNumber,
          phone: account.reservedPhone ?? application.applicant.phone,
        });
        return { match: answer.match, mismatched: answer.mismatched };
      }
      const stored = await loadPayoutAccount(sql, cipher, loanId, accountId);
      if (!stored)
        throw ApplicationFailure.nonRetryable(
          `Payout account ${accountId} is not one of loan ${loanId}`,
          'LoanMissing',
        );
      if (stored.status !== 'PENDING') return { match: stored.status === 'VERIFIED', mismatched: stored.mismatched };
      const answer = await askBank({
        ...person,
        cardNumber: stored.account.cardNumber,
        phone: stored.account.reservedPhone,
      });
      await settlePayoutAccount(sql, cipher, stored, answer);
      return { match: answer.match, mismatched: answer.mismatched };
    },
  };
}
