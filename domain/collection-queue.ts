// The collections work queue: which delinquency bucket an overdue case is in, which collector the
// assignment rule gives it, what a contact may record (outcome, channel, promise to pay), when a
// borrower may be contacted at all, and when a promise to pay is kept or broken. Pure functions.
import { addDays, compareDates } from './dates.js';
import { instantOf, localDateOf, localTimeOf } from './business-time.js';
import { money } from './money.js';
import type { BilingualText, LocalDate, Money } from './types.js';

/** Delinquency buckets by days past due: M1 1–30, M2 31–60, M3+ 61 and more. */
export const BUCKETS = ['M1', 'M2', 'M3_PLUS'] as const;
export type Bucket = (typeof BUCKETS)[number];

export function bucketOf(daysPastDue: number): Bucket {
  if (daysPastDue <= 30) return 'M1';
  if (daysPastDue <= 60) return 'M2';
  return 'M3_PLUS';
}

/** How a collector reached (or tried to reach) the borrower. */
export const CONTACT_CHANNELS = ['CALL', 'SMS', 'VISIT'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** What came of a contact: a closed list, each with its name in both languages. */
export const CONTACT_OUTCOMES = [
  'PROMISE_TO_PAY',
  'CONTACTED_NO_PROMISE',
  'NO_ANSWER',
  'REFUSED_TO_PAY',
  'WRONG_NUMBER',
  'THIRD_PARTY_MESSAGE',
  'ALREADY_PAID',
  'DISPUTED',
] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

export const CONTACT_OUTCOME_LABELS: Readonly<Record<ContactOutcome, BilingualText>> = {
  PROMISE_TO_PAY: { zh: '联系上-承诺还款', en: 'Reached: promise to pay' },
  CONTACTED_NO_PROMISE: { zh: '联系上-未承诺还款', en: 'Reached: no promise' },
  NO_ANSWER: { zh: '无人接听', en: 'No answer' },
  REFUSED_TO_PAY: { zh: '拒绝还款', en: 'Refused to pay' },
  WRONG_NUMBER: { zh: '号码错误', en: 'Wrong number' },
  THIRD_PARTY_MESSAGE: { zh: '第三方转告', en: 'Message left with a third party' },
  ALREADY_PAID: { zh: '已还款', en: 'Says already paid' },
  DISPUTED: { zh: '有异议', en: 'Disputes the debt' },
};

export const CONTACT_CHANNEL_LABELS: Readonly<Record<ContactChannel, BilingualText>> = {
  CALL: { zh: '电话', en: 'Call' },
  SMS: { zh: '短信', en: 'SMS' },
  VISIT: { zh: '上门', en: 'Visit' },
};

// CONTACT HOURS: collectors may not call, message or visit a borrower before 08:00 or after 21:00
// local time (互联网金融逾期债务催收自律公约: 催收时间 8:00–21:00). The window is the borrower's
// local time; the business time zone stands for it (the application records no address).

export const CONTACT_HOURS = { from: '08:00', until: '21:00' } as const;

/** Whether an instant is inside the contact hours [08:00, 21:00) in the time zone. */
export function withinContactHours(epochMs: number, timeZone: string): boolean {
  const time = localTimeOf(epochMs, timeZone);
  return time >= CONTACT_HOURS.from && time < CONTACT_HOURS.until;
}

/** The first instant at or after `epochMs` inside the contact hours. */
export function nextContactTime(epochMs: number, timeZone: string): number {
  if (withinContactHours(epochMs, timeZone)) return epochMs;
  const today = localDateOf(epochMs, timeZone);
  const opensToday = instantOf(today, CONTACT_HOURS.from, timeZone);
  return opensToday > epochMs ? opensToday : instantOf(addDays(today, 1), CONTACT_HOURS.from, timeZone);
}

// ASSIGNMENT: a case goes to a collector who works its bucket, preferring one who covers the
// borrower's province (from the resident ID's first two digits) over one who covers every
// province; among those, the one with the fewest open cases; ties by user id, so the rule gives
// one answer.

export interface CollectorLoad {
  userId: string;
  /** The buckets the collector works; empty means every bucket. */
  buckets: readonly Bucket[];
  /** Province codes (two digits) the collector covers; empty means every province. */
  provinces: readonly string[];
  openCases: number;
}

export interface CaseToAssign {
  bucket: Bucket;
  /** Two-digit province code, or null when unknown. */
  province: string | null;
}

/** The collector the rule gives the case, or null when no collector works its bucket. */
export function chooseCollector(c: CaseToAssign, collectors: readonly CollectorLoad[]): string | null {
  const working = collectors.filter((x) => x.buckets.length === 0 || x.buckets.includes(c.bucket));
  const regional = working.filter((x) => c.province !== null && x.provinces.includes(c.province));
  const anywhere = working.filter((x) => x.provinces.length === 0);
  const pool = regional.length > 0 ? regional : anywhere;
  const [best] = [...pool].sort((a, b) => a.openCases - b.openCases || (a.userId < b.userId ? -1 : 1));
  return best?.userId ?? null;
}

/**
 * Assigns cases one after another, each to the rule's choice given the loads so far (a case
 * assigned counts toward its collector's load for the next).
 */
export function assignAll<C extends CaseToAssign>(
  cases: readonly C[],
  collectors: readonly CollectorLoad[],
): Array<{ case: C; userId: string }> {
  const loads = collectors.map((x) => ({ ...x }));
  const out: Array<{ case: C; userId: string }> = [];
  for (const c of cases) {
    const userId = chooseCollector(c, loads);
    if (userId === null) continue;
    loads.find((x) => x.userId === userId)!.openCases += 1;
    out.push({ case: c, userId });
  }
  return out;
}

/** The province code of an 18-digit resident ID (its first two digits). */
export function provinceOfIdNumber(idNumber: string): string | null {
  return /^\d{2}/.test(idNumber) ? idNumber.slice(0, 2) : null;
}

// PROMISES TO PAY: kept once the repayments received since the promise was made reach the promised
// amount (on or before the date); broken when the promised date has passed without that.

export type PromiseStatus = 'PENDING' | 'KEPT' | 'BROKEN';

export interface PromiseToPay {
  promisedOn: LocalDate;
  amount: Money;
}

/** The promise's standing on `today`, given what was received since it was made, up to its date. */
export function promiseStatus(promise: PromiseToPay, paidSinceMade: Money, today: LocalDate): PromiseStatus {
  if (money(paidSinceMade).gte(money(promise.amount))) return 'KEPT';
  return compareDates(today, promise.promisedOn) > 0 ? 'BROKEN' : 'PENDING';
}

/** Case priorities, lowest first; a broken promise raises a case one step. */
export const PRIORITIES = ['NORMAL', 'HIGH', 'URGENT'] as const;
export type Priority = (typeof PRIORITIES)[number];

export function raisedPriority(priority: Priority): Priority {
  return PRIORITIES[Math.min(PRIORITIES.indexOf(priority) + 1, PRIORITIES.length - 1)]!;
}
