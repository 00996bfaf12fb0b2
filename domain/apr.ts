// Annual percentage rate per PBoC Announcement [2021] No. 3 (中国人民银行公告〔2021〕第3号):
// the internal rate of return of the borrower's real cash flows, annualized.
//
//   Cash flows: at time 0 the borrower receives principal − upfront fees; at each due date pays
//   the installment total (principal + interest + per-installment fee).
//   Timing: IRR on the periodic grid. Payment k falls at t_k = L + (k − 1) regular periods, where
//   L is the first period's length in regular periods (1 when regular; for an irregular first
//   period the ratio of its year fraction to a regular period's, so 45 days before a monthly
//   grid is about 1.5). Month lengths do not move payments, so a fee-free regular loan's APR
//   equals its nominal rate exactly, up to cent rounding.
//   BULLET has one period, the whole term, so its APR is simple interest per year of term.
//   APR (nominal) = periodic IRR × periods per year; effective annual rate = (1 + i)^(periods per year) − 1.
//   Periods per year: MONTHLY 12; BIWEEKLY/WEEKLY/DAILY year basis / 14, 7, 1 under the product
//   day count (365 for ACT/365, 360 for ACT/360 and 30/360) — the same year the annual rate is
//   quoted in. (An ACT/360 loan therefore costs nominal × 365/360 per calendar year.)
//   Solver: Newton's method in Decimal from the nominal period rate, falling back to bisection
//   when a step leaves (−1, ∞) or does not converge. Deterministic: no randomness, fixed limits.
import { DomainError, problem, type FieldProblem } from './errors.js';
import { Dec, ONE, ZERO, isDecimalText, money, powInt } from './money.js';
import { rate, toRate } from './rates.js';
import { periodGrid, rateValue, type PeriodGrid, type Schedule } from './schedule.js';
import type { Rate } from './types.js';

/** The cap of the judicial-protection line most products use: 24% a year. */
export const DEFAULT_APR_CAP: Rate = '0.24';

/** Cash flows on a periodic grid: one outflow to the borrower at 0, payments from time `firstPeriodLength`, one period apart. */
export interface GridCashFlows {
  /** What the borrower actually received at time 0. */
  received: Dec;
  /** Payment k (0-based) at time firstPeriodLength + k. */
  payments: readonly Dec[];
  firstPeriodLength: Dec;
}

export interface AprResult {
  /** Nominal APR: periodic IRR × periods per year, 6 decimals. */
  apr: Rate;
  /** (1 + periodic IRR)^(periods per year) − 1, 6 decimals. */
  effectiveAnnualRate: Rate;
  /** The periodic IRR, 10 decimals. */
  periodicRate: Rate;
}

/**
 * Newton stops when the iterate it has just reached is within ERROR_TARGET of the root. For
 * borrower cash flows (one receipt, then payments) NPV(i) is decreasing and convex, and the
 * error after a step s is at most (t_max + 1)/2 · s², t_max the last payment's time; 1e-13 a
 * period keeps an APR off by less than 1e-10, far below its 6 decimals. With the nominal rate
 * as the first guess, a fee-free loan usually needs a single evaluation.
 */
const ERROR_TARGET = new Dec('1e-13');
const TOLERANCE = new Dec('1e-16');
/** Steps smaller than this reuse the previous slope. */
const CHORD_BELOW = new Dec('1e-6');
const NEWTON_LIMIT = 50;
const BISECTION_LIMIT = 400;

/**
 * Σ P_k v^k (k = 0 … n−1) and optionally its derivative in v. A level stream — one amount with at
 * most a few exceptions, as EQUAL_INSTALLMENT gives — uses the geometric-series closed form, so
 * a 360-installment loan costs one power instead of 360 multiply-adds; anything else uses Horner.
 */
interface PaymentStream {
  payments: readonly Dec[];
  level: { amount: Dec; exceptions: { index: number; excess: Dec }[] } | null;
}

const MAX_LEVEL_EXCEPTIONS = 4;
/** Below this |1 − v| the closed form's cancellation costs too many digits; use Horner. */
const CLOSED_FORM_MIN_GAP = new Dec('1e-8');

function paymentStream(payments: readonly Dec[]): PaymentStream {
  const n = payments.length;
  if (n < 4) return { payments, level: null };
  const amount = payments[n >> 1] as Dec;
  const exceptions: { index: number; excess: Dec }[] = [];
  for (let k = 0; k < n; k++) {
    const p = payments[k] as Dec;
    if (p.eq(amount)) continue;
    if (exceptions.length === MAX_LEVEL_EXCEPTIONS) return { payments, level: null };
    exceptions.push({ index: k, excess: p.minus(amount) });
  }
  return { payments, level: { amount, exceptions } };
}

function polynomial(stream: PaymentStream, v: Dec, onePlusI: Dec, withDerivative: boolean): { poly: Dec; deriv: Dec } {
  const n = stream.payments.length;
  const gap = ONE.minus(v);
  if (stream.level && gap.abs().gte(CLOSED_FORM_MIN_GAP)) {
    const vLast = powInt(v, n - 1);
    const vN = vLast.times(v);
    const invGap = ONE.div(gap);
    // G = Σ v^k = (1 − v^n)/(1 − v);  G' = (1 − n·v^(n−1) + (n−1)·v^n)/(1 − v)²
    let poly = stream.level.amount.times(ONE.minus(vN).times(invGap));
    let deriv = ZERO;
    if (withDerivative) {
      const numerator = ONE.minus(vLast.times(n)).plus(vN.times(n - 1));
      deriv = stream.level.amount.times(numerator.times(invGap).times(invGap));
    }
    for (const { index, excess } of stream.level.exceptions) {
      const vk = index === 0 ? ONE : index === n - 1 ? vLast : powInt(v, index);
      poly = poly.plus(excess.times(vk));
      // k·excess·v^(k−1) = k·excess·v^k·(1 + i), and 1/v = 1 + i
      if (withDerivative && index > 0) deriv = deriv.plus(excess.times(index).times(vk).times(onePlusI));
    }
    return { poly, deriv };
  }
  let poly = ZERO;
  let deriv = ZERO;
  const payments = stream.payments;
  for (let k = n - 1; k >= 0; k--) {
    if (withDerivative) deriv = deriv.times(v).plus(poly);
    poly = poly.times(v).plus(payments[k] as Dec);
  }
  return { poly, deriv };
}

/** NPV at periodic rate i: −received + v^L · Σ P_k v^k, with v = 1/(1+i). */
function presentValue(flows: GridCashFlows, stream: PaymentStream, i: Dec): Dec {
  const onePlusI = ONE.plus(i);
  const v = ONE.div(onePlusI);
  const L = flows.firstPeriodLength;
  const { poly } = polynomial(stream, v, onePlusI, false);
  return (L.eq(1) ? v : v.pow(L)).times(poly).minus(flows.received);
}

/** NPV and dNPV/di = −v^(L+1) · (L·poly + v·poly'). */
function valueAndSlope(flows: GridCashFlows, stream: PaymentStream, i: Dec): { npv: Dec; slope: Dec } {
  const onePlusI = ONE.plus(i);
  const v = ONE.div(onePlusI);
  const L = flows.firstPeriodLength;
  const { poly, deriv } = polynomial(stream, v, onePlusI, true);
  if (L.eq(1)) {
    const vSquared = v.times(v);
    return { npv: v.times(poly).minus(flows.received), slope: vSquared.times(poly.plus(v.times(deriv))).neg() };
  }
  const vL = v.pow(L);
  const npv = vL.times(poly).minus(flows.received);
  const slope = vL
    .times(v)
    .times(L.times(poly).plus(v.times(deriv)))
    .neg();
  return { npv, slope };
}

function bisect(flows: GridCashFlows, stream: PaymentStream): Dec {
  let lo = new Dec('-0.999999');
  let hi = ONE;
  for (let n = 0; n < 200 && presentValue(flows, stream, hi).gt(0); n++) hi = hi.times(2);
  if (presentValue(flows, stream, lo).lt(0) || presentValue(flows, stream, hi).gt(0)) {
    throw new DomainError('IRR_NOT_FOUND', {
      zh: '无法求得内部收益率',
      en: 'No internal rate of return for these cash flows',
    });
  }
  for (let n = 0; n < BISECTION_LIMIT && hi.minus(lo).gt(TOLERANCE); n++) {
    const mid = lo.plus(hi).div(2);
    if (presentValue(flows, stream, mid).gt(0)) lo = mid;
    else hi = mid;
  }
  return lo.plus(hi).div(2);
}

/**
 * The periodic rate i at which the payments' present value equals what was received.
 * Newton from `guess`; bisection if Newton leaves the domain or does not settle.
 */
export function solvePeriodicIrr(flows: GridCashFlows, guess: Dec = ZERO): Dec {
  if (!flows.received.gt(0) || flows.payments.length === 0 || flows.payments.some((p) => p.isNeg())) {
    throw new DomainError('IRR_NOT_FOUND', {
      zh: '现金流无效',
      en: 'Cash flows need a positive receipt and non-negative payments',
    });
  }
  const stream = paymentStream(flows.payments);
  const curvature = flows.firstPeriodLength.plus(flows.payments.length).div(2);
  let i = guess;
  let slope: Dec | null = null;
  let lastStep: Dec | null = null;
  for (let n = 0; n < NEWTON_LIMIT; n++) {
    // Near the root the slope barely changes, so the last one is reused (a chord step): that
    // halves the work of the final, confirming iteration without slowing convergence noticeably.
    let npv: Dec;
    if (slope !== null && lastStep !== null && lastStep.abs().lt(CHORD_BELOW)) {
      npv = presentValue(flows, stream, i);
    } else {
      ({ npv, slope } = valueAndSlope(flows, stream, i));
    }
    if (slope.isZero() || !slope.isFinite()) break;
    const step = npv.div(slope);
    const next = i.minus(step);
    if (!next.isFinite() || next.lte(-1)) break;
    if (step.abs().lte(TOLERANCE) || (next.gte(0) && step.times(step).times(curvature).lte(ERROR_TARGET))) return next;
    i = next;
    lastStep = step;
  }
  return bisect(flows, stream);
}

/** The borrower's cash flows of a schedule on its period grid. */
export function scheduleCashFlows(schedule: Schedule, grid: PeriodGrid): GridCashFlows {
  return {
    received: money(schedule.disbursedAmount),
    payments: schedule.installments.map((inst) => money(inst.total)),
    firstPeriodLength: grid.firstPeriodLength,
  };
}

/** APR and effective annual rate of a schedule, given its period grid (and, optionally, its payments as Decimals). */
export function aprFromGrid(schedule: Schedule, grid: PeriodGrid, payments?: readonly Dec[]): AprResult {
  const flows = payments
    ? { received: money(schedule.disbursedAmount), payments, firstPeriodLength: grid.firstPeriodLength }
    : scheduleCashFlows(schedule, grid);
  const i = solvePeriodicIrr(flows, rateValue(grid.regularRate));
  const n = grid.periodsPerYear;
  const growth = ONE.plus(i);
  const effective = (n.isInteger() ? powInt(growth, n.toNumber()) : growth.pow(n)).minus(1);
  return { apr: toRate(i.times(n), 6), effectiveAnnualRate: toRate(effective, 6), periodicRate: toRate(i, 10) };
}

/** APR and effective annual rate of a schedule. */
export function annualPercentageRate(schedule: Schedule): AprResult {
  return aprFromGrid(schedule, periodGrid(schedule.terms));
}

/**
 * A product refuses terms whose APR exceeds its cap. Returns the problem to show, or null.
 * `field` is the input the problem is reported against (default "annualRate").
 */
export function checkAprCap(apr: Rate, cap: Rate = DEFAULT_APR_CAP, field = 'annualRate'): FieldProblem | null {
  if (!isDecimalText(apr) || !isDecimalText(cap)) {
    throw new DomainError('INVALID_RATE', {
      zh: '年化利率或上限格式不正确',
      en: 'APR and cap must be decimal fractions',
    });
  }
  if (rate(apr).lte(rate(cap))) return null;
  const pct = (r: Rate): string => rate(r).times(100).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2);
  return problem(
    field,
    'APR_ABOVE_CAP',
    `年化利率（APR，含费用）${pct(apr)}% 超过上限 ${pct(cap)}%`,
    `APR including fees is ${pct(apr)}%, above the cap of ${pct(cap)}%`,
  );
}
