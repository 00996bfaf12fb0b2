// Loans taken to a stage through the public API, the way people would: shared by test files that
// need a loan with an offer, a contract or a payout rather than testing the journey itself.
import { randomUUID } from 'node:crypto';
import type { ApiClient } from './api-client.js';
import { type Borrower, type PayoffQuote, type Session } from './api-client.js';
import { repayOnline } from './online-payments.js';

export interface OfferedLoan {
  borrower: Borrower;
  session: Session;
  loanId: string;
}

/** Applied, documents uploaded, assessed, reviewed when the policy asks for people: AWAITING_SIGNATURE. */
export async function loanAwaitingSignature(
  api: ApiClient,
  options: { name?: string; amount?: string } = {},
): Promise<OfferedLoan> {
  const borrower = await api.registerBorrower({ name: options.name });
  const session = await api.login(borrower.phone, borrower.password);
  const { loanId, requiredDocuments } = await api.applyForLoan(session.token, borrower, {
    amount: options.amount ?? '8000.00',
  });
  await api.uploadRequiredDocuments(session.token, loanId, requiredDocuments);
  const assessed = await api.waitForLoanStatus(
    session.token,
    loanId,
    ['INITIAL_REVIEW', 'AWAITING_SIGNATURE', 'REJECTED'],
    120_000,
  );
  if (assessed.status === 'REJECTED') throw new Error(`loan ${loanId} was declined by the assessment`);
  if (assessed.status === 'INITIAL_REVIEW') {
    const [initial, final] = await Promise.all([api.login('initial_reviewer'), api.login('final_reviewer')]);
    await api.call('POST', `/v1/loans/${loanId}/reviews`, {
      token: initial.token,
      body: { stage: 'INITIAL', decision: 'APPROVE', comment: '资料齐全' },
    });
    await api.waitForLoanStatus(session.token, loanId, 'FINAL_REVIEW');
    await api.call('POST', `/v1/loans/${loanId}/reviews`, {
      token: final.token,
      body: { stage: 'FINAL', decision: 'APPROVE', comment: '同意' },
    });
  }
  await api.waitForLoanStatus(session.token, loanId, 'AWAITING_SIGNATURE', 60_000);
  return { borrower, session, loanId };
}

/** Signed and paid out by the bank: ACTIVE, with the disbursement in the ledger. */
export async function disbursedLoan(
  api: ApiClient,
  options: { name?: string; amount?: string } = {},
): Promise<OfferedLoan> {
  const offered = await loanAwaitingSignature(api, options);
  await api.signContract(offered.session.token, offered.loanId);
  await api.waitForLoanStatus(offered.session.token, offered.loanId, 'ACTIVE', 120_000);
  return offered;
}

/** The borrower pays online today's payoff quote, the amount that closes the loan. */
export async function payOffToday(
  api: ApiClient,
  token: string,
  loanId: string,
): Promise<{ quote: PayoffQuote; status: string; toRefund: string }> {
  const quote = await api.payoff(token, loanId);
  const paid = await repayOnline(api, token, loanId, { amount: quote.amount, paymentId: `payoff-${randomUUID()}` });
  const result = paid.result as { status: string; allocation: { toRefund: string } };
  return { quote, status: result.status, toRefund: result.allocation.toRefund };
}
