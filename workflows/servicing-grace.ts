// Grace (宽限期): an installment still unpaid after its due date is not overdue until its grace days
// have passed (the contract: 宽限期内还清的，不计罚息和滞纳金，不视为逾期). Meanwhile the loan stays
// ACTIVE and NORMAL with 0 days past due, and the borrower is reminded on the last day of grace in
// words that do not call it overdue. The day after grace, collections take over (servicing-collections.ts)
// with days past due counted from the due date. Runs only under PATCHES.GRACE_NOT_OVERDUE.
import { condition, patched } from '@temporalio/workflow';
import { instantOf } from '../domain/business-time.js';
import { graceEndsOn, ladderOf, overdueFrom } from '../domain/collections.js';
import { amountOwed, installmentInGrace } from '../domain/servicing-account.js';
import { changeStatus, notifyBorrower, record } from './context.js';
import { bringUpToDate, closeEpisode, COLLECTIONS_TIME, DUE_TIME } from './servicing-collections.js';
import { PATCHES } from './patches.js';
import { autoDebit } from './servicing-payments.js';
import { adopt } from './servicing-records.js';
import { todayOf, type ServicingState } from './servicing-state.js';

/** The grace reminder goes out at the same hour as the reminders before a due date. */
export const GRACE_REMINDER_TIME = '09:00';

/**
 * Waits while the oldest unpaid installment is within grace: until it is paid, the loan closes, or
 * grace ends. A later installment falling due meanwhile is charged and debited as on any due date.
 */
export async function waitOutGrace(s: ServicingState): Promise<void> {
  const first = installmentInGrace(s.account, todayOf(s))!;
  const lastDay = graceEndsOn(first.dueDate, s.account.penalty.graceDays);
  if (s.collections.episodeStart !== null) {
    // An episode carried from a run that counted grace as overdue: within grace it is none.
    await closeEpisode(s, ladderOf(s.input.product));
    await changeStatus(s.ctx, 'ACTIVE', {
      reason: { zh: `宽限期至 ${lastDay}，宽限期内不视为逾期`, en: `Within grace until ${lastDay}: not overdue` },
    });
  } else {
    // The loans list and the detail show the grace, not yesterday's figures.
    await adopt(s, { account: s.account, entries: [], changed: [] });
  }
  const reminderAt = instantOf(lastDay, GRACE_REMINDER_TIME, s.options.timeZone);
  // At the collections hour, so that a bank notice of money received late on the last day of grace,
  // landing after midnight, is still taken on that day (nothing is posted for the new day before).
  const graceOverTime = patched(PATCHES.GRACE_ENDS_AT_COLLECTIONS_HOUR) ? COLLECTIONS_TIME : '00:00';
  const graceOver = instantOf(
    overdueFrom(first.dueDate, s.account.penalty.graceDays),
    graceOverTime,
    s.options.timeZone,
  );
  let reminded = reminderAt <= Date.now();

  for (;;) {
    if (s.closed || installmentInGrace(s.account, todayOf(s))?.number !== first.number) return;
    const nextDue = s.account.installments.find((i) => i.dueDate > todayOf(s) && i.paidOn === null);
    const nextDueAt = nextDue ? instantOf(nextDue.dueDate, DUE_TIME, s.options.timeZone) : Infinity;
    const wakeAt = Math.min(reminded ? Infinity : reminderAt, graceOver, nextDueAt);
    const version = s.version;
    const changed = await condition(() => s.version !== version || s.closed, Math.max(1, wakeAt - Date.now()));
    if (changed || Date.now() < wakeAt) continue;
    if (!reminded && Date.now() >= reminderAt) {
      reminded = true;
      await remindLastDayOfGrace(s, first.number, first.dueDate, lastDay);
    } else if (Date.now() >= nextDueAt) {
      await bringUpToDate(s);
      await autoDebit(s);
    }
  }
}

async function remindLastDayOfGrace(s: ServicingState, number: number, dueDate: string, lastDay: string) {
  const amount = amountOwed(s.account, number, todayOf(s));
  await notifyBorrower(s.ctx, 'GRACE_REMINDER', {
    installment: String(number),
    dueDate,
    graceEndsOn: lastDay,
    amount,
  });
  await record(
    s.ctx,
    'GRACE_REMINDER',
    {
      zh: `第 ${number} 期（${dueDate} 到期）宽限期今日届满：今日内还清 ${amount} 元不计罚息，不视为逾期`,
      en: `Installment ${number} (due ${dueDate}): grace ends today; CNY ${amount} paid today costs nothing more and is not overdue`,
    },
    { detail: { installment: number, graceEndsOn: lastDay, amount } },
  );
}
