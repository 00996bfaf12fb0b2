// Behaviour changes a developer might make to each phase of the loan workflow, written as edits of
// the sources (test/support/mutant-bundle.ts applies them to a copy). Each one adds a command
// (an activity or a timer) that loans already past that point never issued: unguarded, it breaks
// them; guarded by patched(), it reaches only the loans that get there after the deploy.
import type { RecordedLoan } from './history-corpus.js';
import { guarded, patchedImport, type SourceEdit, type WorkflowCodeChange } from './mutant-bundle.js';

export interface PhaseChange {
  phase: string;
  /** What the change does, as its author would describe it. */
  description: string;
  /** Whether a recorded loan went through the code this change edits. */
  covers: (loan: RecordedLoan) => boolean;
  /** The edits; with a patch id, the new behaviour runs only under `patched(patchId)`. */
  edits: (patchId?: string) => SourceEdit[];
}

/** The change as a deploy would ship it: unguarded, or guarded by `patched(patchId)`. */
export function asCodeChange(change: PhaseChange, patchId?: string): WorkflowCodeChange {
  return { id: `${change.phase}${patchId ? '-patched' : ''}`, edits: change.edits(patchId) };
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
      find: `async function collectInstallment(s: ServicingState, number: number): Promise<void> {
  const due = installment(s, number);
  if (!due) return;
`,
      replace: `async function collectInstallment(s: ServicingState, number: number): Promise<void> {
  const due = installment(s, number);
  if (!due) return;
${guarded(
  `  const morning = instantOf(due.dueDate, '08:00', s.options.timeZone);
  if (morning > Date.now()) {
    if (await sleepUntil(morning, () => settledOrGone(s, number))) return;
    await notifyBorrower(s.ctx, 'REPAYMENT_REMINDER', {
      installment: String(number),
      dueDate: due.dueDate,
      amount: amountOwed(s.account, number, todayOf(s)),
      autoDebit: s.autoDebit ? 'Y' : 'N',
      daysBeforeDue: '0',
    });
  }`,
  patchId,
)}
`,
    },
  ],
};

/**
 * One unpatched change per phase the committed corpus covers. When the corpus gains a history of
 * another phase (review rounds, expiry, withdrawal, payout failure, collections, write-off), add
 * its row here: the replay test then requires that history to catch it.
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
];
