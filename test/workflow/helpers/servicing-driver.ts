// Steps servicing tests take: repay, move the time-skipping clock to a business date, read the
// ledger and reconcile.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { instantOf } from '../../../domain/business-time.js';
import type { Money } from '../../../domain/types.js';
import { runReconciliation } from '../../../db/ledger-reads.js';
import type { RepaymentInput } from '../../../contracts/messages.js';
import { loanViewQuery, repayUpdate } from '../../../contracts/definitions.js';
import type { LoanView, RepaymentResult } from '../../../contracts/loan-view.js';
import type { RepaymentChannel } from '../../../contracts/messages.js';
import { TIME_ZONE, type WorkflowHarness } from './harness.js';
import type { LoanHandle } from './loan-driver.js';

/** Lets the time-skipping server run the workflow's timers up to `localTime` on `date` (business time zone). */
export async function skipTo(h: WorkflowHarness, date: string, localTime = '12:00'): Promise<void> {
  const target = instantOf(date, localTime, TIME_ZONE);
  const now = await h.env.currentTimeMs();
  if (target > now) await h.env.sleep(target - now);
}

export async function view(handle: LoanHandle): Promise<LoanView> {
  return handle.query(loanViewQuery);
}

export function pay(
  handle: LoanHandle,
  p: {
    paymentId: string;
    amount: Money;
    channel?: RepaymentChannel;
    receivedOn: string;
    by: { userId: string; role: RepaymentInput['recordedBy']['role'] };
  },
): Promise<RepaymentResult> {
  return handle.executeUpdate(repayUpdate, {
    args: [
      {
        paymentId: p.paymentId,
        amount: p.amount,
        channel: p.channel ?? 'ONLINE',
        receivedOn: p.receivedOn,
        recordedBy: p.by,
      },
    ],
  });
}

export async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
      return err.cause.type ?? 'UNKNOWN';
    throw err;
  }
  throw new Error('expected a refusal');
}

/** Reconciliation against the fake bank: must be clean after every test. */
export async function reconciliation(h: WorkflowHarness) {
  return runReconciliation(h.sql, h.bank);
}

export async function ledgerBalance(h: WorkflowHarness, loanId: string, account: string): Promise<string> {
  const [row] = await h.sql<{ balance: string }[]>`
    select coalesce(sum(debit - credit), 0)::numeric(16, 2)::text as balance from journal_lines where loan_id = ${loanId} and account = ${account}`;
  return row!.balance;
}
