// What credit reporting reads of a loan: the schedule as servicing keeps it (installments), the
// repayments not reversed, the timeline entries it reports (status changes to PAID_OFF and
// WRITTEN_OFF, EXTENDED, RESTRUCTURED, CLASSIFICATION_OVERRIDDEN, WRITE_OFF_RECOVERY) in the
// workflow's order, and the borrower's name and ID number (decrypted here, never logged).
import { localDateOf } from '../domain/business-time.js';
import type { AccountHistory } from '../domain/credit-reporting/account-state.js';
import type { AccountIdentity } from '../domain/credit-reporting/record.js';
import type { Frequency, LoanType, LocalDate } from '../domain/types.js';
import type { Sql } from '../lib/db-client.js';
import { USER_FIELDS } from '../security/encryption-contexts.js';
import type { FieldCipher } from '../security/field-crypto.js';

export const REPORTED_TIMELINE_KINDS = [
  'STATUS_PAID_OFF',
  'STATUS_WRITTEN_OFF',
  'EXTENDED',
  'RESTRUCTURED',
  'CLASSIFICATION_OVERRIDDEN',
  'WRITE_OFF_RECOVERY',
] as const;

export interface ReportedAccount {
  identity: AccountIdentity;
  history: AccountHistory;
}

interface LoanRow {
  id: string;
  loan_type: LoanType;
  amount: string;
  frequency: Frequency;
  disbursed_at: Date;
  name_enc: string | null;
  id_number_enc: string | null;
}

/**
 * Every loan paid out on or before `date` whose borrower's personal data is still held, with
 * what reporting needs; `loanIds` narrows it to those loans.
 */
export async function reportedAccounts(
  sql: Sql,
  cipher: FieldCipher,
  options: { date: LocalDate; timeZone: string; loanIds?: readonly string[] },
): Promise<ReportedAccount[]> {
  const { date, timeZone } = options;
  const loans = await sql<LoanRow[]>`
    select l.id, l.loan_type, l.amount::text, l.frequency, l.disbursed_at, u.name_enc, u.id_number_enc
    from loans l join users u on u.id = l.borrower_id
    where l.disbursed_at is not null and l.pii_purged_at is null
      and (l.disbursed_at at time zone ${timeZone})::date <= ${date}::date
      ${options.loanIds ? sql`and l.id in ${sql(options.loanIds as string[])}` : sql``}
    order by l.id`;
  if (loans.length === 0) return [];
  const ids = loans.map((l) => l.id);
  const installments = await sql<
    {
      loan_id: string;
      number: number;
      due_date: string;
      principal: string;
      amount_due: string;
      paid_principal: string;
      paid_amount: string;
      paid_on: string | null;
    }[]
  >`
    select loan_id, number, due_date::text, principal::text, (principal + interest + fee)::text as amount_due,
           paid_principal::text, (paid_principal + paid_interest + paid_fee)::text as paid_amount, paid_on::text
    from installments where loan_id in ${sql(ids)} order by loan_id, number`;
  const repayments = await sql<{ loan_id: string; received_on: string; amount: string }[]>`
    select r.loan_id, r.received_on::text, r.amount::text from repayments r
    where r.loan_id in ${sql(ids)}
      and not exists (select 1 from payment_reversals v where v.payment_id = r.payment_id and v.status = 'APPROVED')
    order by r.loan_id, r.received_on, r.created_at`;
  const events = await sql<{ loan_id: string; kind: string; at: Date; detail: Record<string, unknown> }[]>`
    select loan_id, kind, at, detail from loan_events
    where loan_id in ${sql(ids)} and kind in ${sql([...REPORTED_TIMELINE_KINDS])}
    order by loan_id, at, id`;

  const byLoan = <T extends { loan_id: string }>(rows: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) map.set(r.loan_id, [...(map.get(r.loan_id) ?? []), r]);
    return map;
  };
  const inst = byLoan(installments);
  const pays = byLoan(repayments);
  const evs = byLoan(events);
  const accounts: ReportedAccount[] = [];
  for (const l of loans) {
    if (!l.name_enc || !l.id_number_enc) continue;
    const openDate = localDateOf(l.disbursed_at.getTime(), timeZone);
    accounts.push({
      identity: {
        loanId: l.id,
        loanType: l.loan_type,
        openDate,
        amount: l.amount,
        frequency: l.frequency,
        name: cipher.decrypt(l.name_enc, USER_FIELDS.name),
        idNumber: cipher.decrypt(l.id_number_enc, USER_FIELDS.idNumber),
      },
      history: {
        openDate,
        amount: l.amount,
        installments: (inst.get(l.id) ?? []).map((i) => ({
          number: i.number,
          dueDate: i.due_date,
          principal: i.principal,
          amountDue: i.amount_due,
          paidPrincipal: i.paid_principal,
          paidAmount: i.paid_amount,
          paidOn: i.paid_on,
        })),
        repayments: (pays.get(l.id) ?? []).map((r) => ({ receivedOn: r.received_on, amount: r.amount })),
        events: (evs.get(l.id) ?? []).map((e) => ({
          kind: e.kind,
          on: localDateOf(e.at.getTime(), timeZone),
          detail: e.detail,
        })),
      },
    });
  }
  return accounts;
}
