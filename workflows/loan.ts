// One loan, one workflow: intake → assessment → review → contract → disbursement → servicing.
// A business error parks the loan in NEEDS_ATTENTION (workflows/attention); the workflow never fails.
import { allHandlersFinished, condition, continueAsNew, patched } from '@temporalio/workflow';
import { records } from './activity-proxies.js';
import { requestedAprProblem } from './apr-cap.js';
import { assess } from './assessment.js';
import { attendTo, attentionCount, LoanClosedByOps } from './attention.js';
import { changeStatus, record, today, type LoanContext } from './context.js';
import { contractPhase } from './contract.js';
import type { Actor, CancelInput } from '../contracts/messages.js';
import { disburse } from './disbursement.js';
import { intake, refreshMissing } from './intake.js';
import { buildOffer, offerProblem } from './offer.js';
import { listenInOrigination, newInbox, type OriginationInbox } from './origination-messages.js';
import { PATCHES } from './patches.js';
import { payOutToVerifiedAccount, type RetryRequests } from './payout.js';
import { reviewStage } from './review.js';
import { serviceLoan, type ServicingStart } from './servicing.js';
import type { LoanView, LoanWorkflowInput } from '../contracts/loan-view.js';
import type { LoanWorkflowOptions } from '../contracts/loan-workflow.js';
import type { BilingualText, LoanStatus } from '../domain/types.js';

/** What a disbursement that waited long carries into its next run. */
export interface CarriedDisbursement {
  input: LoanWorkflowInput;
  options: LoanWorkflowOptions;
  view: LoanView;
  sequence: number;
  attentionCases: number;
  retries: RetryRequests;
}

export type LoanWorkflowArgs =
  | { kind: 'ORIGINATION'; input: LoanWorkflowInput; options: LoanWorkflowOptions }
  | { kind: 'DISBURSEMENT'; carried: CarriedDisbursement }
  | ServicingStart;

export async function loanWorkflow(args: LoanWorkflowArgs): Promise<LoanView> {
  if (args.kind === 'SERVICING') return serviceLoan(args);
  const carried = args.kind === 'DISBURSEMENT' ? args.carried : undefined;
  const input = carried?.input ?? (args as { input: LoanWorkflowInput }).input;
  const options = carried?.options ?? (args as { options: LoanWorkflowOptions }).options;
  const ctx: LoanContext = {
    input,
    timeZone: options.timeZone,
    sequence: carried?.sequence ?? 0,
    view: carried?.view ?? newView(input),
  };
  const inbox = newInbox();
  if (carried) inbox.retries = carried.retries;
  listenInOrigination(ctx, inbox);
  // Ops may close a parked loan only while no transfer has been accepted by the bank.
  attendTo(
    ctx,
    () => ctx.view.disbursements.every((d) => d.status === 'FAILED' || d.transferId === undefined),
    carried?.attentionCases ?? 0,
  );

  try {
    if (!carried) {
      const decided = await originate(ctx, inbox);
      if (decided) return decided;
    }
    return await payOut(ctx, inbox, options, carried !== undefined);
  } catch (err) {
    if (err instanceof LoanClosedByOps) return finish(ctx, 'CANCELLED', { zh: err.reason, en: err.reason }, err.by);
    throw err;
  }
}

function newView(input: LoanWorkflowInput): LoanView {
  return {
    loanId: input.loanId,
    status: 'AWAITING_DOCUMENTS',
    loanType: input.loanType,
    productCode: input.product.code,
    borrowerId: input.borrowerId,
    channel: input.channel,
    requested: input.requested,
    requiredDocuments: [...input.product.requiredDocuments],
    documents: [],
    missingDocuments: [...input.product.requiredDocuments],
    reviews: [],
    disbursements: [],
    timeline: [],
  };
}

async function finish(ctx: LoanContext, status: LoanStatus, reason?: BilingualText, actor?: Actor): Promise<LoanView> {
  ctx.view.closedReason = reason;
  await records.closeOpenTasks({ loanId: ctx.input.loanId });
  await changeStatus(ctx, status, { reason, actor, projection: { closed: true } });
  await condition(allHandlersFinished);
  return ctx.view;
}

function withdrawn(ctx: LoanContext): Promise<LoanView> {
  const reason = ctx.withdrawal?.reason;
  return finish(ctx, 'WITHDRAWN', reason ? { zh: reason, en: reason } : undefined, ctx.withdrawal?.by);
}

/** Intake, assessment, review and contract. Returns the closed loan, or undefined once it is signed. */
async function originate(ctx: LoanContext, inbox: OriginationInbox): Promise<LoanView | undefined> {
  const { input } = ctx;
  await record(ctx, 'APPLICATION_RECEIVED', {
    zh: `收到${input.channel === 'ONLINE' ? '线上' : '线下'}借款申请：${input.requested.amount} 元，${input.requested.termCount} 期`,
    en: `${input.channel === 'ONLINE' ? 'Online' : 'Offline'} application received: CNY ${input.requested.amount}, ${input.requested.termCount} installments`,
  });
  if (patched(PATCHES.APR_CAP_BEFORE_BUREAU)) {
    const aboveCap = requestedAprProblem(ctx);
    if (aboveCap) return finish(ctx, 'REJECTED', aboveCap);
  }

  // Intake, assessment and review, with review able to send the loan back for documents.
  let reviewedByPeople = false;
  for (;;) {
    const documents = await intake(ctx, inbox.intake);
    if (documents === 'WITHDRAWN') return withdrawn(ctx);
    if (documents === 'EXPIRED')
      return finish(ctx, 'EXPIRED', {
        zh: '未在期限内补齐资料',
        en: 'Required documents were not received before the deadline',
      });

    const outcome = await assess(ctx);
    if (ctx.withdrawal) return withdrawn(ctx);
    if (outcome === 'DECLINE') return finish(ctx, 'REJECTED', joinReasons(ctx.view.decision?.reasons ?? []));
    if (outcome === 'AUTO_APPROVE' && !reviewedByPeople) break;

    reviewedByPeople = true;
    const initial = await reviewStage(ctx, inbox.review, inbox.intake, 'INITIAL');
    if (initial === 'WITHDRAWN') return withdrawn(ctx);
    if (initial === 'REJECTED') return finish(ctx, 'REJECTED', { zh: '初审未通过', en: 'Rejected in initial review' });
    if (initial === 'MORE_DOCUMENTS') {
      refreshMissing(ctx, inbox.intake);
      continue;
    }
    const final = await reviewStage(ctx, inbox.review, inbox.intake, 'FINAL');
    if (final === 'WITHDRAWN') return withdrawn(ctx);
    if (final === 'REJECTED') return finish(ctx, 'REJECTED', { zh: '终审未通过', en: 'Rejected in final review' });
    break;
  }

  const offer = buildOffer(input.product, ctx.view.requested, today(ctx));
  const problem = offerProblem(input.product, offer);
  if (problem) return finish(ctx, 'REJECTED', problem);
  ctx.view.offer = offer;

  const signature = await contractPhase(ctx);
  if (signature === 'WITHDRAWN') return withdrawn(ctx);
  if (signature === 'EXPIRED')
    return finish(ctx, 'EXPIRED', { zh: '借款人未在有效期内签约', en: 'The offer expired before the borrower signed' });
  // A withdrawal accepted while the signature was being recorded still comes before the payout.
  if (ctx.withdrawal && patched(PATCHES.WITHDRAWAL_BEFORE_PAYOUT)) return withdrawn(ctx);
  return undefined;
}

/** Pays out (again after each retry ops ask for), then services the loan. */
async function payOut(
  ctx: LoanContext,
  inbox: OriginationInbox,
  options: LoanWorkflowOptions,
  resumed: boolean,
): Promise<LoanView> {
  const { retries } = inbox;
  if (patched(PATCHES.PAYOUT_ACCOUNT_VERIFIED)) {
    inbox.payout.enabled = true;
    const outcome = await payOutToVerifiedAccount(ctx, inbox.bankResults, inbox.payout, retries, resumed);
    if (outcome === 'CONTINUE') return continueDisbursement(ctx, options, retries);
    if (outcome !== 'DISBURSED') return cancelled(ctx, outcome.cancelled);
    return servicingAfterPayout(ctx, options);
  }
  let requestedBy: Actor | undefined;
  for (let first = true; ; first = false) {
    const paid = await disburse(ctx, inbox.bankResults, requestedBy, resumed && first);
    if (paid === 'DISBURSED') break;
    if (paid === 'CONTINUE') return continueDisbursement(ctx, options, retries);
    // Loans that ran before retries were kept forget one accepted while the failure was recorded.
    if (!patched(PATCHES.DISBURSEMENT_RETRY_KEPT)) retries.taken = retries.requested;
    await condition(() => retries.requested > retries.taken);
    retries.taken = retries.requested;
    requestedBy = retries.by;
  }
  return servicingAfterPayout(ctx, options);
}

function servicingAfterPayout(ctx: LoanContext, options: LoanWorkflowOptions): Promise<LoanView> {
  return serviceLoan({
    kind: 'SERVICING',
    fromOrigination: {
      input: ctx.input,
      options,
      view: ctx.view,
      sequence: ctx.sequence,
      attentionCases: attentionCount(),
    },
  });
}

/** The borrower cancelled before any money left: nothing is owed and the ledger holds nothing for the loan. */
function cancelled(ctx: LoanContext, cancel: CancelInput): Promise<LoanView> {
  const reason = cancel.reason?.trim()
    ? { zh: `借款人取消借款：${cancel.reason}`, en: `Cancelled by the borrower: ${cancel.reason}` }
    : { zh: '借款人取消借款，未放款，无任何欠款', en: 'Cancelled by the borrower before any payout; nothing is owed' };
  return finish(ctx, 'CANCELLED', reason, cancel.by);
}

async function continueDisbursement(
  ctx: LoanContext,
  options: LoanWorkflowOptions,
  retries: RetryRequests,
): Promise<never> {
  await condition(allHandlersFinished);
  const view = { ...ctx.view, timeline: ctx.view.timeline.slice(-TIMELINE_KEPT) };
  return continueAsNew<typeof loanWorkflow>({
    kind: 'DISBURSEMENT',
    carried: { input: ctx.input, options, view, sequence: ctx.sequence, attentionCases: attentionCount(), retries },
  });
}

const TIMELINE_KEPT = 20;

function joinReasons(reasons: BilingualText[]): BilingualText {
  return { zh: reasons.map((r) => r.zh).join('；'), en: reasons.map((r) => r.en).join('; ') };
}
