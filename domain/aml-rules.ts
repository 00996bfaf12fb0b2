// Anti-money-laundering detection rules (反洗钱): which of a customer's repayments and payoffs
// on a business day make a large-value transaction report (大额交易报告) or a suspicious
// transaction report draft (可疑交易报告) for a compliance officer. Pure: the daily job
// (api/aml-detection.ts) reads the day's facts from PostgreSQL and hands them here.
//
// Sources: 《金融机构大额交易和可疑交易报告管理办法》(中国人民银行令〔2016〕第3号) art. 5(1): cash
// deposits or withdrawals of RMB 50,000 or more in one transaction or accumulated on one day;
// art. 11 and 13: transactions that appear split to avoid the reporting threshold, and funds
// that come in and go out quickly without a clear purpose, are reported as suspicious.
import { addDays, compareDates } from './dates.js';
import { money, sum, toMoney, type Dec } from './money.js';
import type { LocalDate, Money } from './types.js';

/** Report kinds: 大额 (reported by rule) and 可疑 (a draft a person decides on). */
export const AML_REPORT_KINDS = ['LARGE_VALUE', 'SUSPICIOUS'] as const;
export type AmlReportKind = (typeof AML_REPORT_KINDS)[number];

export const AML_RULE_IDS = ['LARGE_CASH_DAY', 'STRUCTURING', 'EARLY_PAYOFF'] as const;
export type AmlRuleId = (typeof AML_RULE_IDS)[number];

export const AML_RULE_KIND: Record<AmlRuleId, AmlReportKind> = {
  LARGE_CASH_DAY: 'LARGE_VALUE',
  STRUCTURING: 'SUSPICIOUS',
  EARLY_PAYOFF: 'SUSPICIOUS',
};

/**
 * Channels whose money is cash or as good as cash for the large-value rule. Of the repayment
 * channels (ONLINE, BANK_TRANSFER, CASH, AUTO_DEBIT) only CASH is: a finance officer records money
 * counted over the counter. Transfers and debits come from a bank account that the bank reports on.
 */
export const CASH_LIKE_CHANNELS: readonly string[] = ['CASH'];

export interface AmlThresholds {
  /** Cash of this much or more on one business day, per customer: a large-value report. */
  largeCashPerDay: Money;
  /** A cash repayment at or above this and below largeCashPerDay is "just under" the threshold. */
  justUnderFrom: Money;
  /** So many just-under cash repayments… */
  structuringCount: number;
  /** …within this many business days ending on the day (the day included) make a structuring draft. */
  structuringWindowDays: number;
  /** A loan paid off within this many days of its payout makes an early-payoff draft. */
  earlyPayoffDays: number;
}

export const AML_THRESHOLDS: AmlThresholds = {
  largeCashPerDay: '50000.00',
  justUnderFrom: '45000.00',
  structuringCount: 3,
  structuringWindowDays: 7,
  earlyPayoffDays: 30,
};

/** A repayment the loan accepted (table repayments), with the customer who owns the loan. */
export interface AmlPayment {
  paymentId: string;
  customerId: string;
  loanId: string;
  channel: string;
  amount: Money;
  receivedOn: LocalDate;
}

/** A loan paid off (status PAID_OFF), with the day of its payout and of its payoff. */
export interface AmlPayoff {
  customerId: string;
  loanId: string;
  principal: Money;
  disbursedOn: LocalDate;
  paidOffOn: LocalDate;
}

export interface AmlFinding {
  customerId: string;
  day: LocalDate;
  rule: AmlRuleId;
  kind: AmlReportKind;
  /** The money the finding is about: the day's cash, the just-under repayments, the loans' principal. */
  amount: Money;
  paymentIds: string[];
  loanIds: string[];
}

const isCash = (p: AmlPayment) => CASH_LIKE_CHANNELS.includes(p.channel);

function byCustomer<T extends { customerId: string }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.customerId);
    if (group) group.push(item);
    else groups.set(item.customerId, [item]);
  }
  return groups;
}

const uniqueSorted = (values: readonly string[]) => [...new Set(values)].sort();

function finding(
  customerId: string,
  day: LocalDate,
  rule: AmlRuleId,
  amounts: Dec[],
  payments: AmlPayment[],
  loans: string[],
): AmlFinding {
  return {
    customerId,
    day,
    rule,
    kind: AML_RULE_KIND[rule],
    amount: toMoney(sum(amounts)),
    paymentIds: uniqueSorted(payments.map((p) => p.paymentId)),
    loanIds: uniqueSorted([...loans, ...payments.map((p) => p.loanId)]),
  };
}

/** Cash-like repayments received on the day summing to the threshold or more, per customer. */
export function largeCashFindings(day: LocalDate, payments: readonly AmlPayment[], t: AmlThresholds): AmlFinding[] {
  const out: AmlFinding[] = [];
  const threshold = money(t.largeCashPerDay);
  for (const [customerId, own] of byCustomer(payments.filter((p) => isCash(p) && p.receivedOn === day))) {
    const amounts = own.map((p) => money(p.amount));
    if (sum(amounts).gte(threshold)) out.push(finding(customerId, day, 'LARGE_CASH_DAY', amounts, own, []));
  }
  return out;
}

/**
 * Structuring (拆分交易): at least structuringCount cash-like repayments each just under the
 * large-cash threshold, received within the window ending on the day, one of them on the day
 * itself (so one pattern is found on the day it completes, not again on every later day).
 */
export function structuringFindings(day: LocalDate, payments: readonly AmlPayment[], t: AmlThresholds): AmlFinding[] {
  const out: AmlFinding[] = [];
  const from = addDays(day, -(t.structuringWindowDays - 1));
  const low = money(t.justUnderFrom);
  const high = money(t.largeCashPerDay);
  const justUnder = payments.filter((p) => {
    const amount = money(p.amount);
    return (
      isCash(p) &&
      compareDates(p.receivedOn, from) >= 0 &&
      compareDates(p.receivedOn, day) <= 0 &&
      amount.gte(low) &&
      amount.lt(high)
    );
  });
  for (const [customerId, own] of byCustomer(justUnder)) {
    if (own.length < t.structuringCount || !own.some((p) => p.receivedOn === day)) continue;
    out.push(
      finding(
        customerId,
        day,
        'STRUCTURING',
        own.map((p) => money(p.amount)),
        own,
        [],
      ),
    );
  }
  return out;
}

/** Loans paid off on the day within earlyPayoffDays of their payout, per customer. */
export function earlyPayoffFindings(day: LocalDate, payoffs: readonly AmlPayoff[], t: AmlThresholds): AmlFinding[] {
  const early = payoffs.filter(
    (p) =>
      p.paidOffOn === day &&
      compareDates(p.disbursedOn, day) <= 0 &&
      compareDates(addDays(p.disbursedOn, t.earlyPayoffDays), day) >= 0,
  );
  return [...byCustomer(early)].map(([customerId, own]) =>
    finding(
      customerId,
      day,
      'EARLY_PAYOFF',
      own.map((p) => money(p.principal)),
      [],
      own.map((p) => p.loanId),
    ),
  );
}

/** Every finding of the day, in a stable order (customer, then rule). */
export function detectAml(
  day: LocalDate,
  facts: { payments: readonly AmlPayment[]; payoffs: readonly AmlPayoff[] },
  t: AmlThresholds = AML_THRESHOLDS,
): AmlFinding[] {
  const all = [
    ...largeCashFindings(day, facts.payments, t),
    ...structuringFindings(day, facts.payments, t),
    ...earlyPayoffFindings(day, facts.payoffs, t),
  ];
  return all.sort(
    (a, b) => a.customerId.localeCompare(b.customerId) || AML_RULE_IDS.indexOf(a.rule) - AML_RULE_IDS.indexOf(b.rule),
  );
}

/** The first day the job must read repayments from to judge `day`. */
export function amlLookbackStart(day: LocalDate, t: AmlThresholds = AML_THRESHOLDS): LocalDate {
  return addDays(day, -(t.structuringWindowDays - 1));
}
