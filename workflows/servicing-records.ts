// Storing what servicing decided: each account change goes to the database (ledger entries, the
// schedule rows that changed, the loans projection) in the order it happened.
import {
  classificationUnder,
  daysPastDueOn,
  firstUnsettled,
  outstandingPrincipal,
  type Posting,
} from '../domain/servicing-account.js';
import { withAccrual } from '../domain/interest-accrual.js';
import type { ServicingChange } from '../contracts/activities.js';
import { records } from './activity-proxies.js';
import { todayOf, type ServicingState } from './servicing-state.js';
import { viewHandover } from './view-projection.js';

/** Runs `work` after every earlier write of this loan has finished, so projections never go back in time. */
function inOrder<T>(s: ServicingState, work: () => Promise<T>): Promise<T> {
  const run = s.writes.then(work);
  s.writes = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/** Takes the new account as the loan's state now, and stores the change. */
export function adopt(
  s: ServicingState,
  posting: Posting,
  repayment?: ServicingChange['repayment'],
  reversedPaymentId?: string,
): Promise<void> {
  const today = todayOf(s);
  let entries = posting.entries;
  if (s.accrual) {
    // Interest earned since the last change, and the change's interest drawn from what accrued.
    const accrued = withAccrual({ before: s.account, after: posting.account, entries }, s.accrual, today);
    s.accrual = accrued.state;
    entries = accrued.entries;
  }
  s.account = posting.account;
  s.version += 1;
  const dpd = daysPastDueOn(s.account, today, s.overdueRule);
  s.maxDaysPastDue = Math.max(s.maxDaysPastDue, dpd);
  // Charges are posted through today: a payment dated earlier can no longer be applied correctly.
  if (posting.entries.length > 0 && today > s.accruedThrough) s.accruedThrough = today;
  const byNumber = new Set(posting.changed);
  const change: ServicingChange = {
    loanId: s.account.loanId,
    entries,
    ...(repayment ? { repayment } : {}),
    ...(reversedPaymentId ? { reversedPaymentId } : {}),
    installments: s.account.installments.filter((i) => byNumber.has(i.number)),
    installmentCount: s.account.installments.length,
    projection: {
      daysPastDue: dpd,
      maxDaysPastDue: s.maxDaysPastDue,
      classification: classificationUnder(s.account, today, s.overdueRule),
      outstandingPrincipal: outstandingPrincipal(s.account),
      nextDueDate: s.account.writtenOffOn ? null : (firstUnsettled(s.account)?.dueDate ?? null),
    },
    ...viewHandover(s.ctx),
  };
  return inOrder(s, () => records.recordServicing(change));
}
