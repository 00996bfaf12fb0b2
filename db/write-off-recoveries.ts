// Recoveries after write-off (domain/write-off-recovery.ts): a payment received on a WRITTEN_OFF
// loan goes in one transaction to the ledger (its WRITE_OFF_RECOVERY entry), to
// write_off_recoveries (once per payment id) and to the loan's timeline (WRITE_OFF_RECOVERY, detail
// amount), which credit reporting reads. The loan's workflow has ended with the write-off, so
// nothing here goes through it. The same payment id again answers the recovery it made.
import {
  recoveryEntry,
  recoveryRefusal,
  sameRecovery,
  type Recovery,
  type RecoveryRefusal,
  type RecoverySource,
} from '../domain/write-off-recovery.js';
import type { Sql } from '../lib/db-client.js';

export interface RecoveryRecord extends Recovery {
  recordedBy: string;
  businessKey: string;
  recordedAt: string;
}

export type RecoveryOutcome =
  | { kind: 'RECOVERED'; recovery: RecoveryRecord; duplicate: boolean }
  /** The loan is not written off (it is still serviced, or closed otherwise): not a recovery. */
  | { kind: 'NOT_WRITTEN_OFF'; status: string | null }
  /** The payment id already names another payment (a repayment, or a recovery of another loan or amount). */
  | { kind: 'PAYMENT_ID_IN_USE' }
  /** Not a recovery this loan can take (domain/write-off-recovery.ts recoveryRefusal); nothing booked. */
  | { kind: 'REFUSED'; refusal: RecoveryRefusal };

interface Row {
  payment_id: string;
  loan_id: string;
  channel: Recovery['channel'];
  amount: string;
  received_on: string;
  recorded_by: string;
  business_key: string;
  created_at: Date;
}

const recordOf = (r: Row): RecoveryRecord => ({
  paymentId: r.payment_id,
  loanId: r.loan_id,
  channel: r.channel,
  amount: r.amount,
  receivedOn: r.received_on,
  recordedBy: r.recorded_by,
  businessKey: r.business_key,
  recordedAt: r.created_at.toISOString(),
});

export type RecoveryRequest = Recovery & { recordedBy: string; source: RecoverySource };

/**
 * Posts a payment on a written-off loan as a recovery, once per payment id. The loan's row is
 * locked while it is checked, so a second request for the same payment waits and then answers the
 * first one's recovery, and two recoveries of the loan at once are checked one after the other
 * against the amount left. The month-end close's lock is shared for the transaction, so a month
 * closing meanwhile is seen closed.
 */
export async function postRecovery(sql: Sql, r: RecoveryRequest): Promise<RecoveryOutcome> {
  const entry = recoveryEntry(r);
  return sql.begin(async (tx) => {
    const [loan] = await tx<{ status: string }[]>`select status from loans where id = ${r.loanId} for update`;
    const [earlier] = await tx<Row[]>`
      select payment_id, loan_id, channel, amount::text, received_on::text, recorded_by, business_key, created_at
      from write_off_recoveries where payment_id = ${r.paymentId}`;
    if (earlier) {
      return sameRecovery(recordOf(earlier), r)
        ? { kind: 'RECOVERED' as const, recovery: recordOf(earlier), duplicate: true }
        : { kind: 'PAYMENT_ID_IN_USE' as const };
    }
    if (loan?.status !== 'WRITTEN_OFF') return { kind: 'NOT_WRITTEN_OFF' as const, status: loan?.status ?? null };
    await tx`select pg_advisory_xact_lock_shared(ledger_close_lock_key())`;
    const [position] = await tx<
      { written_off_on: string | null; written_off: string; recovered: string; closed: boolean }[]
    >`
      select
        (select min(coalesce(original_effective_on, effective_on))::text from journal_entries
          where loan_id = ${r.loanId} and kind = 'WRITE_OFF') as written_off_on,
        (select coalesce(sum(l.debit - l.credit), 0)::numeric(14, 2)::text from journal_lines l
          where l.loan_id = ${r.loanId} and l.account = 'LOAN_LOSS') as written_off,
        (select coalesce(sum(amount), 0)::numeric(14, 2)::text from write_off_recoveries
          where loan_id = ${r.loanId}) as recovered,
        exists (select 1 from ledger_periods where period = to_char(${r.receivedOn}::date, 'YYYY-MM')) as closed`;
    const refusal = recoveryRefusal(r, {
      writtenOffOn: position!.written_off_on ?? r.receivedOn,
      writtenOff: position!.written_off,
      recovered: position!.recovered,
      periodClosed: position!.closed,
    });
    if (refusal) return { kind: 'REFUSED' as const, refusal };
    const [taken] = await tx`
      select 1 from journal_entries where business_key = ${entry.businessKey} or external_ref = ${entry.externalRef}`;
    if (taken) return { kind: 'PAYMENT_ID_IN_USE' as const };
    const [posted] = await tx<{ id: string }[]>`
      insert into journal_entries (business_key, loan_id, kind, effective_on, external_ref, memo)
      values (${entry.businessKey}, ${entry.loanId}, ${entry.kind}, ${entry.effectiveOn}, ${entry.externalRef}, ${entry.memo})
      returning id`;
    for (const [i, line] of entry.lines.entries())
      await tx`
        insert into journal_lines (entry_id, line_no, account, loan_id, debit, credit)
        values (${posted!.id}, ${i + 1}, ${line.account}, ${entry.loanId}, ${line.debit}, ${line.credit})`;
    const [row] = await tx<Row[]>`
      insert into write_off_recoveries (payment_id, loan_id, channel, amount, received_on, recorded_by, business_key)
      values (${r.paymentId}, ${r.loanId}, ${r.channel}, ${entry.lines[0]!.debit}, ${r.receivedOn}, ${r.recordedBy}, ${entry.businessKey})
      returning payment_id, loan_id, channel, amount::text, received_on::text, recorded_by, business_key, created_at`;
    await tx`
      insert into loan_events (loan_id, event_key, kind, actor, detail)
      values (${r.loanId}, ${`recovery:${r.paymentId}`}, 'WRITE_OFF_RECOVERY', ${r.recordedBy},
              ${tx.json({ amount: row!.amount, paymentId: r.paymentId, channel: r.channel, receivedOn: r.receivedOn })})`;
    return { kind: 'RECOVERED' as const, recovery: recordOf(row!), duplicate: false };
  });
}

/** The recoveries of a loan, oldest first, and their total. */
export async function recoveriesOf(sql: Sql, loanId: string): Promise<{ total: string; items: RecoveryRecord[] }> {
  const rows = await sql<Row[]>`
    select payment_id, loan_id, channel, amount::text, received_on::text, recorded_by, business_key, created_at
    from write_off_recoveries where loan_id = ${loanId} order by received_on, created_at`;
  const [sum] = await sql<{ total: string }[]>`
    select coalesce(sum(amount), 0)::numeric(14, 2)::text as total from write_off_recoveries where loan_id = ${loanId}`;
  return { total: sum!.total, items: rows.map(recordOf) };
}

export async function findRecovery(sql: Sql, paymentId: string): Promise<RecoveryRecord | null> {
  const [row] = await sql<Row[]>`
    select payment_id, loan_id, channel, amount::text, received_on::text, recorded_by, business_key, created_at
    from write_off_recoveries where payment_id = ${paymentId}`;
  return row ? recordOf(row) : null;
}
