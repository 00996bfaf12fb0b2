// The clearing accounts against the partners' own records, as pure functions: the gateway's
// clearing account (PAYMENT_GATEWAY) against its daily settlement files, cash on hand
// (CASH_ON_HAND) against the counter's approved postings, and every BANK line against a line of
// the bank's statement. No I/O: db/clearing-reads.ts gathers the inputs.
import { money } from './money.js';
import { finding, type Finding, type FindingCode } from './reconciliation-findings.js';
import type { Money } from './types.js';

/** One movement through a clearing account in our ledger, under the key the partner uses for it. */
export interface ClearingEntry {
  /** The partner's key: the gateway's merchant order id, the counter posting's payment id. */
  key: string;
  /** The ledger entry's business key. */
  businessKey: string;
  loanId: string | null;
  /** Net movement of the clearing account in this entry (debit − credit). */
  amount: Money;
}

/** One line of the partner's record. */
export interface PartnerLine {
  key: string;
  loanId: string | null;
  amount: Money;
}

interface Words {
  /** What our side is called ("ledger entry", "confirmed payment"), what the partner's record is. */
  ours: { zh: string; en: string };
  theirs: { zh: string; en: string };
}

interface Codes {
  oursWithoutLine: FindingCode;
  lineWithoutOurs: FindingCode;
  amountMismatch: FindingCode;
  duplicate: FindingCode;
}

/**
 * One to one by key: every entry has exactly one partner line with the same amount, and every
 * partner line one entry. A key seen twice on our side is a duplicate, reported once.
 */
export function matchClearing(
  ours: readonly ClearingEntry[],
  theirs: readonly PartnerLine[],
  codes: Codes,
  words: Words,
): Finding[] {
  const findings: Finding[] = [];
  const byKey = new Map<string, ClearingEntry[]>();
  for (const e of ours) byKey.set(e.key, [...(byKey.get(e.key) ?? []), e]);
  const lines = new Map<string, PartnerLine[]>();
  for (const l of theirs) lines.set(l.key, [...(lines.get(l.key) ?? []), l]);

  for (const [key, entries] of byKey) {
    const first = entries[0]!;
    const matched = lines.get(key) ?? [];
    if (entries.length > 1) {
      findings.push(
        finding(
          codes.duplicate,
          first.loanId,
          key,
          `${words.theirs.zh} ${key} 在账上有 ${entries.length} 笔分录（${entries.map((e) => e.businessKey).join('、')}）`,
          `${words.theirs.en} ${key} has ${entries.length} ledger entries (${entries.map((e) => e.businessKey).join(', ')})`,
        ),
      );
      continue;
    }
    if (matched.length === 0) {
      findings.push(
        finding(
          codes.oursWithoutLine,
          first.loanId,
          key,
          `${words.ours.zh} ${first.businessKey}（${first.amount}）不在${words.theirs.zh}中`,
          `${words.ours.en} ${first.businessKey} (${first.amount}) is not in the ${words.theirs.en}`,
        ),
      );
      continue;
    }
    const theirsTotal = matched.reduce((t, l) => t.plus(money(l.amount)), money('0.00'));
    if (matched.length > 1 || !theirsTotal.eq(money(first.amount))) {
      findings.push(
        finding(
          codes.amountMismatch,
          first.loanId,
          key,
          `${words.theirs.zh} ${key} 金额 ${matched.map((l) => l.amount).join('+')}，账上为 ${first.amount}`,
          `${words.theirs.en} ${key} says ${matched.map((l) => l.amount).join(' + ')}, the ledger ${first.amount}`,
        ),
      );
    }
  }
  for (const [key, matched] of lines) {
    if (byKey.has(key)) continue;
    const first = matched[0]!;
    findings.push(
      finding(
        codes.lineWithoutOurs,
        first.loanId,
        key,
        `${words.theirs.zh} ${key}（${first.amount}）在账上没有对应分录`,
        `${words.theirs.en} line ${key} (${first.amount}) has no ledger entry`,
      ),
    );
  }
  return findings;
}

/** A line of the gateway's settlement file. */
export interface SettlementLine {
  merchantOrderId: string;
  orderId: string;
  amount: Money;
}

/**
 * The gateway's clearing account against its settlement files: what the ledger took through the
 * gateway, and the confirmed payments no loan took (UNAPPLIED, held for refund), each once in the
 * files with the same amount; every line of the files is one of them.
 */
export function checkGatewayClearing(input: {
  entries: readonly ClearingEntry[];
  unapplied: readonly ClearingEntry[];
  settlement: readonly SettlementLine[];
  /** The loan of each of our orders, so a line names the loan it paid. */
  loanOfOrder: ReadonlyMap<string, string>;
}): Finding[] {
  return matchClearing(
    [...input.entries, ...input.unapplied],
    input.settlement.map((l) => ({
      key: l.merchantOrderId,
      loanId: input.loanOfOrder.get(l.merchantOrderId) ?? null,
      amount: l.amount,
    })),
    {
      oursWithoutLine: 'GATEWAY_PAYMENT_NOT_SETTLED',
      lineWithoutOurs: 'SETTLEMENT_WITHOUT_PAYMENT',
      amountMismatch: 'GATEWAY_AMOUNT_MISMATCH',
      duplicate: 'DUPLICATE_GATEWAY_ENTRY',
    },
    {
      ours: { zh: '线上收款', en: 'gateway payment' },
      theirs: { zh: '支付网关结算文件', en: 'gateway settlement file' },
    },
  );
}

/** Cash on hand against the counter's records: every cash line is an approved CASH posting, and back. */
export function checkCashClearing(entries: readonly ClearingEntry[], postings: readonly PartnerLine[]): Finding[] {
  return matchClearing(
    entries,
    postings,
    {
      oursWithoutLine: 'CASH_ENTRY_WITHOUT_RECORD',
      lineWithoutOurs: 'CASH_RECORD_WITHOUT_ENTRY',
      amountMismatch: 'CASH_AMOUNT_MISMATCH',
      duplicate: 'DUPLICATE_CASH_ENTRY',
    },
    {
      ours: { zh: '现金分录', en: 'cash entry' },
      theirs: { zh: '柜台已审核收款记录', en: "counter's approved postings" },
    },
  );
}

/** A BANK line of an entry the transfer, debit and incoming matches do not cover. */
export interface OtherBankEntry {
  businessKey: string;
  loanId: string | null;
  externalRef: string | null;
  amount: Money;
}

/** Every other BANK line names a line of the bank's statement (a transfer, a debit, an incoming payment). */
export function checkBankStatementCoverage(
  statementKeys: ReadonlySet<string>,
  entries: readonly OtherBankEntry[],
): Finding[] {
  return entries
    .filter((e) => e.externalRef === null || !statementKeys.has(e.externalRef))
    .map((e) =>
      finding(
        'BANK_ENTRY_WITHOUT_STATEMENT_LINE',
        e.loanId,
        e.businessKey,
        `分录 ${e.businessKey} 记银行存款 ${e.amount}，银行流水中没有对应记录`,
        `entry ${e.businessKey} moves BANK by ${e.amount} and no line of the bank's statement matches it`,
      ),
    );
}
