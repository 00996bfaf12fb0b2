// Capital against the bank's own ledger. Pure. Every CAPITAL entry (Dr BANK, Cr FUNDING_CAPITAL)
// must be money the bank holds: the injection that funds BANK with the bank's opening balance
// matches that balance, and any other injection matches the incoming payment whose reference is
// its injectionId (the reference the company's transfer carries). What the bank holds without an
// entry, and entries without the bank's money, are findings.
import { money } from './money.js';
import type { Money } from './types.js';
import { finding, type Finding } from './reconciliation-findings.js';

/** The injection that funds BANK with the bank's opening balance. */
export const OPENING_BALANCE_INJECTION = 'bank-opening-balance';

/** A standing CAPITAL entry: its business key `capital:<injectionId>` and its BANK debit. */
export interface CapitalEntry {
  businessKey: string;
  injectionId: string;
  amount: Money;
}

export interface BankCapitalRecords {
  /** What the account held before its first listed movement; absent when the bank reports none. */
  openingBalance?: Money;
  incoming: ReadonlyArray<{ paymentId: string; reference?: string; amount: Money }>;
}

/** The incoming payments that are capital (their reference names a recorded injection), not repayments. */
export function capitalIncomingIds(bank: BankCapitalRecords, capital: readonly CapitalEntry[]): Set<string> {
  const ids = new Set(capital.map((c) => c.injectionId));
  return new Set(
    bank.incoming.filter((i) => i.reference !== undefined && ids.has(i.reference)).map((i) => i.paymentId),
  );
}

function checkOpeningBalance(openingBalance: Money | undefined, entry: CapitalEntry | undefined): Finding[] {
  const held = openingBalance !== undefined && money(openingBalance).gt(0);
  if (!held && !entry) return [];
  if (!held)
    return [
      finding(
        'CAPITAL_WITHOUT_DEPOSIT',
        null,
        entry!.businessKey,
        `分录 ${entry!.businessKey} 记期初资金 ${entry!.amount}，银行未报告期初余额`,
        `entry ${entry!.businessKey} records an opening balance of ${entry!.amount}; the bank reports none`,
      ),
    ];
  if (!entry)
    return [
      finding(
        'DEPOSIT_WITHOUT_CAPITAL',
        null,
        OPENING_BALANCE_INJECTION,
        `银行期初余额 ${openingBalance} 在账上没有对应的实收资本分录`,
        `the bank's opening balance ${openingBalance} has no capital entry`,
      ),
    ];
  if (!money(entry.amount).eq(money(openingBalance)))
    return [
      finding(
        'AMOUNT_MISMATCH',
        null,
        entry.businessKey,
        `银行期初余额 ${openingBalance}，账上实收资本为 ${entry.amount}`,
        `the bank's opening balance is ${openingBalance}, the ledger's capital says ${entry.amount}`,
      ),
    ];
  return [];
}

/**
 * The bank and the capital entries agree: the opening balance has its entry with the same amount,
 * every other CAPITAL entry one incoming payment referencing its injectionId with the same amount.
 */
export function checkCapitalAgreement(bank: BankCapitalRecords, capital: readonly CapitalEntry[]): Finding[] {
  const findings = checkOpeningBalance(
    bank.openingBalance,
    capital.find((c) => c.injectionId === OPENING_BALANCE_INJECTION),
  );
  for (const c of capital) {
    if (c.injectionId === OPENING_BALANCE_INJECTION) continue;
    const lines = bank.incoming.filter((i) => i.reference === c.injectionId);
    if (lines.length === 0) {
      findings.push(
        finding(
          'CAPITAL_WITHOUT_DEPOSIT',
          null,
          c.businessKey,
          `分录 ${c.businessKey} 记注资 ${c.amount}，银行没有附言为 ${c.injectionId} 的入账`,
          `entry ${c.businessKey} records capital of ${c.amount}; no incoming payment at the bank references ${c.injectionId}`,
        ),
      );
      continue;
    }
    const total = lines.reduce((s, l) => s.plus(money(l.amount)), money('0'));
    if (!total.eq(money(c.amount)))
      findings.push(
        finding(
          'AMOUNT_MISMATCH',
          null,
          c.businessKey,
          `注资 ${c.injectionId} 银行入账 ${total.toFixed(2)}，账上为 ${c.amount}`,
          `capital ${c.injectionId}: the bank received ${total.toFixed(2)}, the ledger says ${c.amount}`,
        ),
      );
  }
  return findings;
}
