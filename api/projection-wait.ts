// Read your own writes: an update answers once the workflow has moved on, and the activity that
// stores that step may still be running. Routes that answer an update wait for the loans
// projection to hold the workflow's latest event, so the caller's next read of the loan (from
// PostgreSQL) shows what the answer said.
import type { Sql } from '../lib/db-client.js';
import type { LoanView } from '../contracts/loan-view.js';

const POLL_MS = 25;

/** Waits until the workflow's latest timeline event is stored, at most `timeoutMs` (then the read may lag a little). */
export async function projectionCaughtUp(
  sql: Sql,
  loanId: string,
  view: Pick<LoanView, 'timeline'>,
  timeoutMs = 5_000,
): Promise<boolean> {
  const latest = view.timeline.at(-1);
  if (!latest) return true;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [stored] =
      await sql`select 1 from loan_events where loan_id = ${loanId} and kind = ${latest.kind} and at = ${latest.at}::timestamptz limit 1`;
    if (stored) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
