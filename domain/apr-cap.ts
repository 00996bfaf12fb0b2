// The APR cap (PBoC Announcement [2021] No. 3; the product's `aprCap`) applied before anything is
// asked of the borrower's credit file: an application is judged on the APR of the terms it asks
// for, and a product on the dearest terms it allows.
//
// The APR is the IRR of the borrower's cash flows (apr.ts), fees included, of the schedule the
// money rules would build for those terms from `startDate` with regular periods; an irregular
// first period is only ever chosen later, at the offer.
import { problem, type FieldProblem } from './errors.js';
import { REPAYMENT_METHOD_NAMES, FREQUENCY_NAMES } from './labels.js';
import { Dec, money, sumMoney } from './money.js';
import { rulesFor, type MoneyRules } from './money-rules.js';
import type { LoanProduct } from './products.js';
import { quote } from './quote.js';
import { rate } from './rates.js';
import { CURRENT_RULES_VERSION } from './rules-version.js';
import type { Frequency, LocalDate, Money, Rate, RepaymentMethod } from './types.js';

/** The terms whose APR is judged. */
export interface AprTerms {
  amount: Money;
  annualRate: Rate;
  termCount: number;
  method: RepaymentMethod;
  frequency: Frequency;
}

type PricedProduct = Pick<LoanProduct, 'fees' | 'dayCount' | 'aprCap'>;

/** The terms' APR under the product's fees and day count; null when the upfront fees take the whole amount. */
export function aprOfTerms(
  product: PricedProduct,
  terms: AprTerms,
  startDate: LocalDate,
  rules: MoneyRules = rulesFor(CURRENT_RULES_VERSION),
): Rate | null {
  const upfront = sumMoney(product.fees.filter((f) => f.kind === 'UPFRONT').map((f) => f.amount));
  if (money(upfront).gte(money(terms.amount))) return null;
  return quote(
    {
      principal: terms.amount,
      annualRate: terms.annualRate,
      termCount: terms.termCount,
      frequency: terms.frequency,
      method: terms.method,
      startDate,
      fees: product.fees,
      dayCount: product.dayCount,
    },
    rules,
  ).apr;
}

/** What the cap check found: the APR (null when fees take the whole amount) and whether it is above the cap. */
export interface AprJudgement {
  apr: Rate | null;
  cap: Rate;
  aboveCap: boolean;
}

export function judgeApr(
  product: PricedProduct,
  terms: AprTerms,
  startDate: LocalDate,
  rules?: MoneyRules,
): AprJudgement {
  const apr = aprOfTerms(product, terms, startDate, rules);
  return { apr, cap: product.aprCap, aboveCap: apr === null || rate(apr).gt(rate(product.aprCap)) };
}

/** A rate as a percentage with two decimals, half-up: "0.271234" → "27.12". */
export function percent(value: Rate): string {
  return rate(value).times(100).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
}

function termsText(terms: AprTerms): { zh: string; en: string } {
  const method = REPAYMENT_METHOD_NAMES[terms.method];
  const frequency = FREQUENCY_NAMES[terms.frequency];
  return {
    zh: `${terms.amount} 元、${terms.termCount} 期（${method.zh}，${frequency.zh}，年利率 ${percent(terms.annualRate)}%）`,
    en: `${terms.amount} over ${terms.termCount} installments (${method.en}, ${frequency.en.toLowerCase()}, annual rate ${percent(terms.annualRate)}%)`,
  };
}

function capProblem(field: string, judgement: AprJudgement, terms: AprTerms, subject: { zh: string; en: string }) {
  const t = termsText(terms);
  const cap = percent(judgement.cap);
  if (judgement.apr === null) {
    return problem(
      field,
      'FEES_EXCEED_AMOUNT',
      `${subject.zh}${t.zh}：前置费用不低于借款金额，年化利率（APR）无法在上限 ${cap}% 以内`,
      `${subject.en}${t.en}: the upfront fees take the whole amount, so the APR cannot be within the cap of ${cap}%`,
    );
  }
  const apr = percent(judgement.apr);
  return problem(
    field,
    'APR_ABOVE_CAP',
    `${subject.zh}${t.zh}的年化利率（APR，含费用）为 ${apr}%，超过上限 ${cap}%`,
    `${subject.en}${t.en} carries an APR including fees of ${apr}%, above the cap of ${cap}%`,
  );
}

/**
 * The application's terms at the rate it is offered at (the product's standard rate): the problem
 * to refuse it with, reported against `amount`, or null when the APR is within the cap.
 */
export function applicationAprProblem(
  product: PricedProduct,
  terms: AprTerms,
  startDate: LocalDate,
  rules?: MoneyRules,
): { judgement: AprJudgement; problem: FieldProblem | null } {
  const judgement = judgeApr(product, terms, startDate, rules);
  return {
    judgement,
    problem: judgement.aboveCap
      ? capProblem('amount', judgement, terms, { zh: '申请 ', en: 'The application for ' })
      : null,
  };
}

/**
 * A product's dearest terms: its minimum amount (fixed fees weigh most on it) at its maximum rate
 * (a final reviewer may set any rate up to it), for every method and frequency it offers, over its
 * shortest and its longest term and every term between. An upfront fee weighs most on the shortest
 * term, but a per-installment fee (about 15 monthly installments of 等额本金) or the cent rounding of
 * a level installment (1,002.00 over 4 months at 24% costs 24.0019%) can make a term in between the
 * dearest. Up to EXHAUSTIVE_TERMS terms apart every term is judged; a wider range is sampled and
 * climbed from its dearest sample (judging 360 terms of every method and frequency would hold the
 * API for seconds). Returns the dearest terms above the cap as
 * problems against `minAmount` and the term field (`minTerm`, `maxTerm`, or both for a term in
 * between), or none.
 */
export function productAprProblems(
  product: Pick<
    LoanProduct,
    'fees' | 'dayCount' | 'aprCap' | 'minAmount' | 'maxRate' | 'minTerm' | 'maxTerm' | 'methods' | 'frequencies'
  >,
  startDate: LocalDate,
  rules?: MoneyRules,
): FieldProblem[] {
  let worst: { judgement: AprJudgement; terms: AprTerms } | null = null;
  for (const method of product.methods) {
    for (const frequency of product.frequencies) {
      const judge = (termCount: number) => {
        const terms: AprTerms = {
          amount: product.minAmount,
          annualRate: product.maxRate,
          termCount,
          method,
          frequency,
        };
        return { judgement: judgeApr(product, terms, startDate, rules), terms };
      };
      const candidates = [judge(product.minTerm), judge(product.maxTerm)];
      if (product.maxTerm - product.minTerm <= EXHAUSTIVE_TERMS)
        for (let term = product.minTerm + 1; term < product.maxTerm; term++) candidates.push(judge(term));
      else candidates.push(dearestBetween(judge, product.minTerm, product.maxTerm));
      for (const candidate of candidates) {
        if (candidate.judgement.aboveCap && (worst === null || dearer(candidate.judgement, worst.judgement))) {
          worst = candidate;
        }
      }
    }
  }
  if (worst === null) return [];
  const subject = { zh: '产品最低金额按最高利率：', en: 'The product’s minimum amount at its maximum rate, ' };
  const found = capProblem('minAmount', worst.judgement, worst.terms, subject);
  const { termCount } = worst.terms;
  const termFields =
    termCount === product.minTerm ? ['minTerm'] : termCount === product.maxTerm ? ['maxTerm'] : ['minTerm', 'maxTerm'];
  return [found, ...termFields.map((field) => ({ ...found, field }))];
}

/** How far apart a product's shortest and longest terms may be for every term between to be judged. */
const EXHAUSTIVE_TERMS = 120;

/** Samples at most SAMPLES terms spread geometrically, then climbs from the dearest to the neighbouring term while dearer. */
function dearestBetween<T extends { judgement: AprJudgement }>(
  judge: (termCount: number) => T,
  from: number,
  to: number,
): T {
  const SAMPLES = 16;
  const seen = new Map<number, T>();
  const at = (term: number): T => {
    let found = seen.get(term);
    if (!found) seen.set(term, (found = judge(term)));
    return found;
  };
  let best = from;
  for (let k = 0; k < SAMPLES; k++) {
    const term = Math.round(from * Math.pow(to / from, k / (SAMPLES - 1)));
    if (dearer(at(term).judgement, at(best).judgement)) best = term;
  }
  for (const step of [-1, 1]) {
    while (best + step >= from && best + step <= to && dearer(at(best + step).judgement, at(best).judgement))
      best += step;
  }
  return at(best);
}

/** Whether a costs the borrower more than b (fees taking the whole amount cost the most). */
function dearer(a: AprJudgement, b: AprJudgement): boolean {
  if (a.apr === null) return b.apr !== null;
  return b.apr !== null && rate(a.apr).gt(rate(b.apr));
}
