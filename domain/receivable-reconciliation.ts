// Interest, fee and penalty receivables against each loan's servicing account, as pure functions:
// what the ledger holds as receivable for a loan equals what the loan's account (the figures its
// workflow hands to the loan's projected view with every posting) says is charged and unpaid.
import { money } from './money.js';
import { finding, type Finding, type FindingCode } from './reconciliation-findings.js';
import type { Money } from './types.js';

export interface ReceivableFigures {
  interest: Money;
  fees: Money;
  penalty: Money;
}

export interface ReceivablePosition {
  loanId: string;
  /** The ledger's INTEREST_RECEIVABLE, FEE_RECEIVABLE and PENALTY_RECEIVABLE balances of the loan. */
  ledger: ReceivableFigures;
  /** The servicing account's charged-and-unpaid figures as of its last posting. */
  account: ReceivableFigures;
}

const CHECKS: ReadonlyArray<{ field: keyof ReceivableFigures; code: FindingCode; zh: string; en: string }> = [
  { field: 'interest', code: 'INTEREST_RECEIVABLE_MISMATCH', zh: '应收利息', en: 'interest receivable' },
  { field: 'fees', code: 'FEE_RECEIVABLE_MISMATCH', zh: '应收服务费', en: 'fee receivable' },
  { field: 'penalty', code: 'PENALTY_RECEIVABLE_MISMATCH', zh: '应收罚息及滞纳金', en: 'penalty receivable' },
];

export function checkReceivables(positions: readonly ReceivablePosition[]): Finding[] {
  const findings: Finding[] = [];
  for (const p of positions) {
    for (const c of CHECKS) {
      if (money(p.ledger[c.field]).eq(money(p.account[c.field]))) continue;
      findings.push(
        finding(
          c.code,
          p.loanId,
          c.field,
          `贷款 ${p.loanId} 账面${c.zh} ${p.ledger[c.field]}，按还款计划应为 ${p.account[c.field]}`,
          `loan ${p.loanId}: ledger ${c.en} ${p.ledger[c.field]}, the schedule says ${p.account[c.field]}`,
        ),
      );
    }
  }
  return findings;
}
