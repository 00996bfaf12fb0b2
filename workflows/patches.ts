// Every behaviour change to code that running loans execute is guarded by patched(<id>) with an id
// from this list (docs/operations/upgrading.md). An id is removed only through deprecatePatch, once
// no loan anywhere can still replay the old path.
export const PATCHES = {
  /** Disbursement posts the payout to the ledger. */
  POST_DISBURSEMENT_TO_LEDGER: 'post-disbursement-to-ledger',
  /** A non-retryable activity failure parks the loan in NEEDS_ATTENTION instead of failing the workflow. */
  NEEDS_ATTENTION: 'needs-attention',
  /** A disbursement retry accepted while the failed attempt is still being recorded is kept, not lost. */
  DISBURSEMENT_RETRY_KEPT: 'disbursement-retry-kept',
  /** Waits for the pause switch, a pending transfer or a pending debit back off from 30 s to 30 min. */
  BACKED_OFF_POLLS: 'backed-off-polls',
  /** Origination continues as new while it waits on the bank, so a long pause cannot outgrow a history. */
  ORIGINATION_CONTINUE_AS_NEW: 'origination-continue-as-new',
  /** A write-off decision that can no longer apply (the loan was cured or paid off) is answered, not left hanging. */
  WRITE_OFF_DECISION_ANSWERED: 'write-off-decision-answered',
  /** A withdrawal accepted just as the contract was signed is honoured before any payout starts. */
  WITHDRAWAL_BEFORE_PAYOUT: 'withdrawal-before-payout',
  /**
   * Grace is honoured: an installment unpaid within its grace days leaves the loan ACTIVE and NORMAL
   * with 0 days past due, the borrower gets a grace reminder instead of an overdue notice, and the
   * loan goes OVERDUE the day after grace with days past due counted from the due date. Decided
   * once per servicing run (workflows/servicing-state.ts `overdueRule`).
   */
  GRACE_NOT_OVERDUE: 'grace-not-overdue',
  /**
   * Grace ends at the collections hour (10:00) of the day after grace, not at 00:00: a transfer made
   * late on the last day of grace whose bank notice lands after midnight is still taken on the day
   * it was received, and no overdue notice goes out in the night.
   */
  GRACE_ENDS_AT_COLLECTIONS_HOUR: 'grace-ends-at-collections-hour',
  /** At payout the loan issues a 还款计划确认书 of the schedule its account is opened from, and tells the borrower. */
  SCHEDULE_CONFIRMATION: 'schedule-confirmation-at-payout',
  /** The APR of the requested terms is checked against the cap before intake and any bureau query; above it the loan is rejected. */
  APR_CAP_BEFORE_BUREAU: 'apr-cap-before-bureau',
  /** DTI counts the new loan's largest scheduled payment, balloons as a monthly equivalent (domain/repayment-burden.ts). */
  DTI_LARGEST_PAYMENT: 'dti-largest-payment',
  /**
   * Interest income accrues day by day (domain/interest-accrual.ts): every change servicing stores
   * posts the interest earned since the last one, and a sleeping loan wakes just after each month
   * end to post its month. Decided once per servicing run (workflows/servicing-state.ts `accrual`).
   */
  DAILY_INTEREST_ACCRUAL: 'daily-interest-accrual',
  /**
   * Refunds are paid: money a payment leaves owed back (an overpayment under REFUND, a credit left at
   * payoff) goes back through the bank to the payout account, with finance approval above the
   * product's threshold; a paid-off loan's workflow waits until every refund is PAID (workflows/refunds.ts).
   */
  REFUNDS_PAID: 'refunds-paid',
  /**
   * A finance-approved reversal of an applied repayment: the account is rebuilt without it, the
   * mirror entry posted, and a wait for a later due date wakes so an installment unpaid again is
   * chased (workflows/servicing-reversal.ts).
   */
  PAYMENT_REVERSAL: 'payment-reversal',
  /**
   * Refund decisions are checked and settled: the worker checks the decider against the database
   * (an active FINANCE user who neither recorded the payment nor retried the refund), a refused
   * decision is recorded and changes nothing, and a retry whose amount passes the loan's approval
   * threshold goes back to APPROVAL (workflows/refunds.ts).
   */
  REFUND_DECISIONS_CHECKED: 'refund-decisions-checked',
  /**
   * The payout account passes the bank's four-element check before any payout, and again when the
   * borrower gives another one; a mismatch parks the loan in PAYOUT_ACCOUNT_INVALID. A failed payout
   * opens finance and ops tasks with the bank's reason; the borrower may change the account or
   * cancel, and ops' retry pays the current verified account (workflows/payout.ts).
   */
  PAYOUT_ACCOUNT_VERIFIED: 'payout-account-verified',
  /**
   * A reversal of a payment cancels the payment's refund while it has not reached the bank (held,
   * in APPROVAL, or FAILED): CANCELLED, its tasks closed; the reversal's mirror already unwinds its
   * REFUND_PAYABLE. A reversal while that refund is at the bank is refused until the bank answers
   * (workflows/refunds.ts cancelRefundsOf, workflows/servicing-reversal.ts).
   */
  REFUND_CANCELLED_BY_REVERSAL: 'refund-cancelled-by-reversal',
  /**
   * A review decision may carry a comment for the borrower apart from the internal one; the review
   * record keeps it as `commentForBorrower`, and the borrower's view shows only that
   * (workflows/review.ts, api/borrower-loan-view.ts).
   */
  REVIEW_COMMENT_FOR_BORROWER: 'review-comment-for-borrower',
  /**
   * A signal the API did not seal for this loan (sent with the temporal CLI, a client without the
   * codec, or changed after sealing) is ignored and reported for audit instead of handled
   * (workflows/message-checks.ts). Updates need no patch: validators do not run on replay.
   */
  MESSAGE_SEALS: 'message-seals',
  /**
   * 展期 / 重组: servicing takes requests, decisions within authority and the borrower's signature on
   * the supplementary contract, and the account switches to the new schedule; the main loop's waits
   * wake when it does (workflows/servicing-restructuring.ts). Marked where a request is first taken.
   */
  LOAN_EXTENSION_RESTRUCTURING: 'loan-extension-restructuring',
  /**
   * Escalation steps that fall due outside the contact hours (08:00–21:00 local, when the day's
   * days past due move at 00:05) wait for the hours to open: no overdue SMS, collector call or
   * supervisor notice goes out at night (workflows/servicing-collections.ts, domain/collection-queue.ts).
   */
  COLLECTION_QUEUE_CONTACT_HOURS: 'collection-queue-contact-hours',
} as const;
