// Whose case a loan is, for audited unmasking: a reviewer's while the loan waits at the reviewer's
// stage (the stage's reviewers share one inbox), unless its review task is assigned to someone
// else; the status opens the round before the task row is written, so the status decides. A
// collector's while it is their case (loans.collector_id) or an open collection task in their
// inbox (assigned to them, or to no one yet).
import type { Sql } from '../lib/db-client.js';
import type { AuthUser } from '../security/authenticator.js';

const REVIEW_STAGE = { INITIAL_REVIEWER: 'INITIAL_REVIEW', FINAL_REVIEWER: 'FINAL_REVIEW' } as const;

function openTaskFor(sql: Sql, user: AuthUser) {
  return sql`exists (
    select 1 from tasks t
    where t.loan_id = l.id and t.status = 'OPEN' and t.role = ${user.role}
      and (t.assignee_id is null or t.assignee_id = ${user.userId}))`;
}

function assignedToSomeoneElse(sql: Sql, user: AuthUser) {
  return sql`exists (
    select 1 from tasks t
    where t.loan_id = l.id and t.status = 'OPEN' and t.role = ${user.role}
      and t.assignee_id is not null and t.assignee_id <> ${user.userId})`;
}

export async function isOwnCase(sql: Sql, user: AuthUser, loanId: string): Promise<boolean> {
  let mine;
  if (user.role === 'INITIAL_REVIEWER' || user.role === 'FINAL_REVIEWER') {
    mine = sql`l.status = ${REVIEW_STAGE[user.role]} and not ${assignedToSomeoneElse(sql, user)}`;
  } else if (user.role === 'COLLECTOR') {
    mine = sql`(l.collector_id = ${user.userId} or ${openTaskFor(sql, user)})`;
  } else {
    return false;
  }
  const [row] = await sql<
    { mine: boolean }[]
  >`select exists (select 1 from loans l where l.id = ${loanId} and ${mine}) as mine`;
  return row?.mine ?? false;
}
