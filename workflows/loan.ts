// One loan, one workflow: intake → assessment → review → contract → disbursement → servicing.
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { records } from './activity-proxies.js';
import { assess } from './assessment.js';
import { changeStatus, record, today, type LoanContext } from './context.js';
import { contractPhase } from './contract.js';
import {
  bankResultSignal,
  documentUploadedSignal,
  loanViewQuery,
  retryDisbursementUpdate,
  reviewUpdate,
  signContractUpdate,
  withdrawUpdate,
  type Actor,
} from './definitions.js';
import { disburse, type BankResults } from './disbursement.js';
import { acceptDocument, intake, refreshMissing, type IntakeState } from './intake.js';
import { buildOffer, offerProblem } from './offer.js';
import { reviewStage, type ReviewState } from './review.js';
import { serviceLoan, type ServicingStart } from './servicing.js';
import type { LoanView, LoanWorkflowInput } from './state.js';
import { validateDisbursementRetry, validateReview, validateSignature, validateWithdrawal } from './validators.js';
import type { BilingualText, LoanStatus } from '../domain/types.js';
import { nowIso } from './context.js';

export interface LoanWorkflowOptions {
  timeZone: string;
}

export type LoanWorkflowArgs = { kind: 'ORIGINATION'; input: LoanWorkflowInput; options: LoanWorkflowOptions } | ServicingStart;

export async function loanWorkflow(args: LoanWorkflowArgs): Promise<LoanView> {
  if (args.kind === 'SERVICING') return serviceLoan(args);
  const { input, options } = args;
  const ctx: LoanContext = {
    input,
    timeZone: options.timeZone,
    sequence: 0,
    view: {
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
    },
  };
  const intakeState: IntakeState = { received: [], requests: [] };
  const reviewState: ReviewState = {};
  const bankResults: BankResults = new Map();
  let retryRequestedBy: Actor | undefined;

  setHandler(loanViewQuery, () => ctx.view);
  setHandler(documentUploadedSignal, (doc) => acceptDocument(ctx, intakeState, doc));
  setHandler(bankResultSignal, (result) => {
    bankResults.set(result.idempotencyKey, result);
  });
  setHandler(
    reviewUpdate,
    async (review) => {
      const status = ctx.view.status;
      reviewState.pending = { ...review, at: nowIso() };
      await condition(() => ctx.view.status !== status);
      return ctx.view;
    },
    { validator: (review) => validateReview(ctx.view, input.product, review) },
  );
  setHandler(
    signContractUpdate,
    async (sign) => {
      ctx.view.contract = { ...ctx.view.contract!, signedAt: nowIso(), signedBy: sign.signer.userId };
      await condition(() => ctx.view.status !== 'AWAITING_SIGNATURE');
      return ctx.view;
    },
    { validator: (sign) => validateSignature(ctx.view, input.borrowerId, sign) },
  );
  setHandler(
    withdrawUpdate,
    async (withdrawal) => {
      ctx.withdrawal = withdrawal;
      await condition(() => ctx.view.status === 'WITHDRAWN');
      return ctx.view;
    },
    { validator: (withdrawal) => validateWithdrawal(ctx.view, input.borrowerId, withdrawal) },
  );
  setHandler(
    retryDisbursementUpdate,
    async (actor) => {
      retryRequestedBy = actor;
      await condition(() => ctx.view.status !== 'DISBURSEMENT_FAILED');
      return ctx.view;
    },
    { validator: (actor) => validateDisbursementRetry(ctx.view, actor) },
  );

  await record(ctx, 'APPLICATION_RECEIVED', {
    zh: `收到${input.channel === 'ONLINE' ? '线上' : '线下'}借款申请：${input.requested.amount} 元，${input.requested.termCount} 期`,
    en: `${input.channel === 'ONLINE' ? 'Online' : 'Offline'} application received: CNY ${input.requested.amount}, ${input.requested.termCount} installments`,
  });

  const finish = async (status: LoanStatus, reason?: BilingualText): Promise<LoanView> => {
    ctx.view.closedReason = reason;
    await records.closeOpenTasks({ loanId: input.loanId });
    await changeStatus(ctx, status, { reason, actor: status === 'WITHDRAWN' ? ctx.withdrawal?.by : undefined, projection: { closed: true } });
    await condition(allHandlersFinished);
    return ctx.view;
  };
  const withdrawn = () => finish('WITHDRAWN', ctx.withdrawal?.reason ? { zh: ctx.withdrawal.reason, en: ctx.withdrawal.reason } : undefined);

  // Intake, assessment and review, with review able to send the loan back for documents.
  let reviewedByPeople = false;
  for (;;) {
    const documents = await intake(ctx, intakeState);
    if (documents === 'WITHDRAWN') return withdrawn();
    if (documents === 'EXPIRED') return finish('EXPIRED', { zh: '未在期限内补齐资料', en: 'Required documents were not received before the deadline' });

    const outcome = await assess(ctx);
    if (ctx.withdrawal) return withdrawn();
    if (outcome === 'DECLINE') return finish('REJECTED', joinReasons(ctx.view.decision?.reasons ?? []));
    if (outcome === 'AUTO_APPROVE' && !reviewedByPeople) break;

    reviewedByPeople = true;
    const initial = await reviewStage(ctx, reviewState, intakeState, 'INITIAL');
    if (initial === 'WITHDRAWN') return withdrawn();
    if (initial === 'REJECTED') return finish('REJECTED', { zh: '初审未通过', en: 'Rejected in initial review' });
    if (initial === 'MORE_DOCUMENTS') {
      refreshMissing(ctx, intakeState);
      continue;
    }
    const final = await reviewStage(ctx, reviewState, intakeState, 'FINAL');
    if (final === 'WITHDRAWN') return withdrawn();
    if (final === 'REJECTED') return finish('REJECTED', { zh: '终审未通过', en: 'Rejected in final review' });
    break;
  }

  const offer = buildOffer(input.product, ctx.view.requested, today(ctx));
  const problem = offerProblem(input.product, offer);
  if (problem) return finish('REJECTED', problem);
  ctx.view.offer = offer;

  const signature = await contractPhase(ctx);
  if (signature === 'WITHDRAWN') return withdrawn();
  if (signature === 'EXPIRED') return finish('EXPIRED', { zh: '借款人未在有效期内签约', en: 'The offer expired before the borrower signed' });

  for (;;) {
    const paid = await disburse(ctx, bankResults, retryRequestedBy);
    if (paid === 'DISBURSED') break;
    retryRequestedBy = undefined;
    await condition(() => retryRequestedBy !== undefined);
  }
  return serviceLoan({ kind: 'SERVICING', fromOrigination: { input, options, view: ctx.view, sequence: ctx.sequence } });
}

function joinReasons(reasons: BilingualText[]): BilingualText {
  return { zh: reasons.map((r) => r.zh).join('；'), en: reasons.map((r) => r.en).join('; ') };
}
