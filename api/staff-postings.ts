// Maker-checker for staff postings: what happens when a checker (a second finance user, or a line
// of the bank's statement) approves a pending CASH or BANK_TRANSFER repayment. The approved posting
// goes to the loan's workflow exactly as an immediate posting did: the repay Update, under the
// posted payment id as update id, so a retry after a lost answer applies it once.
import { repayUpdate } from '../contracts/definitions.js';
import { REFUSAL } from '../contracts/messages.js';
import { compareDates, isValidLocalDate } from '../domain/dates.js';
import { isMoneyText, money } from '../domain/money.js';
import type { RepaymentResult } from '../contracts/loan-view.js';
import {
  claimForApproval,
  findPosting,
  markPosted,
  recordPosting,
  rejectPosting,
  releaseClaim,
  STATEMENT_CHECKER,
  unmatchedStatementLines,
  type PostingStatus,
  type StaffChannel,
  type StaffPosting,
} from '../db/staff-postings.js';
import type { RequestAuditEvent } from './middleware/audit.js';
import type { BankClient } from '../partners/bank-client.js';
import type { ApiDeps } from './env.js';
import { ApiError } from './errors.js';
import { loanHandle } from './loan-workflows.js';
import { callWorkflow } from './workflow-errors.js';
import { recoveryIfWrittenOff } from './write-off-recovery.js';
import type { RecoveryRecord } from '../db/write-off-recoveries.js';

export const NOT_YOUR_OWN_POSTING = {
  zh: '不能审核自己登记的还款（需另一位财务人员复核）',
  en: 'You cannot check a repayment you recorded yourself; another finance user must',
};

const SERVICED = ['ACTIVE', 'OVERDUE'];
const MAX_AMOUNT = '100000000';

/**
 * What a maker can be told at once, with the answers the loan's own validator gives (the loan
 * checks again when the posting is approved): the loan takes repayments, the amount is positive,
 * the money did not arrive in the future.
 */
export function checkNewPosting(
  loanStatus: string,
  posting: { amount: string; receivedOn: string },
  today: string,
): void {
  // A written-off loan takes money too: its checker's approval posts it as a recovery.
  if (!SERVICED.includes(loanStatus) && loanStatus !== 'WRITTEN_OFF')
    throw ApiError.conflict(REFUSAL.WRONG_STAGE, {
      zh: `当前状态为 ${loanStatus}，不能还款`,
      en: `The loan is ${loanStatus}; it takes no repayments`,
    });
  if (!isMoneyText(posting.amount) || money(posting.amount).lte(0) || money(posting.amount).gt(MAX_AMOUNT)) {
    const text = {
      zh: '还款金额须为大于零、最多两位小数的金额',
      en: 'amount must be a positive amount with at most two decimals',
    };
    throw new ApiError(422, REFUSAL.INVALID, text, [{ field: 'amount', code: REFUSAL.INVALID, message: text }]);
  }
  if (!isValidLocalDate(posting.receivedOn) || compareDates(posting.receivedOn, today) > 0) {
    const text = { zh: `到账日期不能晚于今天（${today}）`, en: `receivedOn cannot be after today (${today})` };
    throw new ApiError(422, REFUSAL.INVALID, text, [{ field: 'receivedOn', code: REFUSAL.INVALID, message: text }]);
  }
}

/**
 * The maker's side: a CASH or BANK_TRANSFER repayment is stored PENDING_APPROVAL and audited.
 * The same paymentId again answers the stored posting's status, whatever the loan did since.
 */
export async function recordStaffPosting(
  sql: ApiDeps['sql'],
  p: {
    paymentId: string;
    loanId: string;
    loanStatus: string;
    channel: StaffChannel;
    amount: string;
    receivedOn?: string | undefined;
    reference?: string | undefined;
    madeBy: string;
  },
  today: string,
  audit: (event: RequestAuditEvent) => Promise<void>,
): Promise<{ paymentId: string; status: PostingStatus }> {
  const receivedOn = p.receivedOn ?? today;
  // Checked before anything else: the stored posting is looked up and written with this date.
  if (!isValidLocalDate(receivedOn)) {
    const text = { zh: '到账日期不是有效日期（YYYY-MM-DD）', en: 'receivedOn is not a real date (YYYY-MM-DD)' };
    throw new ApiError(422, REFUSAL.INVALID, text, [{ field: 'receivedOn', code: REFUSAL.INVALID, message: text }]);
  }
  if (!(await findPosting(sql, p.paymentId))) checkNewPosting(p.loanStatus, { amount: p.amount, receivedOn }, today);
  const { created, posting } = await recordPosting(sql, {
    paymentId: p.paymentId,
    loanId: p.loanId,
    channel: p.channel,
    amount: p.amount,
    receivedOn,
    reference: p.reference ?? null,
    madeBy: p.madeBy,
  });
  if (posting.loanId !== p.loanId)
    throw ApiError.conflict('PAYMENT_ID_REUSED', {
      zh: '该 paymentId 已用于另一笔贷款',
      en: 'This paymentId was already used for another loan',
    });
  if (created)
    await audit({
      action: 'REPAYMENT_RECORDED',
      result: 'SUCCESS',
      resourceType: 'repayment',
      resourceId: p.paymentId,
      loanId: p.loanId,
      detail: { maker: p.madeBy, channel: p.channel, amount: posting.amount, reference: posting.reference },
    });
  return { paymentId: posting.paymentId, status: posting.status };
}

export function notFoundPosting(): ApiError {
  return ApiError.notFound({ zh: '待复核还款', en: 'Staff posting' });
}

export function alreadyDecided(posting: StaffPosting): ApiError {
  return ApiError.conflict('POSTING_ALREADY_DECIDED', {
    zh: `该笔还款已处理（${posting.status}）`,
    en: `This posting was already decided (${posting.status})`,
  });
}

/** What an approved posting did: a repayment of the loan, or a recovery on a written-off loan. */
export type PostedTo =
  { repayment: RepaymentResult; recovery?: undefined } | { recovery: RecoveryRecord; repayment?: undefined };

/**
 * Sends an approved posting to its loan; a refusal by the loan puts it back to pending. On a
 * written-off loan (its workflow has ended) the posting is a recovery, booked without the workflow.
 */
async function postToLoan(deps: Pick<ApiDeps, 'temporal' | 'sql'>, posting: StaffPosting): Promise<PostedTo> {
  const paymentId = posting.postedPaymentId!;
  const recovery = await recoveryIfWrittenOff(deps.sql, {
    loanId: posting.loanId,
    paymentId,
    channel: posting.channel,
    amount: posting.amount,
    receivedOn: posting.receivedOn,
    recordedBy: posting.checkedBy ?? posting.madeBy,
    // A line of the bank's statement confirmed it (posted under the line's id), or a person did.
    source: posting.statementLineId ? 'BANK' : 'CHECKER',
  });
  if (recovery?.kind === 'PAYMENT_ID_IN_USE') {
    await releaseClaim(deps.sql, posting.paymentId);
    throw ApiError.conflict('PAYMENT_ID_IN_USE', {
      zh: '该 paymentId 已用于另一笔款项',
      en: 'This paymentId was already used for another payment',
    });
  }
  if (recovery?.kind === 'REFUSED') {
    // Back to pending: a checker rejects it (or, for a transfer, the bank's statement confirms it).
    await releaseClaim(deps.sql, posting.paymentId);
    const { code, field, text } = recovery.refusal;
    throw new ApiError(409, code, text, [{ field, code, message: text }]);
  }
  if (recovery) {
    await markPosted(deps.sql, posting.paymentId);
    return { recovery: recovery.recovery };
  }
  try {
    const result = await callWorkflow(() =>
      loanHandle(deps.temporal, posting.loanId).executeUpdate(repayUpdate, {
        args: [
          {
            paymentId,
            amount: posting.amount,
            channel: posting.channel,
            receivedOn: posting.receivedOn,
            recordedBy: { userId: posting.madeBy, role: 'FINANCE' },
          },
        ],
        updateId: `repay:${paymentId}`,
      }),
    );
    await markPosted(deps.sql, posting.paymentId);
    return { repayment: result };
  } catch (err) {
    // A business refusal will not change on a retry: the posting waits again for a decision.
    // Anything else (the workflow did not answer) keeps the claim so the same checker can retry.
    if (err instanceof ApiError && err.status < 500) await releaseClaim(deps.sql, posting.paymentId);
    throw err;
  }
}

/** A different finance user approves: the posting reaches the loan under its own payment id. */
export async function approveByChecker(
  deps: Pick<ApiDeps, 'temporal' | 'sql'>,
  paymentId: string,
  checker: string,
): Promise<{ posting: StaffPosting; posted: PostedTo }> {
  const posting = await findPosting(deps.sql, paymentId);
  if (!posting) throw notFoundPosting();
  if (posting.madeBy === checker) throw ApiError.forbidden(NOT_YOUR_OWN_POSTING, 'OWN_POSTING');
  const claimed = await claimForApproval(deps.sql, paymentId, checker, { paymentId, statementLineId: null });
  if (!claimed) throw alreadyDecided((await findPosting(deps.sql, paymentId)) ?? posting);
  return { posting: claimed, posted: await postToLoan(deps, claimed) };
}

/** A different finance user rejects with a reason: the posting is closed and never reaches the loan. */
export async function rejectByChecker(
  sql: ApiDeps['sql'],
  paymentId: string,
  checker: string,
  reason: string,
): Promise<StaffPosting> {
  const posting = await findPosting(sql, paymentId);
  if (!posting) throw notFoundPosting();
  if (posting.madeBy === checker) throw ApiError.forbidden(NOT_YOUR_OWN_POSTING, 'OWN_POSTING');
  const rejected = await rejectPosting(sql, paymentId, checker, reason);
  if (!rejected) throw alreadyDecided((await findPosting(sql, paymentId)) ?? posting);
  return rejected;
}

export interface StatementMatch {
  paymentId: string;
  statementLineId: string;
  loanId: string;
  amount: string;
  /** The posting as approved by the line. */
  posting: StaffPosting;
}

function sameAmount(a: string, b: string): boolean {
  return Number(a).toFixed(2) === Number(b).toFixed(2);
}

/**
 * Confirms pending BANK_TRANSFER postings by the bank's statement of incoming payments: a posting
 * whose amount and reference equal those of a line no repayment has taken is approved by that line
 * (checked by the statement) and reaches the loan under the line's payment id, so the bank's own
 * notice of the same line can never apply it a second time and reconciliation pairs them.
 */
export async function matchBankStatement(
  deps: Pick<ApiDeps, 'temporal' | 'sql'>,
  bank: Pick<BankClient, 'ledger'>,
  pending: readonly StaffPosting[],
): Promise<StatementMatch[]> {
  const candidates = pending.filter((p) => p.channel === 'BANK_TRANSFER' && p.reference);
  if (candidates.length === 0) return [];
  const lines = await unmatchedStatementLines(deps.sql, (await bank.ledger()).incoming);
  const used = new Set<string>();
  const matches: StatementMatch[] = [];
  for (const posting of candidates) {
    const line = lines.find(
      (l) => !used.has(l.paymentId) && l.reference === posting.reference && sameAmount(l.amount, posting.amount),
    );
    if (!line) continue;
    used.add(line.paymentId);
    const claimed = await claimForApproval(deps.sql, posting.paymentId, STATEMENT_CHECKER, {
      paymentId: line.paymentId,
      statementLineId: line.paymentId,
    }).catch((err: unknown) => {
      // Another run matched this line to another posting first (statement_line_id is unique).
      if ((err as { code?: string }).code === '23505') return null;
      throw err;
    });
    if (!claimed) continue;
    try {
      await postToLoan(deps, claimed);
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) continue;
      throw err;
    }
    matches.push({
      paymentId: posting.paymentId,
      statementLineId: line.paymentId,
      loanId: posting.loanId,
      amount: posting.amount,
      posting: claimed,
    });
  }
  return matches;
}
