// The `payoffQuote` query: what closes the loan on a given local date. A query only reads, so it
// adds nothing to the history and needs no patch (docs/operations/upgrading.md).
//
// The quote is exact only between two points the workflow knows. Before the last date the account
// posted charges (`accruedThrough`) the account already holds later postings. After the next due
// date the workflow has not yet processed, that due date (its charges, an auto-debit) is still to
// come. Outside that range the query refuses rather than answer a figure that would not close the loan.
import { compareDates, isValidLocalDate } from '../domain/dates.js';
import type { LocalDate } from '../domain/types.js';
import { isPaidOff, payoffBreakdown, rulesVersionOf, type LoanAccount } from '../domain/servicing-account.js';
import type { PayoffQuote } from '../contracts/loan-view.js';
import type { ServicingState } from './servicing-state.js';

/** The due date of the first installment the workflow has not charged yet, or null when all are. */
export function nextUnprocessedDueDate(a: LoanAccount): LocalDate | null {
  return a.installments.find((i) => !i.charged)?.dueDate ?? null;
}

export function payoffQuoteOf(
  s: Pick<ServicingState, 'account' | 'accruedThrough' | 'closed' | 'ctx'>,
  on: LocalDate,
): PayoffQuote {
  if (s.closed || s.account.writtenOffOn !== null || isPaidOff(s.account))
    return { kind: 'CLOSED', status: s.ctx.view.status };
  const from = s.accruedThrough;
  const through = nextUnprocessedDueDate(s.account);
  if (!isValidLocalDate(on) || compareDates(on, from) < 0 || (through !== null && compareDates(on, through) > 0)) {
    const range = through ? `${from} – ${through}` : `${from} –`;
    return {
      kind: 'OUT_OF_RANGE',
      asOf: on,
      quotableFrom: from,
      quotableThrough: through,
      text: {
        zh: `结清金额只能按 ${range} 之间的日期计算（账户最近入账日至下一个尚未处理的到期日）`,
        en: `A payoff can only be quoted for a date in ${range} (the account's last posting to the next due date not yet processed)`,
      },
    };
  }
  return {
    kind: 'QUOTE',
    asOf: on,
    rulesVersion: rulesVersionOf(s.account),
    breakdown: payoffBreakdown(s.account, on),
    quotableThrough: through,
  };
}
