// The reviewer's own limits, checked before a review decision reaches the loan's workflow (which
// checks the role's authority from the product): a person's approval limit, and that no one
// approves through an account they created.
import { Decimal } from 'decimal.js';
import type { Sql } from '../lib/db-client.js';
import type { AuthUser } from '../security/authenticator.js';
import { ApiError } from './errors.js';
import type { LoanRecord } from './loan-access.js';

export interface ReviewRequest {
  stage: 'INITIAL' | 'FINAL';
  decision: string;
  /** A final reviewer's changed amount, if any. */
  amount?: string;
}

interface Person {
  id: string;
  created_by: string | null;
  approval_limit: string | null;
}

/**
 * Refuses an APPROVE (403) when the amount is above the reviewer's own approval limit, or when
 * the reviewer and another person of the loan are linked through account creation: the reviewer
 * created the account of whoever applied for the loan or did its initial review, or was created by
 * them; or, at the final review, the same administrator created both reviewers' accounts and could
 * decide both steps alone. Rejections and requests for documents are never refused here.
 */
export async function assertReviewerMayApprove(
  sql: Sql,
  reviewer: AuthUser,
  loan: Pick<LoanRecord, 'amount' | 'created_by' | 'initial_reviewer_id'>,
  request: ReviewRequest,
): Promise<void> {
  if (request.decision !== 'APPROVE') return;
  const others = [loan.created_by, request.stage === 'FINAL' ? loan.initial_reviewer_id : null].filter(
    (id): id is string => id !== null && id !== reviewer.userId,
  );
  const people = await sql<Person[]>`
    select id, created_by, approval_limit from users where id in ${sql([reviewer.userId, ...others])}`;
  const me = people.find((p) => p.id === reviewer.userId);
  if (!me) throw ApiError.unauthenticated();

  const amount = new Decimal(request.amount ?? loan.amount);
  if (me.approval_limit !== null && amount.gt(me.approval_limit)) {
    throw ApiError.forbidden(
      {
        zh: `金额 ${amount.toFixed(2)} 元超过您的个人审批权限 ${new Decimal(me.approval_limit).toFixed(2)} 元`,
        en: `${amount.toFixed(2)} is above your personal approval limit of ${new Decimal(me.approval_limit).toFixed(2)}`,
      },
      'ABOVE_PERSONAL_APPROVAL_LIMIT',
    );
  }

  for (const other of people.filter((p) => p.id !== me.id)) {
    const bothReviewers = other.id === loan.initial_reviewer_id;
    const linked =
      me.created_by === other.id ||
      other.created_by === me.id ||
      (bothReviewers && me.created_by !== null && me.created_by === other.created_by);
    if (linked) {
      throw ApiError.forbidden(
        {
          zh: '您的账户与本笔贷款的申请人或初审人互为创建者，或与初审人由同一人创建，不能审批通过',
          en: 'One of your account and that of the applicant or initial reviewer of this loan created the other, or the same person created yours and the initial reviewer’s; you cannot approve it',
        },
        'SEPARATION_OF_DUTIES_ACCOUNT_CREATOR',
      );
    }
  }
}
