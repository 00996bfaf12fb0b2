// Interest income accrued day by day, as the loan's own workflow posts it (no end-of-day batch).
//
// Each installment's period earns its interest day by day by the loan's money rules: what a payoff
// on that day would charge for the period (servicing-account.ts `periodInterestAccrued`: the
// period's scheduled interest on the principal outstanding, pro rata by the days of the period,
// the part fixed by a version 2 prepayment kept). Whenever the loan touches its account it posts
// what has been earned since the last posting, up to the day before today, as
//   Dr ACCRUED_INTEREST_RECEIVABLE  Cr INTEREST_INCOME      key loan:<id>:accrual:<last day>
// split at each month end so a month's accrual is whole in that month. On the due date (or when
// a payment or payoff makes interest receivable earlier) the installment's interest entry moves
// what was accrued from ACCRUED_INTEREST_RECEIVABLE to INTEREST_RECEIVABLE and books only the rest
// as income. The accrual of a period through the day before its due date is the whole period's
// interest, so an installment's accruals add up to its scheduled interest to the cent (the rounding
// residue lands on the last day). Interest accrued on principal repaid ahead, or on a loan written
// off, is taken back by a negative accrual.
import { addDays, compareDates, toCivilDate, formatLocalDate } from './dates.js';
import { interestAccrualEntry, drawnFromAccrued, interestInstallmentOf, type JournalEntry } from './ledger.js';
import { Dec, ZERO, ZERO_MONEY, money, sum, toMoney } from './money.js';
import { RULE_BOOK, type RuleBook } from './money-rules.js';
import { periodInterestAccrued, type LoanAccount } from './servicing-account.js';
import type { LocalDate, Money } from './types.js';

/** What one installment has had booked since accrual began for the loan. */
export interface InstallmentAccrual {
  /** Interest recognised as income (daily accruals and any catch-up when it fell due). */
  accrued: Money;
  /** Interest made receivable (moved out of accrued interest, or charged directly). */
  due: Money;
}

/** Carried by the loan's workflow through continue-as-new: plain JSON. */
export interface AccrualState {
  /** Interest is booked for every day before this date. */
  accruedTo: LocalDate;
  /** Per installment number. Installments charged before accrual began are not here and never accrue. */
  installments: Record<string, InstallmentAccrual>;
  /** The last day of the latest accrual entry, and how many entries already ended on it. */
  lastThrough: LocalDate | null;
  repeats: number;
}

/**
 * Accrual for a loan from `from` on: a new loan from its payout date; a loan already running from the
 * day accrual starts, with interest posted ahead in the current period counted as accrued and due.
 */
export function startAccrual(account: LoanAccount, from: LocalDate): AccrualState {
  const installments: Record<string, InstallmentAccrual> = {};
  for (const i of account.installments) {
    if (i.charged) continue;
    const posted = i.interestPosted ?? ZERO_MONEY;
    installments[String(i.number)] = { accrued: posted, due: posted };
  }
  return { accruedTo: from, installments, lastThrough: null, repeats: 0 };
}

/** The first day of each month after `from` and before `to`: the points a span of accrual is cut at. */
export function monthStartsBetween(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  let { year, month } = toCivilDate(from);
  for (;;) {
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    const start = formatLocalDate({ year, month, day: 1 });
    if (compareDates(start, to) >= 0) return out;
    out.push(start);
  }
}

/** The first day of the month after `on`'s month. */
export function nextMonthStart(on: LocalDate): LocalDate {
  const { year, month } = toCivilDate(on);
  return month === 12
    ? formatLocalDate({ year: year + 1, month: 1, day: 1 })
    : formatLocalDate({ year, month: month + 1, day: 1 });
}

/** What each installment should have accrued for the days before `to`, by the account as it is now. */
function targets(account: LoanAccount, state: AccrualState, to: LocalDate, book: RuleBook): Map<string, Dec> {
  const out = new Map<string, Dec>();
  for (const [n, booked] of Object.entries(state.installments)) out.set(n, money(booked.due));
  for (const i of account.installments) {
    const key = String(i.number);
    const booked = state.installments[key];
    if (i.charged || account.writtenOffOn !== null) {
      if (booked) out.set(key, money(booked.due));
      continue;
    }
    out.set(key, money(periodInterestAccrued(account, i, to, book)));
  }
  return out;
}

function cloneState(state: AccrualState): AccrualState {
  return {
    ...state,
    installments: Object.fromEntries(Object.entries(state.installments).map(([n, b]) => [n, { ...b }])),
  };
}

/** Books what has been earned before `to` and not yet booked, one entry per month touched. */
export function accrueInterest(
  account: LoanAccount,
  state: AccrualState,
  to: LocalDate,
  book: RuleBook = RULE_BOOK,
): { state: AccrualState; entries: JournalEntry[] } {
  const next = cloneState(state);
  const entries: JournalEntry[] = [];
  const end = compareDates(to, state.accruedTo) > 0 ? to : state.accruedTo;
  for (const cut of [...monthStartsBetween(state.accruedTo, end), end]) {
    let net = ZERO;
    for (const [n, target] of targets(account, next, cut, book)) {
      const booked = next.installments[n] ?? { accrued: ZERO_MONEY, due: ZERO_MONEY };
      const delta = target.minus(money(booked.accrued));
      if (delta.isZero()) continue;
      next.installments[n] = { accrued: toMoney(target), due: booked.due };
      net = net.plus(delta);
    }
    next.accruedTo = cut;
    if (net.isZero()) continue;
    const through = addDays(cut, -1);
    next.repeats = next.lastThrough === through ? next.repeats + 1 : 0;
    next.lastThrough = through;
    entries.push(interestAccrualEntry({ loanId: account.loanId, through, repeat: next.repeats, amount: net }));
  }
  return { state: next, entries };
}

/**
 * The interest entries of a posting for a loan that accrues: each moves what its installment has
 * accrued and not yet made due, and books only the rest as income. Other entries pass unchanged.
 */
export function recogniseAccrued(
  state: AccrualState,
  entries: readonly JournalEntry[],
): { state: AccrualState; entries: JournalEntry[] } {
  const next = cloneState(state);
  const out = entries.map((e) => {
    const number = interestInstallmentOf(e);
    if (number === null) return e;
    const booked = next.installments[String(number)];
    if (!booked) return e;
    const amount = money(e.lines.find((l) => l.account === 'INTEREST_RECEIVABLE')?.debit ?? ZERO_MONEY);
    const pool = Dec.max(money(booked.accrued).minus(money(booked.due)), ZERO);
    const drawn = Dec.min(pool, amount);
    next.installments[String(number)] = {
      accrued: toMoney(money(booked.accrued).plus(amount.minus(drawn))),
      due: toMoney(money(booked.due).plus(amount)),
    };
    return drawnFromAccrued(e, drawn);
  });
  return { state: next, entries: out };
}

/**
 * One change to the account, as a loan that accrues posts it: what was earned before `today` on the
 * account as it stood; the change's own entries, their interest drawn from accrual; then whatever the
 * change altered in what was earned (principal repaid ahead, a payoff dated back, a write-off) set right.
 */
export function withAccrual(
  change: { before: LoanAccount; after: LoanAccount; entries: readonly JournalEntry[] },
  state: AccrualState,
  today: LocalDate,
  book: RuleBook = RULE_BOOK,
): { state: AccrualState; entries: JournalEntry[] } {
  const earned = accrueInterest(change.before, state, today, book);
  const recognised = recogniseAccrued(earned.state, change.entries);
  const settled = accrueInterest(change.after, recognised.state, today, book);
  return { state: settled.state, entries: [...earned.entries, ...recognised.entries, ...settled.entries] };
}

/** Accrued interest not yet due, over all installments: the loan's ACCRUED_INTEREST_RECEIVABLE. */
export function accruedNotDue(state: AccrualState): Money {
  return toMoney(sum(Object.values(state.installments).map((b) => money(b.accrued).minus(money(b.due)))));
}
