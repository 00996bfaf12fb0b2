// Loan-loss provisions follow the loan's five-category class: in the transaction that records a
// servicing change, the loan's provision is moved to its class's rate of the outstanding principal
// when the class changed, when it was never set, or when no principal is left (domain/provisions.ts).
// Idempotent: a retried change finds the class already recorded and the provision already moved,
// and each move has its own key, loan:<id>:provision:<n>.
import { provisionEntry, provisionMove } from '../domain/provisions.js';
import { toMoney } from '../domain/money.js';
import type { LoanClass, LocalDate, Money } from '../domain/types.js';
import type { TransactionSql } from '../lib/db-client.js';
import { provisionRates } from '../db/ledger-books.js';
import { postEntries } from './ledger.js';

/**
 * The loan's effective class before this change (an approved classification override included,
 * effective_classification in migration 0038), with the row locked until the change commits.
 */
export async function classBeforeChange(tx: TransactionSql, loanId: string): Promise<LoanClass> {
  const [row] = await tx<{ classification: LoanClass }[]>`
    select effective_classification(id, classification) as classification from loans where id = ${loanId} for update`;
  return row?.classification ?? 'NORMAL';
}

/** Moves the loan's provision when its class (or what is left of its principal) calls for it. */
export async function moveProvision(
  tx: TransactionSql,
  p: {
    loanId: string;
    previousClass: LoanClass;
    classification: LoanClass;
    outstandingPrincipal: Money;
    on: LocalDate;
  },
): Promise<string | null> {
  const [held] = await tx<{ balance: string; moves: number }[]>`
    select coalesce(sum(l.credit - l.debit), 0)::text as balance,
           (select count(*)::int from journal_entries where loan_id = ${p.loanId} and kind = 'PROVISION') as moves
    from journal_lines l where l.loan_id = ${p.loanId} and l.account = 'LOAN_LOSS_RESERVE'`;
  const delta = provisionMove({
    held: toMoney(held!.balance),
    previousClass: p.previousClass,
    classification: p.classification,
    outstandingPrincipal: p.outstandingPrincipal,
    rates: await provisionRates(tx),
  });
  if (delta === null) return null;
  const entry = provisionEntry({
    loanId: p.loanId,
    sequence: held!.moves + 1,
    on: p.on,
    delta,
    classification: p.classification,
  });
  await postEntries(tx, [entry]);
  return entry.businessKey;
}
