// Overdue: charge penalty interest and the late fee, climb the product's escalation ladder (SMS,
// collector call, supervisor, legal, write-off review), keep the classification current, and
// stop when the borrower catches up — or when a risk manager approves the write-off.
import { condition, patched } from '@temporalio/workflow';
import { addDays } from '../domain/dates.js';
import { instantOf } from '../domain/business-time.js';
import { ladderOf, nextStep, STEP_WORK, stepDate, stepsDue, stepTaskKey } from '../domain/collections.js';
import { nextContactTime, withinContactHours } from '../domain/collection-queue.js';
import type { EscalationStep } from '../domain/products.js';
import {
  applyCredit,
  daysPastDueOn,
  dueNow,
  firstUnsettled,
  oldestOverdue,
  writeOff,
} from '../domain/servicing-account.js';
import { records } from './activity-proxies.js';
import { changeStatus, notifyBorrower, record } from './context.js';
import { autoDebit } from './servicing-payments.js';
import { adopt } from './servicing-records.js';
import { PATCHES } from './patches.js';
import { overdueNowOf, todayOf, type ServicingState } from './servicing-state.js';
import type { BilingualText } from '../domain/types.js';

/** Collection work happens in office hours. */
export const COLLECTIONS_TIME = '10:00';
export const DUE_TIME = '18:00';
/** While overdue, the loan's days past due are refreshed just after midnight. */
export const DAILY_TIME = '00:05';

/** Brings charges up to today (interest, fees, penalty interest, late fees) and uses any credit. */
export async function bringUpToDate(s: ServicingState): Promise<void> {
  const posting = applyCredit(s.account, todayOf(s));
  if (posting.entries.length > 0 || posting.changed.length > 0) await adopt(s, posting);
}

/** Whether an installment makes the loan overdue today, under the run's rule (grace, or none). */
function overdueNow(s: ServicingState): boolean {
  return overdueNowOf(s) !== null;
}

/** The next moment collections needs to look again: a ladder step, a due date, the grace days ending, or tomorrow. */
function nextLook(s: ServicingState, ladder: readonly EscalationStep[], stepsWaiting: boolean): number {
  const start = s.collections.episodeStart!;
  const times: number[] = [];
  if (stepsWaiting) times.push(nextContactTime(Date.now(), s.options.timeZone));
  const step = nextStep(ladder, s.collections.taken);
  if (step) times.push(instantOf(stepDate(step, start), COLLECTIONS_TIME, s.options.timeZone));
  const oldest = oldestOverdue(s.account, todayOf(s));
  if (oldest)
    times.push(
      instantOf(addDays(oldest.dueDate, s.account.penalty.graceDays + 1), COLLECTIONS_TIME, s.options.timeZone),
    );
  const upcoming = s.account.installments.find((i) => i.dueDate > todayOf(s) && i.paidOn === null);
  if (upcoming) times.push(instantOf(upcoming.dueDate, DUE_TIME, s.options.timeZone));
  // Days past due, classification and the loans list move every day while the loan is late.
  times.push(instantOf(addDays(todayOf(s), 1), DAILY_TIME, s.options.timeZone));
  return Math.min(...times.filter((t) => t > Date.now()));
}

async function takeStep(s: ServicingState, step: EscalationStep, dpd: number): Promise<void> {
  const start = s.collections.episodeStart!;
  const work = STEP_WORK[step.action];
  s.collections.taken = [...s.collections.taken, step.daysPastDue];
  const amountDue = dueNow(s.account, todayOf(s));
  if (work.task) {
    await records.openTask({
      loanId: s.input.loanId,
      kind: work.task.kind,
      taskKey: stepTaskKey(step, start),
      role: work.task.role,
      dueAt: new Date(instantOf(addDays(todayOf(s), 3), '18:00', s.options.timeZone)).toISOString(),
      detail: { daysPastDue: dpd, amountDue, step: step.action },
    });
  }
  if (work.sms) await notifyBorrower(s.ctx, work.sms, { daysPastDue: String(dpd), amountDue });
  if (step.action === 'WRITE_OFF_REVIEW') s.collections.writeOffReview = 'PENDING';
  await record(
    s.ctx,
    `COLLECTION_${step.action}`,
    {
      zh: `逾期 ${dpd} 天：${ACTION_ZH[step.action]}（应还 ${amountDue} 元）`,
      en: `${dpd} days past due: ${ACTION_EN[step.action]} (CNY ${amountDue} due)`,
    },
    { detail: { daysPastDue: dpd, action: step.action } },
  );
}

const ACTION_ZH = {
  SMS: '短信提醒',
  COLLECTOR_CALL: '催收员电话催收',
  SUPERVISOR: '升级至催收主管',
  LEGAL: '转法务或委外催收',
  WRITE_OFF_REVIEW: '提交核销审查',
} as const;
const ACTION_EN = {
  SMS: 'SMS reminder',
  COLLECTOR_CALL: 'collector call task',
  SUPERVISOR: 'escalated to the supervisor',
  LEGAL: 'legal or outsourced collection',
  WRITE_OFF_REVIEW: 'write-off review',
} as const;

export async function closeEpisode(s: ServicingState, ladder: readonly EscalationStep[]): Promise<void> {
  const start = s.collections.episodeStart!;
  for (const step of ladder.filter((x) => s.collections.taken.includes(x.daysPastDue) && STEP_WORK[x.action].task)) {
    await records.closeTask({ loanId: s.input.loanId, taskKey: stepTaskKey(step, start), status: 'DONE' });
  }
  s.collections = { episodeStart: null, taken: [], writeOffReview: 'NONE', promisedOn: null };
}

function whyOverdue(s: ServicingState): BilingualText {
  if (s.overdueRule === 'AFTER_GRACE') {
    const number = overdueNowOf(s)!.number;
    return {
      zh: `第 ${number} 期宽限期届满仍未还清`,
      en: `Installment ${number} is still unpaid after its grace days`,
    };
  }
  return {
    zh: `第 ${oldestOverdue(s.account, todayOf(s))!.number} 期未按时还款`,
    en: `Installment ${oldestOverdue(s.account, todayOf(s))!.number} was not paid on time`,
  };
}

/**
 * Runs while any installment is past due. Returns when the loan is current again ('CURED'),
 * written off ('WRITTEN_OFF') or closed by a payment ('CLOSED'), or when this run's history is
 * long enough to continue as new ('CONTINUE'; collections resume from the carried state).
 */
export async function escalateOverdue(
  s: ServicingState,
  historyFull: () => boolean,
): Promise<'CURED' | 'WRITTEN_OFF' | 'CLOSED' | 'CONTINUE'> {
  const ladder = ladderOf(s.input.product);
  s.collections.episodeStart ??= oldestOverdue(s.account, todayOf(s))!.dueDate;
  await bringUpToDate(s);
  if (s.ctx.view.status !== 'OVERDUE' && overdueNow(s)) await changeStatus(s.ctx, 'OVERDUE', { reason: whyOverdue(s) });

  for (;;) {
    if (firstUnsettled(s.account) === null) {
      answerUnappliedWriteOff(s, {
        zh: '贷款已还清，该核销决定未执行',
        en: 'The loan was repaid before this write-off decision could be applied',
      });
      return 'CLOSED';
    }
    if (!overdueNow(s)) {
      await closeEpisode(s, ladder);
      await changeStatus(s.ctx, 'ACTIVE', { reason: { zh: '逾期款项已还清', en: 'The overdue amounts are repaid' } });
      answerUnappliedWriteOff(s, {
        zh: '逾期款项已还清，该核销决定未执行',
        en: 'The overdue amounts were repaid before this write-off decision could be applied',
      });
      return 'CURED';
    }
    if (s.writeOffDecision) {
      const decision = s.writeOffDecision;
      if (decision.approve) {
        await writeOffLoan(s);
        s.writeOffDecision = null;
        return 'WRITTEN_OFF';
      }
      s.collections.writeOffReview = 'REJECTED';
      await records.closeTask({
        loanId: s.input.loanId,
        taskKey: `WRITE_OFF_REVIEW:${s.collections.episodeStart}`,
        status: 'DONE',
        closedBy: decision.by.userId,
      });
      await record(
        s.ctx,
        'WRITE_OFF_REJECTED',
        {
          zh: `核销未获批准，继续催收：${decision.comment}`,
          en: `Write-off not approved; collections continue: ${decision.comment}`,
        },
        { actor: decision.by },
      );
      s.writeOffDecision = null;
    }
    const dpd = daysPastDueOn(s.account, todayOf(s), s.overdueRule);
    let steps = stepsDue(ladder, dpd, s.collections.taken);
    const stepsWaiting = steps.length > 0 && outsideContactHours(s);
    if (stepsWaiting) steps = [];
    if (steps.length > 0) await bringUpToDate(s);
    for (const step of steps) await takeStep(s, step, dpd);
    // A decision that came in meanwhile is taken first: continuing as new would leave it unanswered.
    if (historyFull() && !(s.writeOffDecision !== null && patched(PATCHES.WRITE_OFF_DECISION_ANSWERED)))
      return 'CONTINUE';

    const version = s.version;
    const changed = () => s.version !== version || s.writeOffDecision !== null;
    const lookAt = nextLook(s, ladder, stepsWaiting);
    const opensAt = stepsWaiting ? nextContactTime(Date.now(), s.options.timeZone) : null;
    const timedOut = !(await condition(changed, Math.max(1, lookAt - Date.now())));
    // Woken only for the contact hours to open: the steps are taken above, the day's chores are done.
    if (timedOut && lookAt !== opensAt) await dailyChores(s);
  }
}

/** Steps wait for the contact hours, except on histories that took them at any hour. */
function outsideContactHours(s: ServicingState): boolean {
  return !withinContactHours(Date.now(), s.options.timeZone) && patched(PATCHES.COLLECTION_QUEUE_CONTACT_HOURS);
}

/**
 * A new day while overdue: a due date passing posts its charges and tries the card; any other
 * day only refreshes days past due and classification (penalty interest posts when the account is
 * next touched, not as a row a day).
 */
async function dailyChores(s: ServicingState): Promise<void> {
  const today = todayOf(s);
  const graceOver = (dueDate: string) => addDays(dueDate, s.account.penalty.graceDays + 1) === today;
  if (s.account.installments.some((i) => i.paidOn === null && (i.dueDate === today || graceOver(i.dueDate)))) {
    await bringUpToDate(s);
    await autoDebit(s);
  } else {
    await adopt(s, { account: s.account, entries: [], changed: [] });
  }
}

async function writeOffLoan(s: ServicingState): Promise<void> {
  const decision = s.writeOffDecision!;
  await adopt(s, writeOff(s.account, todayOf(s)));
  await records.closeOpenTasks({ loanId: s.input.loanId });
  s.closed = true;
  await changeStatus(s.ctx, 'WRITTEN_OFF', {
    actor: decision.by,
    reason: { zh: `核销已批准：${decision.comment}`, en: `Write-off approved: ${decision.comment}` },
    projection: { closed: true },
  });
}

/**
 * Answers a write-off decision that can no longer be applied (the loan was repaid or cured, or the
 * run is handing over), so its update ends with a refusal instead of waiting forever. Loans whose
 * histories predate this keep their old path.
 */
export function answerUnappliedWriteOff(s: ServicingState, reason: BilingualText): void {
  if (s.writeOffDecision === null || !patched(PATCHES.WRITE_OFF_DECISION_ANSWERED)) return;
  s.writeOffRefusal = reason;
  s.writeOffDecision = null;
}
