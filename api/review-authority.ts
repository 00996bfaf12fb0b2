// The reviewer's own limits, checked before a review decision reaches the loan's workflow (which
// checks the role's authority from the product): a person's approval limit, and that no one
// approves through accounts they control (created, password-reset or re-roled; user_controls).
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
  approval_limit: string | null;
}

/**
 * Everyone who controls each of `ids`, directly or up a chain of control: whoever created the
 * account, reset its password or changed its role, and whoever controls those accounts in turn.
 */
async function controllersOf(sql: Sql, ids: string[]): Promise<Map<string, Set<string>>> {
  const rows = await sql<{ user_id: string; controller_id: string }[]>`
    with recursive up (user_id, controller_id) as (
      select user_id, controller_id from user_controls where user_id in ${sql(ids)}
      union
      select up.user_id, uc.controller_id from up join user_controls uc on uc.user_id = up.controller_id
    )
    select user_id, controller_id from up`;
  const map = new Map<string, Set<string>>(ids.map((id) => [id, new Set<string>()]));
  for (const row of rows) map.get(row.user_id)!.add(row.controller_id);
  return map;
}

/** Whether one person could act through the other's account, or one person through both. */
function linkedByControl(a: string, b: string, controllers: Map<string, Set<string>>): boolean {
  const ofA = controllers.get(a)!;
  const ofB = controllers.get(b)!;
  if (ofA.has(b) || ofB.has(a)) return true;
  for (const id of ofA) if (ofB.has(id)) return true;
  return false;
}

/**
 * Refuses an APPROVE (403) when the amount is above the reviewer's own approval limit, or when
 * the reviewer and another person of the loan (whoever applied for it; at the final review also
 * its initial reviewer) are linked through control of accounts: one controls the other, or
 * someone controls both, directly or through a chain of accounts (an administrator who created
 * another administrator controls what that one creates). Rejections and requests for documents
 * are never refused here.
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
  const [me] = await sql<Person[]>`select id, approval_limit from users where id = ${reviewer.userId}`;
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

  const controllers = await controllersOf(sql, [me.id, ...others]);
  if (others.some((other) => linkedByControl(me.id, other, controllers))) {
    throw ApiError.forbidden(
      {
        zh: '您的账户与本笔贷款的申请人或初审人的账户互相控制，或由同一人控制（创建、重置密码或变更角色，含经由其他账户），不能审批通过',
        en: 'Your account and that of the applicant or initial reviewer of this loan control each other, or the same person controls both (created, reset the password of or changed the role of, also through other accounts); you cannot approve it',
      },
      'SEPARATION_OF_DUTIES_ACCOUNT_CREATOR',
    );
  }
}
