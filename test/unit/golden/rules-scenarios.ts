// The golden scenarios of the money rules: loans with their terms and a story of dated events
// (payments, credit applied on a due date, write-off, a look at the figures), and what a version of
// the rules makes of them: the quote, the schedule, every allocation, ledger entry, changed
// installment row, balance, payoff amount, overdue charge and classification, to the cent.
//
// `generateScenarios` builds the inputs once, deterministically (a seeded generator over fixed
// story kinds); the amounts a story pays are worked out while it is built and stored as plain
// inputs. `runScenario` recomputes the results from the stored inputs alone. The committed corpus
// (rules-v<N>.json) holds both; test/unit/golden/rules-golden.test.ts recomputes it.
import { DAY_COUNTS, FREQUENCIES, REPAYMENT_METHODS, type AllocationComponent, type DayCount, type Fee, type Frequency, type LocalDate, type Money, type RepaymentMethod } from '../../../domain/types.js';
import { addDays, compareDates, daysBetween } from '../../../domain/dates.js';
import { money, toMoney } from '../../../domain/money.js';
import { rulesFor, type RuleBook, RULE_BOOK } from '../../../domain/money-rules.js';
import type { OverpaymentHandling } from '../../../domain/products.js';
import { quote } from '../../../domain/quote.js';
import {
  amountOwed,
  applyCredit,
  applyPayment,
  balancesOn,
  chargesOn,
  classificationOn,
  firstUnsettled,
  isPaidOff,
  oldestOverdue,
  openAccount,
  payoffAmount,
  writeOff,
  type AccountTerms,
  type Balances,
  type LoanAccount,
  type PaymentAllocation,
  type Posting,
} from '../../../domain/servicing-account.js';
import { daysPastDue } from '../../../domain/collections.js';
import type { JournalEntry } from '../../../domain/ledger.js';

export type ScenarioEvent =
  | { kind: 'PAY'; on: LocalDate; amount: Money; paymentId: string }
  | { kind: 'CREDIT'; on: LocalDate }
  | { kind: 'WRITE_OFF'; on: LocalDate }
  | { kind: 'LOOK'; on: LocalDate };

export interface ScenarioInput {
  name: string;
  loanId: string;
  terms: Omit<AccountTerms, 'rulesVersion'>;
  disbursedOn: LocalDate;
  /** An irregular first due date for the quote (the account always starts on the regular grid). */
  quoteFirstDueDate: LocalDate | null;
  events: ScenarioEvent[];
}

export interface StepResult {
  event: string;
  allocation: PaymentAllocation | null;
  entries: string[];
  /** Installment rows the event changed. */
  rows: string[];
  account: string;
  balances: Balances;
  payoff: Money;
  nextDue: string | null;
  daysPastDue: number;
  classification: string;
  /** Overdue charges of every installment past its due date and not paid by it: number, penalty, late fee, cap, state. */
  charges: string[];
}

export interface ScenarioResult {
  quote: { installments: string[]; totalInterest: Money; totalFees: Money; totalPayment: Money; apr: string; effectiveAnnualRate: string };
  opened: { account: string; rows: string[] };
  steps: StepResult[];
}

export interface GoldenScenario {
  input: ScenarioInput;
  result: ScenarioResult;
}

export interface GoldenCorpus {
  rulesVersion: number;
  about: string;
  scenarios: GoldenScenario[];
}

// ---- what a version makes of a scenario ------------------------------------------------------------

function row(i: LoanAccount['installments'][number]): string {
  const paid = `${i.paidPrincipal}/${i.paidInterest}/${i.paidFee}/${i.paidPenalty}`;
  return `#${i.number} ${i.dueDate} p=${i.principal} i=${i.interest} f=${i.fee} paid=${paid} pen=${i.penaltyCharged} late=${i.lateFee} ${i.charged ? 'charged' : 'open'} ${i.paidOn ?? '-'}`;
}

function entry(e: JournalEntry): string {
  return `${e.businessKey} ${e.kind} ${e.effectiveOn} ${e.lines.map((l) => `${l.account}:${l.debit}/${l.credit}`).join(' ')}`;
}

function accountLine(a: LoanAccount): string {
  return `count=${a.installments.length} level=${a.installmentAmount ?? '-'} perPeriod=${a.principalPerPeriod ?? '-'} credit=${a.credit} writtenOff=${a.writtenOffOn ?? '-'}`;
}

function look(a: LoanAccount, on: LocalDate, book: RuleBook): Omit<StepResult, 'event' | 'allocation' | 'entries' | 'rows'> {
  const closed = a.writtenOffOn !== null;
  const next = closed ? null : firstUnsettled(a);
  const charges: string[] = [];
  for (const i of a.installments) {
    const paidOnTime = i.paidOn !== null && compareDates(i.paidOn, i.dueDate) <= 0;
    if (paidOnTime || compareDates(i.dueDate, on) >= 0 || closed) continue;
    const c = chargesOn(a, i, on, book);
    charges.push(`#${i.number} penalty=${c.penalty} lateFee=${c.lateFee} cap=${c.cap} ${c.inGrace ? 'in-grace' : c.waived ? 'waived' : 'late'}`);
  }
  return {
    account: accountLine(a),
    balances: balancesOn(a, on, book),
    payoff: closed || isPaidOff(a) ? '0.00' : payoffAmount(a, on, book),
    nextDue: next ? `#${next.number} ${next.dueDate} ${amountOwed(a, next.number, on, book)}` : null,
    daysPastDue: closed ? 0 : daysPastDue(oldestOverdue(a, on)?.dueDate ?? null, on),
    classification: classificationOn(a, on, book),
    charges,
  };
}

/** Recomputes a scenario's results from its inputs under `version` of the money rules. */
export function runScenario(input: ScenarioInput, version: number, book: RuleBook = RULE_BOOK): ScenarioResult {
  const q = quote({ ...input.terms, startDate: input.disbursedOn, firstDueDate: input.quoteFirstDueDate }, rulesFor(version, book));
  const opened = openAccount(input.loanId, { ...input.terms, rulesVersion: version }, input.disbursedOn, book);
  let a = opened;
  const steps: StepResult[] = [];
  for (const e of input.events) {
    let posting: Posting | null = null;
    let allocation: PaymentAllocation | null = null;
    if (e.kind === 'PAY') {
      const paid = applyPayment(a, { paymentId: e.paymentId, channel: 'ONLINE', amount: e.amount, receivedOn: e.on, externalRef: null }, book);
      posting = paid;
      allocation = paid.allocation;
    } else if (e.kind === 'CREDIT') {
      posting = applyCredit(a, e.on, book);
    } else if (e.kind === 'WRITE_OFF') {
      posting = writeOff(a, e.on, book);
    }
    if (posting) a = posting.account;
    const changed = new Set(posting?.changed ?? []);
    steps.push({
      event: e.kind === 'PAY' ? `PAY ${e.amount} on ${e.on}` : `${e.kind} on ${e.on}`,
      allocation,
      entries: (posting?.entries ?? []).map(entry),
      rows: a.installments.filter((i) => changed.has(i.number)).map(row),
      ...look(a, e.on, book),
    });
  }
  return {
    quote: {
      installments: q.installments.map((i) => `#${i.number} ${i.dueDate} p=${i.principal} i=${i.interest} f=${i.fee} total=${i.total} left=${i.remainingPrincipal}`),
      totalInterest: q.totalInterest,
      totalFees: q.totalFees,
      totalPayment: q.totalPayment,
      apr: q.apr,
      effectiveAnnualRate: q.effectiveAnnualRate,
    },
    opened: { account: accountLine(opened), rows: opened.installments.map(row) },
    steps,
  };
}

// ---- building the inputs ---------------------------------------------------------------------------

/** mulberry32: a small seeded generator, so the corpus is the same on every machine. */
function seeded(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = t;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const STORIES = ['ON_TIME', 'PARTIAL', 'EARLY', 'OVERPAY', 'PAYOFF', 'LATE', 'WRITE_OFF', 'CURED'] as const;
type Story = (typeof STORIES)[number];
const OVERPAYMENTS: readonly OverpaymentHandling[] = ['CARRY_FORWARD', 'PREPAY_REDUCE_TERM', 'PREPAY_REDUCE_INSTALLMENT', 'REFUND'];
const ORDERS: readonly AllocationComponent[][] = [
  ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'],
  ['INTEREST', 'PRINCIPAL', 'FEE', 'PENALTY'],
  ['FEE', 'INTEREST', 'PENALTY', 'PRINCIPAL'],
];
const TERM_COUNTS: Record<Frequency, readonly number[]> = {
  MONTHLY: [3, 6, 12, 24, 36],
  BIWEEKLY: [6, 12, 26],
  WEEKLY: [8, 12, 20],
  DAILY: [10, 14, 30],
};
const START_DATES: readonly LocalDate[] = ['2025-01-31', '2025-03-15', '2025-08-29', '2026-01-15', '2026-02-28', '2026-05-31', '2026-12-10', '2027-06-01'];

function pick<T>(rng: () => number, from: readonly T[]): T {
  return from[Math.floor(rng() * from.length)] as T;
}

function termsFor(index: number, story: Story, rng: () => number): Omit<AccountTerms, 'rulesVersion'> {
  const method: RepaymentMethod = REPAYMENT_METHODS[index % REPAYMENT_METHODS.length]!;
  const frequency: Frequency = FREQUENCIES[Math.floor(index / REPAYMENT_METHODS.length) % FREQUENCIES.length]!;
  const dayCount: DayCount = DAY_COUNTS[index % DAY_COUNTS.length]!;
  const termCount = pick(rng, TERM_COUNTS[frequency]);
  const principal = toMoney(money(pick(rng, ['800.00', '3000.00', '5000.00', '12000.00', '50000.00', '200000.00'])).plus(Math.floor(rng() * 100)));
  const annualRate = pick(rng, ['0.0435', '0.0990', '0.1200', '0.1550', '0.1800', '0.2300']);
  const fees: Fee[] = [];
  if (rng() < 0.4) fees.push({ kind: 'UPFRONT', amount: toMoney(money(principal).times('0.01')) });
  if (rng() < 0.5) fees.push({ kind: 'PER_INSTALLMENT', amount: pick(rng, ['2.00', '5.50', '10.00']) });
  const percent = rng() < 0.4;
  return {
    principal,
    annualRate,
    termCount,
    frequency,
    method,
    dayCount,
    fees,
    penalty: {
      penaltyMarkup: pick(rng, ['0.5000', '0.3000']),
      lateFee: percent ? { kind: 'PERCENT_OF_OVERDUE_INSTALLMENT', value: '0.0500' } : { kind: 'FLAT', value: pick(rng, ['10.00', '20.00', '50.00']) },
      graceDays: pick(rng, [0, 3, 7]),
    },
    chargesCap: pick(rng, ['0.2400', '0.3600']),
    allocationOrder: [...pick(rng, ORDERS)],
    overpayment: story === 'OVERPAY' || story === 'EARLY' ? OVERPAYMENTS[index % OVERPAYMENTS.length]! : pick(rng, OVERPAYMENTS),
  };
}

/** Builds one story's events while running it under version 1, so every amount paid is a real figure of the loan. */
function storyEvents(story: Story, loanId: string, terms: Omit<AccountTerms, 'rulesVersion'>, disbursedOn: LocalDate, rng: () => number): ScenarioEvent[] {
  let a = openAccount(loanId, { ...terms, rulesVersion: 1 }, disbursedOn);
  const events: ScenarioEvent[] = [];
  let paymentNo = 0;
  const pay = (on: LocalDate, amount: Money): void => {
    if (money(amount).lte(0)) return;
    const paymentId = `${loanId}-p${++paymentNo}`;
    a = applyPayment(a, { paymentId, channel: 'ONLINE', amount, receivedOn: on, externalRef: null }).account;
    events.push({ kind: 'PAY', on, amount, paymentId });
  };
  const lookAt = (on: LocalDate): void => {
    events.push({ kind: 'LOOK', on });
  };
  const credit = (on: LocalDate): void => {
    a = applyCredit(a, on).account;
    events.push({ kind: 'CREDIT', on });
  };
  const dueOf = (k: number) => a.installments[Math.min(k, a.installments.length - 1)]!.dueDate;
  const last = a.installments.length;
  const steps = Math.min(last, 4);
  const payOnTime = (from: number, to: number) => {
    for (let k = from; k < Math.min(to, a.installments.length); k++) {
      const i = a.installments[k]!;
      if (isPaidOff(a)) return;
      if (i.paidOn !== null) continue;
      credit(i.dueDate);
      pay(i.dueDate, amountOwed(a, i.number, i.dueDate));
    }
  };
  switch (story) {
    case 'ON_TIME':
      payOnTime(0, steps);
      lookAt(addDays(dueOf(steps - 1), 1));
      break;
    case 'PARTIAL':
      for (let k = 0; k < steps; k++) {
        const i = a.installments[k]!;
        const owed = money(amountOwed(a, i.number, i.dueDate));
        const part = toMoney(owed.times(pick(rng, ['0.25', '0.4', '0.6'])));
        pay(i.dueDate, part);
        const later = addDays(i.dueDate, pick(rng, [2, 5, 10]));
        lookAt(later);
        pay(later, amountOwed(a, i.number, later));
      }
      break;
    case 'EARLY':
      for (let k = 0; k < steps; k++) {
        const i = a.installments[k]!;
        if (isPaidOff(a)) break;
        const early = addDays(i.dueDate, -pick(rng, [1, 3, 5]));
        const total = money(i.principal).plus(money(i.interest)).plus(money(i.fee));
        pay(early, toMoney(total.times(pick(rng, ['1', '1.5', '0.5']))));
        lookAt(i.dueDate);
      }
      break;
    case 'OVERPAY':
      for (let k = 0; k < steps; k++) {
        const i = a.installments[k];
        if (!i || isPaidOff(a)) break;
        if (i.paidOn !== null) continue;
        credit(i.dueDate);
        const owed = money(amountOwed(a, i.number, i.dueDate));
        pay(i.dueDate, toMoney(owed.plus(money(terms.principal).times(pick(rng, ['0.05', '0.1', '0.2'])))));
      }
      if (!isPaidOff(a)) lookAt(addDays(a.installments[a.installments.length - 1]!.dueDate, -1));
      break;
    case 'PAYOFF': {
      payOnTime(0, Math.min(2, last - 1));
      const open = firstUnsettled(a)!;
      const start = open.number === 1 ? disbursedOn : a.installments[open.number - 2]!.dueDate;
      const mid = addDays(start, Math.max(1, Math.floor(Math.max(1, daysBetween(start, open.dueDate)) * pick(rng, [0.3, 0.5, 0.8]))));
      lookAt(mid);
      const payoff = payoffAmount(a, mid);
      pay(mid, rng() < 0.5 ? payoff : toMoney(money(payoff).plus(7.77)));
      lookAt(addDays(mid, 1));
      break;
    }
    case 'LATE': {
      const grace = terms.penalty.graceDays;
      const first = a.installments[0]!;
      const withinGrace = addDays(first.dueDate, Math.max(0, grace - 1));
      lookAt(withinGrace);
      pay(withinGrace, amountOwed(a, 1, withinGrace));
      if (a.installments.length > 1 && !isPaidOff(a)) {
        const second = a.installments[1]!;
        const late = addDays(second.dueDate, grace + pick(rng, [5, 12, 25]));
        lookAt(addDays(second.dueDate, grace + 1));
        lookAt(late);
        pay(late, toMoney(money(amountOwed(a, 2, late)).times('0.5')));
        const later = addDays(late, 9);
        lookAt(later);
        pay(later, amountOwed(a, 2, later));
      } else if (!isPaidOff(a)) {
        lookAt(addDays(first.dueDate, grace + 20));
      }
      break;
    }
    case 'WRITE_OFF': {
      const due = a.installments[0]!.dueDate;
      if (rng() < 0.5) pay(due, toMoney(money(amountOwed(a, 1, due)).times('0.3')));
      for (const d of [1, 30, 90, 91, 180, 270, 271, 360, 361]) lookAt(addDays(due, d));
      const on = addDays(due, 400);
      a = writeOff(a, on).account;
      events.push({ kind: 'WRITE_OFF', on });
      lookAt(addDays(on, 10));
      break;
    }
    case 'CURED': {
      const missed = Math.min(3, last);
      const when = addDays(dueOf(missed - 1), pick(rng, [4, 15, 40]));
      lookAt(when);
      const b = balancesOn(a, when);
      pay(when, b.totalDue);
      if (!isPaidOff(a)) payOnTime(missed, missed + 2);
      lookAt(addDays(when, 60));
      break;
    }
  }
  return events;
}

/** The inputs of the corpus: every story kind over a spread of methods, frequencies, day counts, fees and products. */
export function generateScenarios(perStory = 6, seed = 20261206): ScenarioInput[] {
  const rng = seeded(seed);
  const inputs: ScenarioInput[] = [];
  let index = 0;
  for (const story of STORIES) {
    for (let k = 0; k < perStory; k++, index++) {
      const loanId = `G${String(index + 1).padStart(3, '0')}`;
      const terms = termsFor(index, story, rng);
      const disbursedOn = pick(rng, START_DATES);
      const quoteFirstDueDate = terms.method !== 'BULLET' && rng() < 0.3 ? addDays(disbursedOn, terms.frequency === 'MONTHLY' ? 40 : terms.frequency === 'DAILY' ? 2 : 10) : null;
      const name = `${loanId} ${story} ${terms.method} ${terms.frequency}×${terms.termCount} ${terms.dayCount} ${terms.overpayment}`;
      inputs.push({ name, loanId, terms, disbursedOn, quoteFirstDueDate, events: storyEvents(story, loanId, terms, disbursedOn, rng) });
    }
  }
  return inputs;
}

/** The first place two results differ, as a path and both values; null when they are equal. */
export function firstDifference(expected: unknown, actual: unknown, path = ''): { path: string; expected: unknown; actual: unknown } | null {
  if (expected === actual) return null;
  if (typeof expected !== 'object' || typeof actual !== 'object' || expected === null || actual === null || Array.isArray(expected) !== Array.isArray(actual)) {
    return { path: path || '(whole result)', expected, actual };
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let k = 0; k < Math.max(expected.length, actual.length); k++) {
      const d = firstDifference(expected[k], actual[k], `${path}[${k}]`);
      if (d) return d;
    }
    return null;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
    const d = firstDifference(e[key], a[key], `${path}.${key}`);
    if (d) return d;
  }
  return null;
}

export const GOLDEN_ABOUT =
  'Money rules golden corpus: inputs and the numbers this rules version gives them. Never edit by hand; a change to domain/ that alters these numbers must add a rules version instead (docs/operations/money-rules.md, docs/operations/upgrading.md). Regenerate only on purpose: npm run golden:rules -- --write.';
