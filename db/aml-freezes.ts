// AML freezes (aml_freezes, migration 0036): borrowers no money is paid out to while a screening
// hit against them stands. Written with the review decisions in db/aml-reviews.ts.
import type { Sql } from '../lib/db-client.js';

/** The review that keeps the loan's borrower frozen, or null when nothing does. */
export async function freezeOfLoanBorrower(sql: Sql, loanId: string): Promise<{ reviewId: string } | null> {
  const [row] = await sql<{ review_id: string }[]>`
    select f.review_id from aml_freezes f join loans l on l.borrower_id = f.borrower_id
    where l.id = ${loanId} order by f.frozen_at limit 1`;
  return row ? { reviewId: row.review_id } : null;
}
