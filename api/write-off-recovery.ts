// Money arriving on a written-off loan (a bank notice, or a staff posting its checker approved):
// the loan's workflow ended with the write-off, so the payment is posted as a recovery
// (db/write-off-recoveries.ts) instead of a repayment. Null when the loan is not written off: the
// payment then goes to the loan's workflow as before.
import { postRecovery, type RecoveryOutcome, type RecoveryRequest } from '../db/write-off-recoveries.js';
import type { ApiDeps } from './env.js';

export async function recoveryIfWrittenOff(
  sql: ApiDeps['sql'],
  r: RecoveryRequest,
): Promise<Exclude<RecoveryOutcome, { kind: 'NOT_WRITTEN_OFF' }> | null> {
  const [loan] = await sql<{ status: string }[]>`select status from loans where id = ${r.loanId}`;
  if (loan?.status !== 'WRITTEN_OFF') return null;
  const outcome = await postRecovery(sql, r);
  return outcome.kind === 'NOT_WRITTEN_OFF' ? null : outcome;
}
