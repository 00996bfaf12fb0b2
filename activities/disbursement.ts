// Paying out (and refunds back) through the bank. The idempotency key comes from the workflow (business ids),
// so every retry of this activity asks the bank for the same single transfer.
import { ApplicationFailure } from '@temporalio/activity';
import { isPartnerError } from '../partners/http.js';
import type { BorrowerTransfer, DisbursementActivities, PendingTransfer } from '../contracts/activities.js';
import type { BankResult } from '../contracts/messages.js';
import type { ActivityDeps } from './deps.js';
import { releasePayout, reservePayout } from '../db/payout-funding.js';
import { loadApplication } from './loan-records.js';
import { freezeOfLoanBorrower } from '../db/aml-freezes.js';

export function createDisbursementActivities({
  sql,
  cipher,
  bank,
  config,
}: ActivityDeps): Omit<DisbursementActivities, 'verifyPayoutAccount'> {
  /**
   * Pays the borrower's account (the one on the application, verified before the payout).
   * `release` runs when the bank refuses for good, freeing whatever was reserved for the transfer.
   */
  async function transferToBorrower(
    { loanId, idempotencyKey, amount }: BorrowerTransfer,
    release: () => Promise<void> = async () => undefined,
  ): Promise<BankResult | PendingTransfer> {
    const application = await loadApplication(sql, cipher, loanId);
    try {
      const transfer = await bank.transfer(idempotencyKey, {
        amount,
        currency: 'CNY',
        toCard: application.bankAccount.cardNumber,
        toName: application.applicant.name,
        reference: loanId,
        ...(config.PUBLIC_API_URL ? { callbackUrl: `${config.PUBLIC_API_URL}/v1/partners/bank/callbacks` } : {}),
      });
      if (transfer.status === 'PENDING') return { transferId: transfer.transferId, idempotencyKey, status: 'PENDING' };
      if (transfer.status === 'FAILED') await release();
      return {
        transferId: transfer.transferId,
        idempotencyKey,
        status: transfer.status,
        ...(transfer.failureReason ? { failureReason: transfer.failureReason } : {}),
      };
    } catch (err) {
      if (isPartnerError(err) && !err.retryable) {
        await release();
        throw ApplicationFailure.nonRetryable(err.message, 'PartnerRejected');
      }
      throw err;
    }
  }

  return {
    async isDisbursementPaused(): Promise<boolean> {
      const [flag] = await sql<
        { enabled: boolean }[]
      >`select enabled from system_flags where name = 'DISBURSEMENTS_PAUSED'`;
      return flag?.enabled ?? false;
    },

    /**
     * Asks the bank for the transfer; its answer may already be final. First the payout is reserved
     * against the ledger's BANK balance: when BANK cannot cover it, the activity fails for good
     * (InsufficientFunds) and the loan waits in NEEDS_ATTENTION until finance records capital and
     * ops retry; nothing is asked of the bank and BANK never goes below zero. A borrower frozen by
     * an AML hit (db/aml-freezes.ts) is refused the same way (BorrowerFrozen) until it is cleared.
     */
    async startDisbursement({
      loanId,
      idempotencyKey,
      amount,
    }: BorrowerTransfer): Promise<BankResult | PendingTransfer> {
      const frozen = await freezeOfLoanBorrower(sql, loanId);
      // A transfer the bank already has (an earlier attempt sent it) has left; only a new one is held.
      if (frozen && !(await bank.findTransferByKey(idempotencyKey))) {
        await releasePayout(sql, idempotencyKey);
        throw ApplicationFailure.nonRetryable(
          `The borrower is frozen by AML review ${frozen.reviewId}; no payout until compliance clears it (POST /v1/aml/reviews/${frozen.reviewId}/clear), then ops retry`,
          'BorrowerFrozen',
        );
      }
      const funded = await reservePayout(sql, { idempotencyKey, loanId, amount, now: new Date() }, async (key) => {
        const transfer = await bank.findTransferByKey(key);
        return transfer ? transfer.status : 'UNKNOWN_TO_BANK';
      });
      if (!funded.ok)
        throw ApplicationFailure.nonRetryable(
          `BANK holds ${funded.balance} with ${funded.reserved} reserved for payouts in flight; this payout of ${funded.needed} needs capital first (POST /v1/finance/capital-injections)`,
          'InsufficientFunds',
        );
      return transferToBorrower({ loanId, idempotencyKey, amount }, () => releasePayout(sql, idempotencyKey));
    },

    /**
     * A refund goes to the same verified account the loan was paid out to, under its own key. It
     * pays back money the borrower paid in, so it reserves nothing against the payout funds.
     */
    async startRefundTransfer({
      loanId,
      idempotencyKey,
      amount,
    }: BorrowerTransfer): Promise<BankResult | PendingTransfer> {
      return transferToBorrower({ loanId, idempotencyKey, amount });
    },

    /** The bank's final answer for a transfer, or null while it is still pending. */
    async checkTransfer({ idempotencyKey }: { idempotencyKey: string }): Promise<BankResult | null> {
      const transfer = await bank.findTransferByKey(idempotencyKey);
      if (!transfer || transfer.status === 'PENDING') return null;
      if (transfer.status === 'FAILED') await releasePayout(sql, idempotencyKey);
      return {
        transferId: transfer.transferId,
        idempotencyKey,
        status: transfer.status,
        ...(transfer.failureReason ? { failureReason: transfer.failureReason } : {}),
      };
    },
  };
}
