// 展期 / 重组 inside the loan's servicing: a request (the borrower for their own loan, or a loan
// officer), a decision within authority (never by the requester), the supplementary contract
// (补充协议) rendered from the approved plan and signed by the borrower against its sha256, and the
// new schedule taken by the account. The main loop's waits wake on `reschedules`, so it goes on with
// the new schedule. Validators run before an update enters history; each handler moves the request
// to its next status before its first await, so a second message in the same workflow task is refused.
import { patched } from '@temporalio/workflow';
import { addDays, compareDates } from '../domain/dates.js';
import { checkReviewAuthority } from '../domain/decision.js';
import { DomainError } from '../domain/errors.js';
import { planRestructuring, type RestructurePlan } from '../domain/loan-restructuring.js';
import { outstandingPrincipal } from '../domain/servicing-account.js';
import {
  REFUSAL,
  type RestructureDecision,
  type RestructureRequest,
  type SupplementarySignature,
} from '../contracts/messages.js';
import type { LoanView, RestructuringTermsView, RestructuringView } from '../contracts/loan-view.js';
import { records } from './activity-proxies.js';
import { notifyBorrower, nowIso, record } from './context.js';
import { PATCHES } from './patches.js';
import { adopt } from './servicing-records.js';
import { loanViewOf, todayOf, type ServicingState } from './servicing-state.js';
import { refuse, refuseUnlessPermitted } from './validators.js';

const REQUEST_ID = /^[A-Za-z0-9:_.-]{1,120}$/;
const SERVICED = ['ACTIVE', 'OVERDUE'];
/** A request still being worked on: no second one until it is decided, applied or lapsed. */
const OPEN = ['PENDING_APPROVAL', 'DECIDING', 'AWAITING_SIGNATURE', 'APPLYING'];

function current(s: ServicingState): RestructuringView | undefined {
  return s.ctx.view.restructuring;
}

/** An approved request whose contract was not signed by its last day has lapsed. */
function lapsed(s: ServicingState, r: RestructuringView): boolean {
  return r.status === 'AWAITING_SIGNATURE' && !!r.contract && compareDates(todayOf(s), r.contract.signBy) > 0;
}

function isOpen(s: ServicingState, r: RestructuringView | undefined): boolean {
  return !!r && OPEN.includes(r.status) && !lapsed(s, r);
}

/** The plan for the request's terms on `effectiveOn`, from the account as it is now. */
function planFor(
  s: ServicingState,
  r: Pick<RestructuringView, 'kind' | 'installmentCount' | 'annualRate'>,
  effectiveOn: string,
): RestructurePlan {
  return planRestructuring(
    s.account,
    { kind: r.kind, installmentCount: r.installmentCount, annualRate: r.annualRate },
    effectiveOn,
    s.input.product,
    s.overdueRule,
  );
}

function termsOf(plan: RestructurePlan): RestructuringTermsView {
  return {
    effectiveOn: plan.effectiveOn,
    startsOn: plan.startsOn,
    outstandingPrincipal: plan.outstandingPrincipal,
    arrears: plan.arrears,
    currentPeriodInterest: plan.currentPeriodInterest,
    newMaturityDate: plan.newMaturityDate,
    apr: plan.apr,
    countsAsRestructuring: plan.record.countsAsRestructuring,
    installments: plan.account.installments
      .filter((i) => i.number >= plan.record.firstNumber || plan.changed.includes(i.number))
      .map(({ number, dueDate, principal, interest, fee }) => ({ number, dueDate, principal, interest, fee })),
  };
}

/** What the contract of a request states when it takes effect on `effectiveOn`, from the account as it is now. */
export function plannedTerms(
  s: ServicingState,
  r: Pick<RestructuringView, 'kind' | 'installmentCount' | 'annualRate'>,
  effectiveOn: string,
): RestructuringTermsView {
  return termsOf(planFor(s, r, effectiveOn));
}

/** A DomainError of the plan as the validator's refusal, naming the field. */
function refusePlanProblem(e: unknown): never {
  if (e instanceof DomainError) refuse(REFUSAL.INVALID, e.text, e.field ?? 'kind');
  throw e;
}

function refuseUnlessServiced(s: ServicingState, field: string): void {
  if (!SERVICED.includes(s.ctx.view.status) || s.closed || s.account.writtenOffOn !== null) {
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `当前状态为 ${s.ctx.view.status}，不能展期或重组`,
        en: `The loan is ${s.ctx.view.status}; it cannot be extended or restructured`,
      },
      field,
    );
  }
}

function refuseOtherRequest(s: ServicingState, requestId: string, field = 'requestId'): RestructuringView {
  const r = current(s);
  if (!r || r.requestId !== requestId)
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `该贷款没有展期/重组申请 ${requestId}`,
        en: `This loan has no extension or restructuring request ${requestId}`,
      },
      field,
    );
  return r;
}

// ---- request --------------------------------------------------------------------------------------

export function validateRestructureRequest(s: ServicingState, req: RestructureRequest): void {
  if (!REQUEST_ID.test(req.requestId ?? ''))
    refuse(
      REFUSAL.INVALID,
      { zh: 'requestId 须为 1–120 位字母、数字或 :_.-', en: 'requestId must be 1–120 letters, digits or :_.-' },
      'requestId',
    );
  // A repeat of the request already taken is answered with the loan as it stands.
  if (current(s)?.requestId === req.requestId && current(s)?.requestedBy.userId === req.by?.userId) return;
  refuseUnlessPermitted(req.by, 'requestRestructuring', 'kind');
  if (req.by.role === 'BORROWER' && req.by.userId !== s.input.borrowerId)
    refuse(REFUSAL.FORBIDDEN, { zh: '只能为本人的贷款申请', en: 'A borrower may ask only for their own loan' }, 'kind');
  refuseUnlessServiced(s, 'kind');
  if (isOpen(s, current(s)))
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: '该贷款已有处理中的展期/重组申请',
        en: 'This loan already has an extension or restructuring request in progress',
      },
      'kind',
    );
  if (typeof req.reason !== 'string' || !req.reason.trim() || req.reason.length > 500)
    refuse(REFUSAL.INVALID, { zh: '申请原因须为 1–500 个字符', en: 'reason must be 1–500 characters' }, 'reason');
  try {
    planFor(s, req, todayOf(s));
  } catch (e) {
    refusePlanProblem(e);
  }
}

export async function requestRestructuring(s: ServicingState, req: RestructureRequest): Promise<LoanView> {
  if (current(s)?.requestId === req.requestId) return loanViewOf(s);
  // Marks the histories that take this path (no history before it has this update).
  patched(PATCHES.LOAN_EXTENSION_RESTRUCTURING);
  const plan = planFor(s, req, todayOf(s));
  const r: RestructuringView = {
    requestId: req.requestId,
    kind: req.kind,
    status: 'PENDING_APPROVAL',
    installmentCount: req.installmentCount,
    annualRate: req.annualRate,
    reason: req.reason.trim(),
    requestedBy: req.by,
    requestedAt: nowIso(),
    plan: termsOf(plan),
  };
  s.ctx.view.restructuring = r;
  const what = KIND_TEXT[req.kind];
  let taskOpened: () => void = () => undefined;
  s.restructureTaskOpening = new Promise<void>((resolve) => (taskOpened = resolve));
  try {
    await record(
      s.ctx,
      'RESTRUCTURE_REQUESTED',
      {
        zh: `申请${what.zh}：剩余本金 ${plan.outstandingPrincipal} 元分 ${req.installmentCount} 期，年利率 ${req.annualRate}，到期日 ${plan.newMaturityDate}`,
        en: `${what.en} requested: principal ${plan.outstandingPrincipal} over ${req.installmentCount} installments at ${req.annualRate}, maturing ${plan.newMaturityDate}`,
      },
      {
        actor: req.by,
        detail: {
          requestId: req.requestId,
          kind: req.kind,
          installmentCount: req.installmentCount,
          annualRate: req.annualRate,
          outstandingPrincipal: plan.outstandingPrincipal,
          newMaturityDate: plan.newMaturityDate,
        },
      },
    );
    await records.openTask({
      loanId: s.input.loanId,
      kind: 'RESTRUCTURE_APPROVAL',
      taskKey: approvalTaskKey(r),
      role: 'RISK_MANAGER',
      detail: { requestId: r.requestId, kind: r.kind, outstandingPrincipal: plan.outstandingPrincipal },
    });
  } finally {
    taskOpened();
  }
  return loanViewOf(s);
}

const KIND_TEXT = {
  EXTENSION: { zh: '展期', en: 'Extension' },
  RESTRUCTURING: { zh: '重组', en: 'Restructuring' },
} as const;

function approvalTaskKey(r: RestructuringView): string {
  return `RESTRUCTURE_APPROVAL:${r.requestId}`;
}

// ---- decision -------------------------------------------------------------------------------------

export function validateRestructureDecision(s: ServicingState, d: RestructureDecision): void {
  const r = refuseOtherRequest(s, d.requestId);
  if (r.status !== 'PENDING_APPROVAL')
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `该申请当前为 ${r.status}，没有待审批的决定`,
        en: `The request is ${r.status}; it is not waiting for a decision`,
      },
      'approve',
    );
  refuseUnlessServiced(s, 'approve');
  refuseUnlessPermitted(d.by, 'decideRestructuring', 'approve');
  if (d.by.userId === r.requestedBy.userId || d.by.userId === s.input.borrowerId)
    refuse(
      REFUSAL.FORBIDDEN,
      {
        zh: '申请人不能审批自己的展期/重组申请',
        en: 'The person who asked for the change cannot decide it',
      },
      'approve',
    );
  if (typeof d.comment !== 'string' || !d.comment.trim() || d.comment.length > 1000)
    refuse(REFUSAL.INVALID, { zh: '审批意见须为 1–1000 个字符', en: 'comment must be 1–1000 characters' }, 'comment');
  if (d.approve) {
    // The product's final approval authority, for the principal being rescheduled.
    const denial = checkReviewAuthority({
      stage: 'FINAL',
      reviewer: d.by,
      amount: outstandingPrincipal(s.account),
      product: s.input.product,
      decision: 'APPROVE',
    });
    if (denial) refuse(REFUSAL.FORBIDDEN, denial.message, 'approve');
    try {
      planFor(s, r, todayOf(s));
    } catch (e) {
      refusePlanProblem(e);
    }
  }
}

export async function decideRestructuring(s: ServicingState, d: RestructureDecision): Promise<LoanView> {
  const r = current(s)!;
  r.status = 'DECIDING';
  r.decidedBy = d.by;
  r.decidedAt = nowIso();
  r.comment = d.comment.trim();
  // Before the first await: the validator has just checked this plan, and the account may change
  // while this handler waits (a payment in a later task).
  const effectiveOn = todayOf(s);
  const plan = d.approve ? planFor(s, r, effectiveOn) : null;
  await s.restructureTaskOpening;
  await records.closeTask({
    loanId: s.input.loanId,
    taskKey: approvalTaskKey(r),
    status: 'DONE',
    closedBy: d.by.userId,
  });
  const what = KIND_TEXT[r.kind];
  if (!d.approve) {
    r.status = 'REJECTED';
    await record(
      s.ctx,
      'RESTRUCTURE_REJECTED',
      { zh: `${what.zh}申请未获批准`, en: `${what.en} request rejected` },
      { actor: d.by, detail: { requestId: r.requestId, comment: r.comment } },
    );
    await notifyBorrower(s.ctx, 'RESTRUCTURE_REJECTED', { kind: r.kind });
    return loanViewOf(s);
  }
  r.plan = termsOf(plan!);
  const issued = await records.issueSupplementaryContract({
    loanId: s.input.loanId,
    requestId: r.requestId,
    kind: r.kind,
    annualRate: r.annualRate,
    terms: r.plan,
    issuedAt: r.decidedAt,
  });
  r.contract = {
    sha256: issued.sha256,
    issuedAt: issued.issuedAt,
    signBy: addDays(effectiveOn, s.input.product.offerAcceptanceDays),
  };
  r.status = 'AWAITING_SIGNATURE';
  await record(
    s.ctx,
    'RESTRUCTURE_APPROVED',
    {
      zh: `${what.zh}已批准，补充协议待借款人签署（SHA-256 ${issued.sha256.slice(0, 12)}…）`,
      en: `${what.en} approved; the supplementary contract awaits the borrower's signature (SHA-256 ${issued.sha256.slice(0, 12)}…)`,
    },
    { actor: d.by, detail: { requestId: r.requestId, sha256: issued.sha256, signBy: r.contract.signBy } },
  );
  await notifyBorrower(s.ctx, 'SUPPLEMENTARY_CONTRACT_READY', { kind: r.kind, signBy: r.contract.signBy });
  return loanViewOf(s);
}

// ---- signature and application --------------------------------------------------------------------

/**
 * The plan signed for must be the plan the account would take now, else the contract is out of date.
 * The arrears are left out: they stay due as they are, and penalty interest on them may have been
 * posted since the approval.
 */
function samePlan(a: RestructuringTermsView, b: RestructuringTermsView): boolean {
  const { arrears: _a, ...left } = a;
  const { arrears: _b, ...right } = b;
  return JSON.stringify(left) === JSON.stringify(right);
}

export function validateSupplementarySignature(s: ServicingState, sign: SupplementarySignature): void {
  const r = refuseOtherRequest(s, sign.requestId);
  refuseUnlessPermitted(sign.by, 'signSupplementaryContract', 'sha256');
  if (sign.by.userId !== s.input.borrowerId)
    refuse(REFUSAL.FORBIDDEN, { zh: '只有借款人本人可以签署', en: 'Only the borrower can sign' }, 'sha256');
  if (r.status !== 'AWAITING_SIGNATURE' || !r.contract || !r.plan)
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `该申请当前为 ${r.status}，没有待签署的补充协议`,
        en: `The request is ${r.status}; nothing awaits signature`,
      },
      'sha256',
    );
  if (sign.sha256 !== r.contract.sha256)
    refuse(
      REFUSAL.INVALID,
      { zh: '签署的补充协议摘要与当前补充协议不符', en: 'sha256 does not match the supplementary contract' },
      'sha256',
    );
  if (lapsed(s, r))
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: `补充协议须在 ${r.contract.signBy} 前签署，已过期`,
        en: `The supplementary contract lapsed on ${r.contract.signBy}`,
      },
      'sha256',
    );
  refuseUnlessServiced(s, 'sha256');
  let now: RestructuringTermsView;
  try {
    now = plannedTerms(s, r, r.plan.effectiveOn);
  } catch (e) {
    refusePlanProblem(e);
  }
  if (!samePlan(now, r.plan))
    refuse(
      REFUSAL.WRONG_STAGE,
      {
        zh: '批准后贷款账户已变化（还款或到期），补充协议已不适用，请重新申请',
        en: 'The loan changed since approval (a payment or a due date); the supplementary contract no longer applies: ask again',
      },
      'sha256',
    );
}

export async function signSupplementaryContract(s: ServicingState, sign: SupplementarySignature): Promise<LoanView> {
  const r = current(s)!;
  r.status = 'APPLYING';
  const plan = planFor(s, r, r.plan!.effectiveOn);
  r.contract = { ...r.contract!, signedAt: nowIso(), signatureId: sign.signatureId };
  const applied = adopt(s, { account: plan.account, entries: plan.entries, changed: plan.changed });
  // The account is the new one from here on: the main loop's waits look again.
  s.reschedules += 1;
  await applied;
  r.status = 'APPLIED';
  r.appliedAt = nowIso();
  const kind = r.kind === 'EXTENSION' ? 'EXTENDED' : 'RESTRUCTURED';
  const what = KIND_TEXT[r.kind];
  await record(
    s.ctx,
    kind,
    {
      zh: `${what.zh}生效：剩余本金 ${plan.outstandingPrincipal} 元分 ${plan.installmentCount} 期，到期日 ${plan.newMaturityDate}（补充协议 SHA-256 ${r.contract.sha256.slice(0, 12)}…）`,
      en: `${what.en} in effect: principal ${plan.outstandingPrincipal} over ${plan.installmentCount} installments, maturing ${plan.newMaturityDate} (supplementary contract SHA-256 ${r.contract.sha256.slice(0, 12)}…)`,
    },
    {
      actor: sign.by,
      detail: {
        newMaturityDate: plan.newMaturityDate,
        outstandingPrincipal: plan.outstandingPrincipal,
        installmentCount: plan.installmentCount,
        requestId: r.requestId,
        effectiveOn: plan.effectiveOn,
        annualRate: plan.annualRate,
        countsAsRestructuring: plan.record.countsAsRestructuring,
        sha256: r.contract.sha256,
      },
    },
  );
  await notifyBorrower(s.ctx, kind, {
    newMaturityDate: plan.newMaturityDate,
    installmentCount: String(plan.installmentCount),
  });
  return loanViewOf(s);
}
