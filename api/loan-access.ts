// Data scoping: which loans a signed-in user may see. A loan outside the caller's scope
// answers 404, so its existence is not revealed.
import type { Sql } from '../lib/db-client.js';
import type { AuthUser } from '../security/authenticator.js';
import { ScopeRefusal } from './access-refusals.js';
import { ApiError } from './errors.js';

export interface LoanRecord {
  id: string;
  borrower_id: string;
  created_by: string;
  loan_type: string;
  product_code: string;
  status: string;
  amount: string;
  term_count: number;
  method: string;
  frequency: string;
  annual_rate: string;
  /** How the application came in: ONLINE (the borrower) or OFFLINE (a loan officer). */
  channel: string;
  /** The channel whose API key came with the application (loan_channels); loanInScope reads it. */
  channel_key?: string | null;
  application_enc: string;
  initial_reviewer_id: string | null;
  final_reviewer_id: string | null;
  collector_id: string | null;
  assessment: unknown;
  offer: unknown;
  /** The view fields the workflow handed over (api/loan-view.ts). */
  view_fields: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

/**
 * The channel a loan shows: the channel whose API key came with the application (e.g.
 * WECHAT_MINIAPP), else ONLINE for a borrower's own application, OFFLINE for a loan officer's.
 */
export function loanChannel(loan: Pick<LoanRecord, 'channel' | 'channel_key'>): string {
  return loan.channel_key ?? loan.channel;
}

/** SQL condition limiting `loans l` to what the user may see. */
export function loanScope(sql: Sql, user: AuthUser) {
  switch (user.role) {
    case 'BORROWER':
      return sql`l.borrower_id = ${user.userId}`;
    case 'LOAN_OFFICER':
      return sql`l.created_by = ${user.userId}`;
    case 'INITIAL_REVIEWER':
      return sql`(l.status = 'INITIAL_REVIEW' or l.initial_reviewer_id = ${user.userId})`;
    case 'FINAL_REVIEWER':
      return sql`(l.status = 'FINAL_REVIEW' or l.final_reviewer_id = ${user.userId})`;
    case 'COLLECTOR':
      return sql`(l.collector_id = ${user.userId} or exists (
        select 1 from tasks t where t.loan_id = l.id and t.role = 'COLLECTOR' and (t.assignee_id is null or t.assignee_id = ${user.userId})))`;
    default:
      return sql`true`;
  }
}

export async function loanInScope(sql: Sql, user: AuthUser, loanId: string): Promise<LoanRecord> {
  const [loan] = await sql<LoanRecord[]>`
    select l.*, lc.channel as channel_key
    from loans l left join loan_channels lc on lc.loan_id = l.id
    where l.id = ${loanId} and ${loanScope(sql, user)}`;
  if (loan) return loan;
  const hidden = ApiError.notFound({ zh: '贷款', en: 'Loan' });
  // A loan that exists but is not the caller's: the same 404, and an audited refusal.
  const [exists] = await sql`select 1 from loans where id = ${loanId}`;
  if (exists)
    throw new ScopeRefusal(hidden, { reason: 'OUT_OF_SCOPE', resourceType: 'loan', resourceId: loanId, loanId });
  throw hidden;
}
