// The running loan: its view state and the few operations every phase uses.
import { upsertSearchAttributes } from '@temporalio/workflow';
import { localDateOf } from '../domain/business-time.js';
import type { BilingualText, LoanStatus } from '../domain/types.js';
import { notifications, records } from './activity-proxies.js';
import type { Actor } from '../contracts/messages.js';
import { LoanStatusKey } from '../contracts/search-attributes.js';
import type { LoanView, LoanWorkflowInput } from '../contracts/loan-view.js';
import { viewHandover, type ViewProjectionState } from './view-projection.js';

export interface LoanContext {
  input: LoanWorkflowInput;
  view: LoanView;
  timeZone: string;
  /** Set by the withdraw update; every wait ends early when it is. */
  withdrawal?: { by: Actor; reason?: string };
  /** Counter making activity event keys unique and stable across replays. */
  sequence: number;
  /** The view as a query would answer now, when it is more than `view` (servicing adds its figures). */
  currentView?: () => LoanView;
  /** What this run last handed to the loans projection (workflows/view-projection.ts). */
  projected?: ViewProjectionState;
}

export function nowIso(): string {
  return new Date(Date.now()).toISOString();
}

export function today(ctx: LoanContext): string {
  return localDateOf(Date.now(), ctx.timeZone);
}

const STATUS_TEXT: Record<LoanStatus, BilingualText> = {
  AWAITING_DOCUMENTS: { zh: '待补充资料', en: 'Awaiting documents' },
  ASSESSING: { zh: '信用评估中', en: 'Assessing credit' },
  INITIAL_REVIEW: { zh: '初审中', en: 'In initial review' },
  FINAL_REVIEW: { zh: '终审中', en: 'In final review' },
  AWAITING_SIGNATURE: { zh: '待签约', en: 'Awaiting signature' },
  DISBURSING: { zh: '放款中', en: 'Disbursing' },
  ACTIVE: { zh: '还款中', en: 'Active' },
  OVERDUE: { zh: '已逾期', en: 'Overdue' },
  PAID_OFF: { zh: '已结清', en: 'Paid off' },
  REJECTED: { zh: '已拒绝', en: 'Rejected' },
  WITHDRAWN: { zh: '已撤回', en: 'Withdrawn' },
  EXPIRED: { zh: '已过期', en: 'Expired' },
  DISBURSEMENT_FAILED: { zh: '放款失败', en: 'Disbursement failed' },
  PAYOUT_ACCOUNT_INVALID: { zh: '收款账户未通过验证', en: 'Payout account failed verification' },
  WRITTEN_OFF: { zh: '已核销', en: 'Written off' },
  NEEDS_ATTENTION: { zh: '待人工处理', en: 'Needs attention' },
  CANCELLED: { zh: '已取消', en: 'Cancelled' },
};

export function statusText(status: LoanStatus): BilingualText {
  return STATUS_TEXT[status];
}

export function nextEventKey(ctx: LoanContext, kind: string): string {
  ctx.sequence += 1;
  return `${ctx.sequence}:${kind}`;
}

/** Adds a timeline entry here and in the database projection. */
export async function record(
  ctx: LoanContext,
  kind: string,
  text: BilingualText,
  options: { actor?: Actor; detail?: Record<string, unknown>; projection?: Record<string, unknown> } = {},
): Promise<void> {
  const at = nowIso();
  ctx.view.timeline.push({ at, kind, actor: options.actor, text });
  await records.recordLoanEvent({
    loanId: ctx.view.loanId,
    eventKey: nextEventKey(ctx, kind),
    kind,
    at,
    actor: options.actor,
    text,
    detail: options.detail ?? {},
    status: ctx.view.status,
    projection: options.projection ?? {},
    // After eventKey above: the sequence number is this event's.
    ...viewHandover(ctx, ctx.sequence),
  });
}

/** Moves the loan to a new status: view, search attribute, projection, timeline and the borrower's notice. */
export async function changeStatus(
  ctx: LoanContext,
  status: LoanStatus,
  options: { actor?: Actor; reason?: BilingualText; projection?: Record<string, unknown> } = {},
): Promise<void> {
  ctx.view.status = status;
  upsertSearchAttributes([{ key: LoanStatusKey, value: status }]);
  const text = options.reason
    ? { zh: `${statusText(status).zh}：${options.reason.zh}`, en: `${statusText(status).en}: ${options.reason.en}` }
    : statusText(status);
  await record(ctx, `STATUS_${status}`, text, { actor: options.actor, projection: options.projection });
  await notifyBorrower(ctx, 'LOAN_STATUS_CHANGED', {
    status,
    statusZh: statusText(status).zh,
    reason: options.reason?.zh ?? '',
  });
}

export async function notifyBorrower(
  ctx: LoanContext,
  template: string,
  params: Record<string, string>,
): Promise<void> {
  try {
    await notifications.notifyBorrower({
      loanId: ctx.view.loanId,
      eventKey: nextEventKey(ctx, template),
      template,
      params,
    });
  } catch {
    // The notice is logged as failed by the activity; the loan goes on without it.
  }
}
