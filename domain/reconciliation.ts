// Reconciliation as pure functions: the checks finance runs over the ledger, each loan's
// schedule and payments, and the bank's own records. No I/O: db/ledger-reads.ts gathers the
// inputs from PostgreSQL and the bank.
import { ZERO, money, sum, toMoney } from './money.js';
import type { EntryKind, LoanLedgerBalances, PaymentChannel } from './ledger.js';
import type { Money } from './types.js';
import { finding, type Finding, type FindingCode } from './reconciliation-findings.js';
import {
  checkBankStatementCoverage,
  checkCashClearing,
  checkGatewayClearing,
  type ClearingEntry,
  type OtherBankEntry,
  type PartnerLine,
  type SettlementLine,
} from './clearing-reconciliation.js';
import { checkReceivables, type ReceivablePosition } from './receivable-reconciliation.js';
import { capitalIncomingIds, checkCapitalAgreement, type CapitalEntry } from './capital-reconciliation.js';

export { FINDING_CODES, findingKey, type Finding, type FindingCode } from './reconciliation-findings.js';

/** Per entry: the sums of its lines. */
export interface EntryTotals {
  businessKey: string;
  loanId: string | null;
  debits: Money;
  credits: Money;
}

/** Debits equal credits in every entry and in the ledger as a whole. */
export function checkDoubleEntry(entries: readonly EntryTotals[]): Finding[] {
  const findings: Finding[] = [];
  let debits = ZERO;
  let credits = ZERO;
  for (const e of entries) {
    const d = money(e.debits);
    const c = money(e.credits);
    debits = debits.plus(d);
    credits = credits.plus(c);
    if (!d.eq(c)) {
      findings.push(
        finding(
          'ENTRY_UNBALANCED',
          e.loanId,
          e.businessKey,
          `分录 ${e.businessKey} 借贷不平：借 ${e.debits} 贷 ${e.credits}`,
          `entry ${e.businessKey} does not balance: debits ${e.debits}, credits ${e.credits}`,
        ),
      );
    }
  }
  if (!debits.eq(credits)) {
    findings.push(
      finding(
        'LEDGER_UNBALANCED',
        null,
        null,
        `总账借贷不平：借 ${toMoney(debits)} 贷 ${toMoney(credits)}`,
        `the ledger does not balance: debits ${toMoney(debits)}, credits ${toMoney(credits)}`,
      ),
    );
  }
  return findings;
}

/** One loan as three sources see it: the ledger, the servicing schedule, and the payments. */
export interface LoanPosition {
  loanId: string;
  status: string;
  /** Ledger balances of the loan's accounts (normal side). */
  ledger: LoanLedgerBalances;
  /** Principal lent (the disbursement entry's LOAN_PRINCIPAL debit). */
  disbursedPrincipal: Money;
  /** Σ over the schedule of principal − principal paid. */
  scheduleOutstandingPrincipal: Money;
  /** Σ of principal paid according to the installment schedule. */
  schedulePaidPrincipal: Money;
  /** loans.outstanding_principal, the projection the API lists. */
  projectedOutstandingPrincipal: Money;
  /** Σ of accepted repayments (repayments table). */
  paymentsTotal: Money;
  /** Σ of the cash-side debits of the loan's REPAYMENT entries. */
  ledgerPaymentsTotal: Money;
  /** Principal taken to losses by a write-off entry. */
  writtenOffPrincipal: Money;
}

/** Each loan's balance as its schedule and payments imply it, against the ledger. */
export function checkLoanPositions(loans: readonly LoanPosition[]): Finding[] {
  const findings: Finding[] = [];
  for (const l of loans) {
    for (const [name, value] of Object.entries(l.ledger) as Array<[keyof LoanLedgerBalances, Money]>) {
      if (money(value).isNeg()) {
        findings.push(
          finding(
            'NEGATIVE_BALANCE',
            l.loanId,
            null,
            `贷款 ${l.loanId} 的${name}余额为负：${value}`,
            `loan ${l.loanId} has a negative ${name} balance: ${value}`,
          ),
        );
      }
    }
    const written = money(l.writtenOffPrincipal);
    const expected = l.status === 'WRITTEN_OFF' ? ZERO : money(l.scheduleOutstandingPrincipal);
    if (!money(l.ledger.principal).eq(expected)) {
      findings.push(
        finding(
          'PRINCIPAL_MISMATCH',
          l.loanId,
          null,
          `贷款 ${l.loanId} 账面本金 ${l.ledger.principal}，按还款计划应为 ${toMoney(expected)}`,
          `loan ${l.loanId}: ledger principal ${l.ledger.principal}, the schedule and payments imply ${toMoney(expected)}`,
        ),
      );
    }
    const implied = money(l.disbursedPrincipal).minus(money(l.schedulePaidPrincipal)).minus(written);
    if (!money(l.ledger.principal).eq(implied)) {
      findings.push(
        finding(
          'PRINCIPAL_MISMATCH',
          l.loanId,
          null,
          `贷款 ${l.loanId} 账面本金 ${l.ledger.principal}，放款减已还应为 ${toMoney(implied)}`,
          `loan ${l.loanId}: ledger principal ${l.ledger.principal}, disbursed less repaid is ${toMoney(implied)}`,
        ),
      );
    }
    if (!money(l.projectedOutstandingPrincipal).eq(money(l.ledger.principal))) {
      findings.push(
        finding(
          'PROJECTION_MISMATCH',
          l.loanId,
          null,
          `贷款 ${l.loanId} 列表显示本金 ${l.projectedOutstandingPrincipal}，账面为 ${l.ledger.principal}`,
          `loan ${l.loanId}: the loans list shows principal ${l.projectedOutstandingPrincipal}, the ledger ${l.ledger.principal}`,
        ),
      );
    }
    if (!money(l.paymentsTotal).eq(money(l.ledgerPaymentsTotal))) {
      findings.push(
        finding(
          'PAYMENTS_MISMATCH',
          l.loanId,
          null,
          `贷款 ${l.loanId} 还款记录合计 ${l.paymentsTotal}，账面收款 ${l.ledgerPaymentsTotal}`,
          `loan ${l.loanId}: repayments total ${l.paymentsTotal}, the ledger received ${l.ledgerPaymentsTotal}`,
        ),
      );
    }
  }
  return findings;
}

/** What the bank holds, as its ledger endpoint reports it. */
export interface BankSettlement {
  idempotencyKey: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  amount: Money;
}

export interface BankIncoming {
  paymentId: string;
  /** The payer's reference; an injectionId when the payment is capital. */
  reference?: string;
  amount: Money;
}

/** A ledger entry that moved money through the BANK account, with its external reference. */
export interface BankEntry {
  businessKey: string;
  loanId: string | null;
  kind: EntryKind;
  externalRef: string | null;
  /** How the money reached the bank: AUTO_DEBIT or BANK_TRANSFER for repayments; null otherwise. */
  channel: PaymentChannel | null;
  /** The BANK line's amount (debit for money in, credit for money out). */
  amount: Money;
}

interface Matchable {
  key: string;
  amount: Money;
}

function matchOneToOne(
  bank: readonly Matchable[],
  ledger: readonly BankEntry[],
  codes: { missingEntry: FindingCode; missingBank: FindingCode },
  words: { zh: string; en: string },
): Finding[] {
  const findings: Finding[] = [];
  const byRef = new Map<string, BankEntry[]>();
  for (const e of ledger) {
    const ref = e.externalRef ?? '';
    byRef.set(ref, [...(byRef.get(ref) ?? []), e]);
  }
  const bankKeys = new Set(bank.map((b) => b.key));
  for (const b of bank) {
    const entries = byRef.get(b.key) ?? [];
    if (entries.length === 0) {
      findings.push(
        finding(
          codes.missingEntry,
          null,
          b.key,
          `银行${words.zh} ${b.key}（${b.amount}）在账上没有对应分录`,
          `bank ${words.en} ${b.key} (${b.amount}) has no ledger entry`,
        ),
      );
    } else if (entries.length > 1) {
      findings.push(
        finding(
          'DUPLICATE_BANK_ENTRY',
          entries[0]!.loanId,
          b.key,
          `银行${words.zh} ${b.key} 在账上有 ${entries.length} 笔分录`,
          `bank ${words.en} ${b.key} has ${entries.length} ledger entries`,
        ),
      );
    } else if (!money(entries[0]!.amount).eq(money(b.amount))) {
      findings.push(
        finding(
          'AMOUNT_MISMATCH',
          entries[0]!.loanId,
          b.key,
          `银行${words.zh} ${b.key} 金额 ${b.amount}，账上为 ${entries[0]!.amount}`,
          `bank ${words.en} ${b.key} is ${b.amount}, the ledger says ${entries[0]!.amount}`,
        ),
      );
    }
  }
  for (const e of ledger) {
    if (!e.externalRef || !bankKeys.has(e.externalRef)) {
      findings.push(
        finding(
          codes.missingBank,
          e.loanId,
          e.businessKey,
          `分录 ${e.businessKey} 在银行没有对应的成功${words.zh}`,
          `entry ${e.businessKey} has no successful bank ${words.en}`,
        ),
      );
    }
  }
  return findings;
}

/**
 * The bank and the ledger agree: every SUCCEEDED transfer has exactly one disbursement or refund
 * entry and every such entry a SUCCEEDED transfer, with the same amount; the same for debits and
 * auto-debit repayments, and for incoming transfers and bank-transfer repayments.
 */
export function checkBankAgreement(
  bank: { transfers: readonly BankSettlement[]; debits: readonly BankSettlement[]; incoming: readonly BankIncoming[] },
  entries: readonly BankEntry[],
): Finding[] {
  const succeeded = (list: readonly BankSettlement[]) =>
    list.filter((s) => s.status === 'SUCCEEDED').map((s) => ({ key: s.idempotencyKey, amount: s.amount }));
  const live = entries.filter((e) => e.kind !== 'REVERSAL');
  const reversed = new Set(entries.filter((e) => e.kind === 'REVERSAL').map((e) => e.externalRef));
  const standing = live.filter((e) => !(e.externalRef && reversed.has(e.externalRef)));
  return [
    ...matchOneToOne(
      succeeded(bank.transfers),
      standing.filter((e) => e.kind === 'DISBURSEMENT' || e.kind === 'REFUND'),
      { missingEntry: 'TRANSFER_WITHOUT_ENTRY', missingBank: 'ENTRY_WITHOUT_TRANSFER' },
      { zh: '放款', en: 'transfer' },
    ),
    ...matchOneToOne(
      succeeded(bank.debits),
      standing.filter((e) => e.kind === 'REPAYMENT' && e.channel === 'AUTO_DEBIT'),
      { missingEntry: 'DEBIT_WITHOUT_ENTRY', missingBank: 'ENTRY_WITHOUT_DEBIT' },
      { zh: '代扣', en: 'debit' },
    ),
    ...matchOneToOne(
      bank.incoming.map((i) => ({ key: i.paymentId, amount: i.amount })),
      // A transfer on a written-off loan is a recovery after write-off (write-off-recovery.ts).
      standing.filter(
        (e) => (e.kind === 'REPAYMENT' || e.kind === 'WRITE_OFF_RECOVERY') && e.channel === 'BANK_TRANSFER',
      ),
      { missingEntry: 'INCOMING_WITHOUT_ENTRY', missingBank: 'ENTRY_WITHOUT_INCOMING' },
      { zh: '入账', en: 'incoming payment' },
    ),
  ];
}

export interface ReconciliationReport {
  clean: boolean;
  checkedAt: string;
  counts: {
    entries: number;
    loans: number;
    bankTransfers: number;
    bankDebits: number;
    bankIncoming: number;
    settlementDays?: number;
    settlementLines?: number;
    cashPostings?: number;
    receivableLoans?: number;
  };
  totals: { debits: Money; credits: Money };
  findings: Finding[];
}

/** The clearing accounts and receivables against the partners' records and the loans' accounts. */
export interface ClearingInput {
  gateway: {
    /** The settlement days whose files were read (YYYY-MM-DD). */
    days: readonly string[];
    entries: readonly ClearingEntry[];
    unapplied: readonly ClearingEntry[];
    settlement: readonly SettlementLine[];
    loanOfOrder: ReadonlyMap<string, string>;
  };
  cash: { entries: readonly ClearingEntry[]; postings: readonly PartnerLine[] };
  /** BANK lines of entries that are no payout and no bank-side repayment, reversals taken out. */
  otherBankEntries: readonly OtherBankEntry[];
  receivables: readonly ReceivablePosition[];
}

type BankRecords = {
  /** What the account held before its first listed movement, when the bank reports it. */
  openingBalance?: Money;
  transfers: readonly BankSettlement[];
  debits: readonly BankSettlement[];
  incoming: readonly BankIncoming[];
};

/** Every key of the bank's statement: succeeded transfers and debits, incoming payments. */
function statementKeys(bank: BankRecords): Set<string> {
  const succeeded = (list: readonly BankSettlement[]) =>
    list.filter((s) => s.status === 'SUCCEEDED').map((s) => s.idempotencyKey);
  return new Set([...succeeded(bank.transfers), ...succeeded(bank.debits), ...bank.incoming.map((i) => i.paymentId)]);
}

function checkClearing(bank: BankRecords, c: ClearingInput): Finding[] {
  return [
    ...checkBankStatementCoverage(statementKeys(bank), c.otherBankEntries),
    ...checkGatewayClearing(c.gateway),
    ...checkCashClearing(c.cash.entries, c.cash.postings),
    ...checkReceivables(c.receivables),
  ];
}

export function reconcile(input: {
  checkedAt: string;
  entries: readonly EntryTotals[];
  loans: readonly LoanPosition[];
  bank: BankRecords;
  bankEntries: readonly BankEntry[];
  /** The standing CAPITAL entries, checked against the bank's opening balance and incoming payments. */
  capital?: readonly CapitalEntry[];
  clearing?: ClearingInput;
}): ReconciliationReport {
  // Incoming payments that are capital are matched to their injections, not to repayments.
  const capitalIds = input.capital ? capitalIncomingIds(input.bank, input.capital) : new Set<string>();
  const repaymentsIn = { ...input.bank, incoming: input.bank.incoming.filter((i) => !capitalIds.has(i.paymentId)) };
  const findings = [
    ...checkDoubleEntry(input.entries),
    ...checkLoanPositions(input.loans),
    ...checkBankAgreement(repaymentsIn, input.bankEntries),
    ...(input.capital ? checkCapitalAgreement(input.bank, input.capital) : []),
    ...(input.clearing ? checkClearing(input.bank, input.clearing) : []),
  ];
  const c = input.clearing;
  return {
    clean: findings.length === 0,
    checkedAt: input.checkedAt,
    counts: {
      entries: input.entries.length,
      loans: input.loans.length,
      bankTransfers: input.bank.transfers.length,
      bankDebits: input.bank.debits.length,
      bankIncoming: input.bank.incoming.length,
      ...(c
        ? {
            settlementDays: c.gateway.days.length,
            settlementLines: c.gateway.settlement.length,
            cashPostings: c.cash.postings.length,
            receivableLoans: c.receivables.length,
          }
        : {}),
    },
    totals: {
      debits: toMoney(sum(input.entries.map((e) => money(e.debits)))),
      credits: toMoney(sum(input.entries.map((e) => money(e.credits)))),
    },
    findings,
  };
}
