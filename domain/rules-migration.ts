// Moving a running loan onto a later version of the money rules: the one way a rule change reaches
// a loan offered under an earlier version. Pure; the workflow applies it only behind a patched()
// branch, on an ops decision (docs/operations/money-rules.md).
//
// CONTRACT of migrateAccount(account, toVersion, asOf):
//   - What was posted stays: every installment charged or due by `asOf` keeps its row exactly,
//     every amount paid, every receipt, the penalty interest and late fees posted, the credit held
//     and the principal still owed. Charges are first brought up to `asOf` under the old version.
//   - From `asOf` on, the new version answers every question (charges, payoff, allocation,
//     re-amortization, classification); its `adopt` re-derives what it defines differently for the
//     installments not yet charged, checked against the rule above.
//   - Refused: an unknown version, a lower one, a closed loan, a date before something already
//     posted, and a loan with an installment due by `asOf` and unpaid (its overdue charges run
//     from its due date, so moving it would reprice days already gone). The same version is a
//     no-op, so a retried migration changes nothing.
import { compareDates } from './dates.js';
import { DomainError } from './errors.js';
import { money, sum } from './money.js';
import { RULE_BOOK, rulesFor, type RuleBook } from './money-rules.js';
import {
  accrue,
  isPaidOff,
  isSettled,
  owedOn,
  rulesVersionOf,
  type InstallmentState,
  type LoanAccount,
  type Posting,
} from './servicing-account.js';
import type { LocalDate } from './types.js';

export interface Migration extends Posting {
  from: number;
  to: number;
}

function refuse(code: string, zh: string, en: string): never {
  throw new DomainError(code, { zh, en });
}

/** Latest date anything was posted or paid on the account. */
function lastPostedOn(a: LoanAccount): LocalDate {
  let last = a.disbursedOn;
  for (const i of a.installments) {
    for (const d of [i.paidOn, ...i.receipts.map((r) => r.date), i.charged ? i.dueDate : null]) {
      if (d !== null && compareDates(d, last) > 0) last = d;
    }
  }
  return last;
}

/** Move `account` onto `toVersion` as of `asOf` (see the contract above). */
export function migrateAccount(
  account: LoanAccount,
  toVersion: number,
  asOf: LocalDate,
  book: RuleBook = RULE_BOOK,
): Migration {
  const from = rulesVersionOf(account);
  rulesFor(from, book);
  rulesFor(toVersion, book);
  if (toVersion === from) return { account, entries: [], changed: [], from, to: toVersion };
  if (toVersion < from)
    refuse(
      'RULES_DOWNGRADE_REFUSED',
      `不能从计息规则版本 ${from} 改回 ${toVersion}`,
      `A loan on money rules version ${from} cannot go back to ${toVersion}`,
    );
  if (account.writtenOffOn !== null || isPaidOff(account))
    refuse(
      'LOAN_CLOSED',
      '贷款已结清或核销，无需迁移',
      'The loan is paid off or written off: there is nothing to migrate',
    );
  if (compareDates(asOf, lastPostedOn(account)) < 0) {
    refuse(
      'MIGRATION_BEFORE_POSTINGS',
      `迁移日期 ${asOf} 早于已入账的业务`,
      `The migration date ${asOf} is before something already posted on the loan`,
    );
  }
  const late = account.installments.find((i) => compareDates(i.dueDate, asOf) <= 0 && !isSettled(i));
  if (late) {
    refuse(
      'LOAN_NOT_CURRENT',
      `第 ${late.number} 期已到期未还清，贷款恢复正常后再迁移`,
      `Installment ${late.number} is due and unpaid: migrate once the loan is current`,
    );
  }

  const brought = accrue(account, asOf, book);
  let next: LoanAccount = brought.account;
  for (let version = from + 1; version <= toVersion; version++) {
    const rules = rulesFor(version, book);
    const stamped: LoanAccount = { ...next, rulesVersion: version };
    next = rules.adopt ? { ...rules.adopt(stamped, asOf), rulesVersion: version } : stamped;
  }
  keepsWhatWasPosted(brought.account, next, asOf);
  const before = new Map(brought.account.installments.map((i) => [i.number, JSON.stringify(i)]));
  const changed = new Set(brought.changed);
  for (const i of next.installments) if (before.get(i.number) !== JSON.stringify(i)) changed.add(i.number);
  for (const n of before.keys()) if (!next.installments.some((i) => i.number === n)) changed.add(n);
  return { account: next, entries: brought.entries, changed: [...changed].sort((x, y) => x - y), from, to: toVersion };
}

const PAID_FIELDS = [
  'paidPrincipal',
  'paidInterest',
  'paidFee',
  'paidPenalty',
  'penaltyCharged',
  'lateFee',
  'paidOn',
] as const;

/** Throws unless the migrated account keeps everything the contract above says stays. */
function keepsWhatWasPosted(old: LoanAccount, next: LoanAccount, asOf: LocalDate): void {
  const broken = (what: string): never =>
    refuse(
      'MIGRATION_CHANGED_POSTINGS',
      `迁移改变了已入账的数据：${what}`,
      `The migration changed what was already posted: ${what}`,
    );
  for (const key of ['loanId', 'disbursedOn', 'credit', 'creditApplications', 'writtenOffOn'] as const) {
    if (old[key] !== next[key]) broken(key);
  }
  if (JSON.stringify(old.terms) !== JSON.stringify(next.terms)) broken('terms');
  const byNumber = new Map(next.installments.map((i) => [i.number, i]));
  for (const i of old.installments) {
    const kept: InstallmentState | undefined = byNumber.get(i.number);
    const posted = i.charged || compareDates(i.dueDate, asOf) <= 0;
    if (posted) {
      if (!kept || JSON.stringify(kept) !== JSON.stringify(i)) broken(`installment ${i.number}`);
      continue;
    }
    const paidSomething = PAID_FIELDS.some((f) => i[f] !== null && i[f] !== '0.00') || i.receipts.length > 0;
    if (!kept) {
      if (paidSomething) broken(`installment ${i.number} (paid in part)`);
      continue;
    }
    for (const f of PAID_FIELDS) if (kept[f] !== i[f]) broken(`installment ${i.number} ${f}`);
    if (JSON.stringify(kept.receipts) !== JSON.stringify(i.receipts)) broken(`installment ${i.number} receipts`);
  }
  const owed = (a: LoanAccount) => sum(a.installments.map((i) => owedOn(i).principal));
  if (!owed(old).eq(owed(next))) broken('principal owed');
  if (!money(old.credit).eq(money(next.credit))) broken('credit');
}
