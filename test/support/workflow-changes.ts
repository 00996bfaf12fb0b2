// Behaviour changes a developer might make to each phase of the loan workflow, written as edits of
// the sources (test/support/mutant-bundle.ts applies them to a copy). Each one adds a command
// (an activity or a timer) that loans already past that point never issued: unguarded, it breaks
// them; guarded by patched(), it reaches only the loans that get there after the deploy.
import type { RecordedLoan } from './history-corpus.js';
import { guarded, patchedImport, registerPatch, type SourceEdit, type WorkflowCodeChange } from './mutant-bundle.js';

export interface PhaseChange {
  phase: string;
  /** What the change does, as its author would describe it. */
  description: string;
  /** Whether a recorded loan went through the code this change edits. */
  covers: (loan: RecordedLoan) => boolean;
  /** The edits; with a patch id, the new behaviour runs only under `patched(patchId)`. */
  edits: (patchId?: string) => SourceEdit[];
}

/** The change as a deploy would ship it: unguarded, or guarded by `patched()` with its id registered. */
export function asCodeChange(change: PhaseChange, patchId?: string): WorkflowCodeChange {
  return {
    id: `${change.phase}${patchId ? '-patched' : ''}`,
    edits: [...(patchId ? [registerPatch(patchId)] : []), ...change.edits(patchId)],
  };
}

/** Imports a change needs, under names of their own so they cannot clash with the file's. */
function imports(file: string, patchId: string | undefined, names?: string): SourceEdit[] {
  return [...(names ? [{ file, prepend: names }] : []), ...(patchId ? [patchedImport(file)] : [])];
}

const INTAKE = 'workflows/intake.ts';
const ASSESSMENT = 'workflows/assessment.ts';
const CONTRACT = 'workflows/contract.ts';
const DISBURSEMENT = 'workflows/disbursement.ts';
const SERVICING = 'workflows/servicing.ts';
const COLLECTIONS = 'workflows/servicing-collections.ts';
const PAYMENTS = 'workflows/servicing-payments.ts';
const REVIEW = 'workflows/review.ts';
const LOAN = 'workflows/loan.ts';
const ATTENTION = 'workflows/attention.ts';
const GRACE = 'workflows/servicing-grace.ts';
const CONTEXT_IMPORTS = "import { notifyBorrower as notifyForChange, record as recordForChange } from './context.js';";

/**
 * One more SMS reminder on the due date's morning (08:00 local time), after the product's
 * reminders and before the 18:00 collection. The deploy drill ships this as its v2.
 */
export const extraDueDayReminder: PhaseChange = {
  phase: 'servicing-reminders',
  description: 'one more reminder on the morning of the due date',
  covers: (loan) => loan.statuses.includes('ACTIVE') && loan.activities.has('startDebit'),
  edits: (patchId) => [
    ...imports(SERVICING, patchId),
    {
      file: SERVICING,
      find: `async function collectInstallment(s: ServicingState, number: number, wake: () => boolean): Promise<void> {
  const due = installment(s, number);
  if (!due) return;
`,
      replace: `async function collectInstallment(s: ServicingState, number: number, wake: () => boolean): Promise<void> {
  const due = installment(s, number);
  if (!due) return;
${guarded(
  `  const morning = instantOf(due.dueDate, '08:00', s.options.timeZone);
  if (morning > Date.now()) {
    if (await sleepUntil(morning, wake)) return;
    await notifyBorrower(s.ctx, 'REPAYMENT_DUE_TODAY', {
      installment: String(number),
      dueDate: due.dueDate,
      amount: amountOwed(s.account, number, todayOf(s)),
      autoDebit: s.autoDebit ? 'Y' : 'N',
    });
  }`,
  patchId,
)}
`,
    },
  ],
};

/**
 * One change per phase of the loan. The replay test requires a recorded loan that went through the
 * phase to catch the change; a row whose phase no recorded loan covers yet is reported as skipped.
 * A new phase, or a new branch of one, gets a row here and a history in the corpus.
 */
export const PHASE_CHANGES: PhaseChange[] = [
  {
    phase: 'intake',
    description: 'tell the borrower when every required document is in',
    covers: (loan) => loan.activities.has('listDocuments'),
    edits: (patchId) => [
      ...imports(INTAKE, patchId, CONTEXT_IMPORTS),
      {
        file: INTAKE,
        find: `  if (ctx.view.missingDocuments.length === 0) return 'COMPLETE';\n`,
        replace: `  if (ctx.view.missingDocuments.length === 0) {
${guarded(`    await notifyForChange(ctx, 'DOCUMENTS_COMPLETE', {});`, patchId)}
    return 'COMPLETE';
  }
`,
      },
    ],
  },
  {
    phase: 'document-reminders',
    description: 'one more reminder for missing documents, the day before the deadline',
    covers: (loan) => loan.statuses.includes('AWAITING_DOCUMENTS'),
    edits: (patchId) => [
      ...imports(INTAKE, patchId),
      {
        file: INTAKE,
        find: `  const reminders = [Date.now(), Date.now() + (deadline - Date.now()) / 2];\n`,
        replace: `  const reminders = [Date.now(), Date.now() + (deadline - Date.now()) / 2];
${guarded(`  reminders.push(deadline - DAY_MS);`, patchId)}
`,
      },
    ],
  },
  {
    phase: 'review',
    description: "tell the borrower each reviewer's decision",
    covers: (loan) => loan.statuses.includes('INITIAL_REVIEW'),
    edits: (patchId) => [
      ...imports(REVIEW, patchId, CONTEXT_IMPORTS),
      {
        file: REVIEW,
        find: `  await records.closeTask({ loanId: ctx.view.loanId, taskKey, status: 'DONE', closedBy: review.reviewer.userId });\n`,
        replace: `  await records.closeTask({ loanId: ctx.view.loanId, taskKey, status: 'DONE', closedBy: review.reviewer.userId });
${guarded(`  await notifyForChange(ctx, 'REVIEW_DECIDED', { stage, decision: review.decision });`, patchId)}
`,
      },
    ],
  },
  {
    phase: 'assessment',
    description: 'give the bureau a minute before the credit lookups',
    covers: (loan) => loan.statuses.includes('ASSESSING'),
    edits: (patchId) => [
      ...imports(ASSESSMENT, patchId, "import { sleep as sleepForChange } from '@temporalio/workflow';"),
      {
        file: ASSESSMENT,
        find: `  const facts = await records.loadApplicationFacts(loanId);\n`,
        replace: `${guarded(`  await sleepForChange('1 minute');`, patchId)}
  const facts = await records.loadApplicationFacts(loanId);
`,
      },
    ],
  },
  {
    phase: 'contract',
    description: 'send the borrower a copy of the signed contract',
    covers: (loan) => loan.updates.has('signContract'),
    edits: (patchId) => [
      ...imports(CONTRACT, patchId, CONTEXT_IMPORTS),
      {
        file: CONTRACT,
        find: `  return 'SIGNED';\n`,
        replace: `${guarded(`  await notifyForChange(ctx, 'CONTRACT_COPY', { sha256: ctx.view.contract!.sha256 });`, patchId)}
  return 'SIGNED';
`,
      },
    ],
  },
  {
    phase: 'disbursement',
    description: 'note the payout request on the timeline before calling the bank',
    covers: (loan) => loan.statuses.includes('DISBURSING'),
    edits: (patchId) => [
      ...imports(DISBURSEMENT, patchId, CONTEXT_IMPORTS),
      {
        file: DISBURSEMENT,
        find: `  const started = await partners.startDisbursement(`,
        replace: `${guarded(`  await recordForChange(ctx, 'DISBURSEMENT_REQUESTED', { zh: '已向银行发起放款', en: 'Payout requested from the bank' });`, patchId)}
  const started = await partners.startDisbursement(`,
      },
    ],
  },
  {
    phase: 'closing',
    description: 'tell the borrower why a loan closed before payout (rejected, expired, withdrawn)',
    covers: (loan) => loan.statuses.some((status) => ['REJECTED', 'EXPIRED', 'WITHDRAWN'].includes(status)),
    edits: (patchId) => [
      ...imports(LOAN, patchId, CONTEXT_IMPORTS),
      {
        file: LOAN,
        find: `ctx.view.closedReason = reason;`,
        replace: `ctx.view.closedReason = reason;
${guarded(`await notifyForChange(ctx, 'LOAN_CLOSED', { status });`, patchId)}`,
      },
    ],
  },
  {
    phase: 'payout-failure',
    description: 'note a failed payout on the timeline before announcing it',
    covers: (loan) => loan.statuses.includes('DISBURSEMENT_FAILED'),
    edits: (patchId) => [
      ...imports(DISBURSEMENT, patchId, CONTEXT_IMPORTS),
      {
        file: DISBURSEMENT,
        find: `    return 'FAILED';\n`,
        replace: `${guarded(`    await recordForChange(ctx, 'PAYOUT_FAILED', { zh: '放款失败', en: 'Payout failed' });`, patchId)}
    return 'FAILED';
`,
      },
    ],
  },
  {
    phase: 'payout-pause',
    description: 'tell the borrower once that the payout waits for disbursements to resume',
    covers: (loan) => loan.timeline.has('DISBURSEMENT_PAUSED'),
    edits: (patchId) => [
      ...imports(DISBURSEMENT, patchId, CONTEXT_IMPORTS),
      {
        file: DISBURSEMENT,
        find: `        noticedPause = true;\n`,
        replace: `        noticedPause = true;
${guarded(`        await notifyForChange(ctx, 'PAYOUT_DELAYED', {});`, patchId)}
`,
      },
    ],
  },
  {
    phase: 'needs-attention',
    description: 'tell the borrower when the loan waits for a person',
    covers: (loan) => loan.statuses.includes('NEEDS_ATTENTION'),
    edits: (patchId) => [
      ...imports(ATTENTION, patchId, CONTEXT_IMPORTS),
      {
        file: ATTENTION,
        find: `  await condition(() => h.decision !== undefined);\n`,
        replace: `${guarded(`  await notifyForChange(ctx, 'LOAN_ON_HOLD', {});`, patchId)}
  await condition(() => h.decision !== undefined);
`,
      },
    ],
  },
  extraDueDayReminder,
  {
    phase: 'due-date-charges',
    description: 'note on the timeline whenever charges are brought up to date',
    covers: (loan) => loan.statuses.includes('ACTIVE') && loan.activities.has('startDebit'),
    edits: (patchId) => [
      ...imports(COLLECTIONS, patchId, CONTEXT_IMPORTS),
      {
        file: COLLECTIONS,
        find: `  if (posting.entries.length > 0 || posting.changed.length > 0) await adopt(s, posting);\n`,
        replace: `  if (posting.entries.length > 0 || posting.changed.length > 0) {
    await adopt(s, posting);
${guarded(`    await recordForChange(s.ctx, 'CHARGES_POSTED', { zh: '已计提应收', en: 'Charges posted' });`, patchId)}
  }
`,
      },
    ],
  },
  {
    phase: 'grace',
    description: 'note on the timeline before the last-day-of-grace reminder goes out',
    covers: (loan) => loan.timeline.has('GRACE_REMINDER'),
    edits: (patchId) => [
      ...imports(GRACE, patchId, CONTEXT_IMPORTS),
      {
        file: GRACE,
        find: `  await notifyBorrower(s.ctx, 'GRACE_REMINDER', {\n`,
        replace: `${guarded(`  await recordForChange(s.ctx, 'GRACE_LAST_DAY', { zh: '宽限期最后一天', en: 'Last day of grace' });`, patchId)}
  await notifyBorrower(s.ctx, 'GRACE_REMINDER', {
`,
      },
    ],
  },
  {
    phase: 'payments',
    description: 'confirm every repayment to the borrower by SMS',
    covers: (loan) => loan.activities.has('findRepayment'),
    edits: (patchId) => [
      ...imports(PAYMENTS, patchId, CONTEXT_IMPORTS),
      {
        file: PAYMENTS,
        find: `    { actor: input.recordedBy, detail: { paymentId: input.paymentId, allocation: posting.allocation } },
  );
`,
        replace: `    { actor: input.recordedBy, detail: { paymentId: input.paymentId, allocation: posting.allocation } },
  );
${guarded(`  await notifyForChange(s.ctx, 'REPAYMENT_CONFIRMED', { amount: payment.amount });`, patchId)}
`,
      },
    ],
  },
  {
    phase: 'payoff',
    description: 'thank the borrower before issuing the settlement certificate',
    covers: (loan) => loan.statuses.includes('PAID_OFF'),
    edits: (patchId) => [
      ...imports(SERVICING, patchId, CONTEXT_IMPORTS),
      {
        file: SERVICING,
        find: `  const { sha256 } = await records.issueSettlementCertificate(`,
        replace: `${guarded(`  await notifyForChange(s.ctx, 'THANK_YOU', {});`, patchId)}
  const { sha256 } = await records.issueSettlementCertificate(`,
      },
    ],
  },
  {
    phase: 'collections',
    description: 'note every escalation step on the timeline a second time, for the collectors',
    covers: (loan) => loan.statuses.includes('OVERDUE'),
    edits: (patchId) => [
      ...imports(COLLECTIONS, patchId, CONTEXT_IMPORTS),
      {
        file: COLLECTIONS,
        find: `  if (step.action === 'WRITE_OFF_REVIEW') s.collections.writeOffReview = 'PENDING';\n`,
        replace: `${guarded(`  await recordForChange(s.ctx, 'COLLECTION_STEP', { zh: '催收升级', en: 'Collections escalated' });`, patchId)}
  if (step.action === 'WRITE_OFF_REVIEW') s.collections.writeOffReview = 'PENDING';
`,
      },
    ],
  },
  {
    phase: 'write-off',
    description: 'tell the borrower the loan is written off before closing its tasks',
    covers: (loan) => loan.statuses.includes('WRITTEN_OFF'),
    edits: (patchId) => [
      ...imports(COLLECTIONS, patchId, CONTEXT_IMPORTS),
      {
        file: COLLECTIONS,
        find: `  await adopt(s, writeOff(s.account, todayOf(s)));\n`,
        replace: `  await adopt(s, writeOff(s.account, todayOf(s)));
${guarded(`  await notifyForChange(s.ctx, 'WRITTEN_OFF', {});`, patchId)}
`,
      },
    ],
  },
  {
    phase: 'continue-as-new',
    description: 'note on the timeline where each servicing run ends',
    covers: (loan) => loan.continuedAsNew,
    edits: (patchId) => [
      ...imports(SERVICING, patchId, CONTEXT_IMPORTS),
      {
        file: SERVICING,
        find: `  await s.writes;\n`,
        replace: `${guarded(`  await recordForChange(s.ctx, 'RUN_ENDED', { zh: '本轮结束', en: 'Run ended' });`, patchId)}
  await s.writes;
`,
      },
    ],
  },
];
