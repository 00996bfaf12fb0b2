// Repayment allocation: how money is spread over what is owed. Installments are paid one at a
// time, in the order given (the caller passes the oldest first); within an installment the
// components go in the product's order, default PENALTY → FEE → INTEREST → PRINCIPAL. PENALTY
// covers penalty interest and then the late fee. No component ever receives more than is owed
// on it; what is left over is returned to the caller.
import { DomainError, problem, type FieldProblem } from './errors.js';
import type { Dec } from './money.js';
import { ZERO, formatCents, minDec, money, toMoney } from './money.js';
import { ALLOCATION_COMPONENTS, type AllocationComponent, type Money } from './types.js';

export const DEFAULT_ALLOCATION_ORDER: readonly AllocationComponent[] = Object.freeze([
  'PENALTY',
  'FEE',
  'INTEREST',
  'PRINCIPAL',
] as const);

/** What is owed on one installment, by component. */
export interface OwedAmounts {
  penalty: Money;
  lateFee: Money;
  fee: Money;
  interest: Money;
  principal: Money;
}

export interface OwedInstallment {
  number: number;
  owed: OwedAmounts;
}

/** What one repayment put on one installment, by component. */
export interface AllocationLine {
  number: number;
  penalty: Money;
  lateFee: Money;
  fee: Money;
  interest: Money;
  principal: Money;
  total: Money;
}

export interface AllocationResult {
  lines: AllocationLine[];
  allocated: Money;
  remaining: Money;
}

/** The same amounts as Decimals, for the account's internal arithmetic. */
export interface Components {
  penalty: Dec;
  lateFee: Dec;
  fee: Dec;
  interest: Dec;
  principal: Dec;
}

export function zeroComponents(): Components {
  return { penalty: ZERO, lateFee: ZERO, fee: ZERO, interest: ZERO, principal: ZERO };
}

export function componentsTotal(c: Components): Dec {
  return c.penalty.plus(c.lateFee).plus(c.fee).plus(c.interest).plus(c.principal);
}

export function toLine(number: number, c: Components): AllocationLine {
  return {
    number,
    penalty: formatCents(c.penalty),
    lateFee: formatCents(c.lateFee),
    fee: formatCents(c.fee),
    interest: formatCents(c.interest),
    principal: formatCents(c.principal),
    total: formatCents(componentsTotal(c)),
  };
}

/** Problems with a configured allocation order: it must name each component exactly once. */
export function validateAllocationOrder(order: unknown, field = 'allocationOrder'): FieldProblem[] {
  const ok =
    Array.isArray(order) &&
    order.length === ALLOCATION_COMPONENTS.length &&
    ALLOCATION_COMPONENTS.every((c) => order.filter((o) => o === c).length === 1);
  return ok
    ? []
    : [
        problem(
          field,
          'INVALID_ALLOCATION_ORDER',
          `还款冲抵顺序须恰好包含 ${ALLOCATION_COMPONENTS.join('、')} 各一次`,
          `must list each of ${ALLOCATION_COMPONENTS.join(', ')} exactly once`,
        ),
      ];
}

export function assertAllocationOrder(order: readonly AllocationComponent[]): void {
  const problems = validateAllocationOrder(order);
  if (problems.length > 0)
    throw new DomainError('INVALID_ALLOCATION_ORDER', (problems[0] as FieldProblem).message, 'allocationOrder');
}

const KEYS_OF: Record<AllocationComponent, readonly (keyof Components)[]> = {
  PENALTY: ['penalty', 'lateFee'],
  FEE: ['fee'],
  INTEREST: ['interest'],
  PRINCIPAL: ['principal'],
};

/** Pays `funds` into `owed` installments in turn. Decimal version used by the account. */
export function allocateComponents(
  funds: Dec,
  owed: readonly { number: number; owed: Components }[],
  order: readonly AllocationComponent[] = DEFAULT_ALLOCATION_ORDER,
): { lines: { number: number; paid: Components }[]; remaining: Dec } {
  let left = funds;
  const lines: { number: number; paid: Components }[] = [];
  for (const item of owed) {
    if (left.lte(0)) break;
    const paid = zeroComponents();
    for (const component of order) {
      for (const key of KEYS_OF[component]) {
        const due = item.owed[key];
        if (due.lte(0) || left.lte(0)) continue;
        const take = minDec(due, left);
        paid[key] = take;
        left = left.minus(take);
      }
    }
    if (componentsTotal(paid).gt(0)) lines.push({ number: item.number, paid });
  }
  return { lines, remaining: left };
}

/** Pays `funds` into the installments in the order given; never more than is owed on any component. */
export function allocate(
  funds: Money,
  owed: readonly OwedInstallment[],
  order: readonly AllocationComponent[] = DEFAULT_ALLOCATION_ORDER,
): AllocationResult {
  assertAllocationOrder(order);
  const available = money(funds);
  if (available.isNeg())
    throw new DomainError('INVALID_AMOUNT', { zh: '金额不得为负', en: 'Funds must not be negative' });
  const items = owed.map((o) => ({
    number: o.number,
    owed: {
      penalty: money(o.owed.penalty),
      lateFee: money(o.owed.lateFee),
      fee: money(o.owed.fee),
      interest: money(o.owed.interest),
      principal: money(o.owed.principal),
    },
  }));
  const { lines, remaining } = allocateComponents(available, items, order);
  return {
    lines: lines.map((l) => toLine(l.number, l.paid)),
    allocated: toMoney(available.minus(remaining)),
    remaining: toMoney(remaining),
  };
}
