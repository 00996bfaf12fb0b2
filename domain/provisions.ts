// Loan-loss provisions by five-category classification (五级分类: 正常/关注/次级/可疑/损失): a loan holds
// its class's rate of its outstanding principal in LOAN_LOSS_RESERVE, charged to PROVISION_EXPENSE.
// The provision moves when the loan's class changes, is first set when the loan is first serviced,
// and is released when no principal is left (paid off or written off). Pure; activities/provisions.ts
// posts the moves.
import { DomainError, fail, ok, problem, type FieldProblem, type Result } from './errors.js';
import { ledgerKeys, assertValidEntry, type JournalEntry } from './ledger.js';
import { Dec, ZERO_MONEY, money, roundCents, toMoney } from './money.js';
import { rate, toRate } from './rates.js';
import { LOAN_CLASSES, type LoanClass, type LocalDate, type Money, type Rate } from './types.js';

export type ProvisionRates = Readonly<Record<LoanClass, Rate>>;

/** The defaults: 1% / 2% / 25% / 50% / 100%. */
export const DEFAULT_PROVISION_RATES: ProvisionRates = {
  NORMAL: '0.0100',
  SPECIAL_MENTION: '0.0200',
  SUBSTANDARD: '0.2500',
  DOUBTFUL: '0.5000',
  LOSS: '1.0000',
};

/** The provision a loan of this class and outstanding principal holds, to the cent (half-up). */
export function provisionFor(outstandingPrincipal: Money, classification: LoanClass, rates: ProvisionRates): Money {
  return toMoney(roundCents(money(outstandingPrincipal).times(rate(rates[classification]))));
}

/**
 * How much the provision moves now (positive: charge more; negative: release), or null when it
 * stays. It moves when the class changed, when it was never set, or when no principal is left.
 */
export function provisionMove(p: {
  held: Money;
  previousClass: LoanClass;
  classification: LoanClass;
  outstandingPrincipal: Money;
  rates: ProvisionRates;
}): Money | null {
  const held = money(p.held);
  const target = money(provisionFor(p.outstandingPrincipal, p.classification, p.rates));
  const classChanged = p.previousClass !== p.classification;
  const neverSet = held.isZero();
  const nothingLeft = money(p.outstandingPrincipal).isZero();
  if (!classChanged && !neverSet && !nothingLeft) return null;
  const delta = target.minus(held);
  return delta.isZero() ? null : toMoney(delta);
}

/** The entry that moves a loan's provision by `delta` (the n-th move of that loan). */
export function provisionEntry(p: {
  loanId: string;
  sequence: number;
  on: LocalDate;
  delta: Money;
  classification: LoanClass;
}): JournalEntry {
  const delta = money(p.delta);
  if (delta.isZero())
    throw new DomainError('NO_PROVISION_MOVE', { zh: '准备金无变动', en: 'The provision does not move' });
  const amount = toMoney(delta.abs());
  const charge = delta.isPos();
  const e: JournalEntry = {
    businessKey: ledgerKeys.provision(p.loanId, p.sequence),
    loanId: p.loanId,
    kind: 'PROVISION',
    effectiveOn: p.on,
    externalRef: null,
    reversesKey: null,
    memo: `${charge ? 'provision charged' : 'provision released'}: ${amount} (${p.classification})`,
    lines: charge
      ? [
          { account: 'PROVISION_EXPENSE', debit: amount, credit: ZERO_MONEY },
          { account: 'LOAN_LOSS_RESERVE', debit: ZERO_MONEY, credit: amount },
        ]
      : [
          { account: 'LOAN_LOSS_RESERVE', debit: amount, credit: ZERO_MONEY },
          { account: 'PROVISION_EXPENSE', debit: ZERO_MONEY, credit: amount },
        ],
  };
  assertValidEntry(e);
  return e;
}

/**
 * Reads a full set of rates from untrusted input: every class, each a fraction from 0 to 1 with at
 * most four decimals, never lower for a worse class. Problems name the field (`rates.<CLASS>`).
 */
export function parseProvisionRates(input: unknown): Result<ProvisionRates> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return fail(problem('rates', 'REQUIRED', '须为各分类的计提比例', 'must give a rate for every class'));
  const raw = input as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(raw))
    if (!(LOAN_CLASSES as readonly string[]).includes(key))
      problems.push(problem(`rates.${key}`, 'UNKNOWN_FIELD', `不支持的分类：${key}`, `is not a loan class: ${key}`));
  const out: Partial<Record<LoanClass, Rate>> = {};
  for (const c of LOAN_CLASSES) {
    const value = raw[c];
    if (typeof value !== 'string' || !/^\d(\.\d{1,4})?$/.test(value) || new Dec(value).gt(1)) {
      problems.push(
        problem(
          `rates.${c}`,
          'INVALID_RATE',
          '计提比例须为 0 到 1 之间、最多四位小数的字符串，如 "0.25"',
          'must be a fraction from 0 to 1 with at most 4 decimals, e.g. "0.25"',
        ),
      );
      continue;
    }
    out[c] = toRate(value, 4);
  }
  if (problems.length > 0) return fail(...problems);
  for (let i = 1; i < LOAN_CLASSES.length; i += 1) {
    const worse = LOAN_CLASSES[i]!;
    const better = LOAN_CLASSES[i - 1]!;
    if (new Dec(out[worse]!).lt(new Dec(out[better]!)))
      problems.push(
        problem(
          `rates.${worse}`,
          'RATE_BELOW_BETTER_CLASS',
          `${worse} 的计提比例不能低于 ${better}`,
          `cannot be lower than the rate of ${better}`,
        ),
      );
  }
  return problems.length > 0 ? fail(...problems) : ok(out as ProvisionRates);
}
