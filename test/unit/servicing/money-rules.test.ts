// Dispatch by rules version, the version choice of a new offer, and the migration seam. Version 3
// here is defined by this test alone, through the same rule book a shipped version would use.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../domain/errors.js';
import { addMoney } from '../../../domain/money.js';
import { RULE_BOOK, rulesFor, type MoneyRules, type RuleBook } from '../../../domain/money-rules.js';
import { migrateAccount } from '../../../domain/rules-migration.js';
import { CURRENT_RULES_VERSION, chooseRulesVersion } from '../../../domain/rules-version.js';
import {
  accrue,
  amountOwed,
  applyPayment,
  balancesOn,
  classificationOn,
  openAccount,
  payoffAmount,
  rulesVersionOf,
  writeOff,
  type AccountTerms,
  type LoanAccount,
} from '../../../domain/servicing-account.js';

const terms = (rulesVersion: number): AccountTerms => ({
  principal: '12000.00',
  annualRate: '0.1200',
  termCount: 12,
  frequency: 'MONTHLY',
  method: 'EQUAL_INSTALLMENT',
  fees: [{ kind: 'PER_INSTALLMENT', amount: '5.00' }],
  dayCount: 'ACT/365',
  penalty: { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays: 3 },
  chargesCap: '0.2400',
  allocationOrder: ['PENALTY', 'FEE', 'INTEREST', 'PRINCIPAL'],
  overpayment: 'CARRY_FORWARD',
  rulesVersion,
});

const v1 = rulesFor(1);
/** A test-only version 3: no late fee, and substandard from 61 days past due. */
const V3: MoneyRules = {
  ...v1,
  version: 3,
  overdueCharges: (installment, chargeTerms, asOf) => ({
    ...v1.overdueCharges(installment, chargeTerms, asOf),
    lateFee: '0.00',
    uncappedLateFee: '0.00',
  }),
  classify: (dpd) => (dpd >= 61 ? 'SUBSTANDARD' : v1.classify(dpd)),
};
const BOOK: RuleBook = new Map([...RULE_BOOK, [3, V3]]);

const pay = (a: LoanAccount, id: string, amount: string, on: string, book: RuleBook = BOOK) =>
  applyPayment(a, { paymentId: id, channel: 'ONLINE', amount, receivedOn: on, externalRef: null }, book);

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  return 'NO ERROR';
}

describe('rules by version', () => {
  it('knows versions 1 and 2 and refuses any other with a clear error, never falling back', () => {
    expect(rulesFor(1).version).toBe(1);
    expect(rulesFor(2)).toMatchObject({ version: 2, prepayment: 'ACTUAL_DAYS' });
    expect(CURRENT_RULES_VERSION).toBe(2);
    for (const unknown of [0, 3, 1.5, Number.NaN]) expect(code(() => rulesFor(unknown))).toBe('UNKNOWN_RULES_VERSION');
    expect(() => rulesFor(7)).toThrow('Unknown money rules version 7 (this build knows 1, 2)');
  });

  it('opens the account under the version it is given, and reads an account without one as version 1', () => {
    const a = openAccount('L', terms(1), '2026-01-15');
    expect(a.rulesVersion).toBe(1);
    const { rulesVersion: _dropped, ...legacy } = a;
    expect(rulesVersionOf(legacy)).toBe(1);
    const late = '2026-03-20';
    expect(pay(legacy, 'p', '500.00', late, RULE_BOOK).entries).toEqual(pay(a, 'p', '500.00', late, RULE_BOOK).entries);
    expect(balancesOn(legacy, late)).toEqual(balancesOn(a, late));
  });

  it('refuses to compute anything for an account stamped with a version this build does not know', () => {
    const a = openAccount('L', terms(3), '2026-01-15', BOOK);
    expect(code(() => balancesOn(a, '2026-03-20'))).toBe('UNKNOWN_RULES_VERSION');
    expect(code(() => pay(a, 'p', '100.00', '2026-03-20', RULE_BOOK))).toBe('UNKNOWN_RULES_VERSION');
    expect(code(() => payoffAmount(a, '2026-03-20'))).toBe('UNKNOWN_RULES_VERSION');
    expect(code(() => classificationOn(a, '2026-03-20'))).toBe('UNKNOWN_RULES_VERSION');
    expect(code(() => openAccount('L', terms(3), '2026-01-15'))).toBe('UNKNOWN_RULES_VERSION');
  });

  it('uses a version’s rules only for accounts stamped with it', () => {
    const old = openAccount('L', terms(1), '2026-01-15', BOOK);
    const young = openAccount('L', terms(3), '2026-01-15', BOOK);
    // Installment 1 (due 2026-02-15) unpaid until 2026-04-20: 64 days past due, grace long over.
    const on = '2026-04-20';
    const oldLate = accrue(old, on, BOOK)
      .entries.filter((e) => e.kind === 'LATE_FEE')
      .map((e) => e.lines[0]!.debit);
    const youngLate = accrue(young, on, BOOK).entries.filter((e) => e.kind === 'LATE_FEE');
    // Installments 1 and 2 take the flat fee, installment 3 (two days past grace) what the cap leaves.
    expect(oldLate).toEqual(['20.00', '20.00', '3.52']);
    expect(youngLate).toEqual([]);
    expect(balancesOn(old, on, BOOK).penalty).toBe('73.96');
    expect(balancesOn(young, on, BOOK).penalty).toBe('30.44');
    expect(balancesOn(old, on, BOOK)).toEqual(balancesOn(old, on));
    expect(classificationOn(old, on, BOOK)).toBe('SPECIAL_MENTION');
    expect(classificationOn(young, on, BOOK)).toBe('SUBSTANDARD');
    // Version 1 under the wider book gives exactly what it gives alone.
    expect(pay(old, 'p', '3000.00', on, BOOK)).toEqual(pay(old, 'p', '3000.00', on, RULE_BOOK));
  });
});

describe('the version of a new offer', () => {
  it('asks nothing and writes no marker while there is one version', () => {
    const asked: string[] = [];
    expect(chooseRulesVersion((id) => (asked.push(id), true), 1)).toBe(1);
    expect(asked).toEqual([]);
  });

  it('takes the newest version on a first execution and keeps the version a replayed history had', () => {
    const asked: string[] = [];
    const firstRun = (id: string) => (asked.push(id), true);
    expect(chooseRulesVersion(firstRun, 3)).toBe(3);
    expect(asked).toEqual(['money-rules-v3']);
    const replayOf = (markers: string[]) => (id: string) => markers.includes(id);
    expect(chooseRulesVersion(replayOf([]), 3)).toBe(1);
    expect(chooseRulesVersion(replayOf(['money-rules-v2']), 3)).toBe(2);
    expect(chooseRulesVersion(replayOf(['money-rules-v3']), 3)).toBe(3);
  });
});

describe('migrating a running loan', () => {
  const paidTwo = () => {
    let a = openAccount('L', terms(1), '2026-01-15', BOOK);
    for (const [n, due] of [
      [1, '2026-02-15'],
      [2, '2026-03-15'],
    ] as const)
      a = pay(a, `p${n}`, amountOwed(a, n, due, BOOK), due).account;
    return a;
  };

  it('moves a current loan onto the new version, keeping every posted row, and the new rules answer from then on', () => {
    const a = paidTwo();
    const moved = migrateAccount(a, 3, '2026-03-20', BOOK);
    expect(moved).toMatchObject({ from: 1, to: 3, entries: [], changed: [] });
    expect(moved.account.rulesVersion).toBe(3);
    expect(moved.account.installments).toEqual(a.installments);
    // Installment 3 (due 2026-04-15) paid late: the old version charges a late fee, the new one does not.
    const late = '2026-05-10';
    const oldPay = pay(a, 'p3', '1200.00', late);
    const newPay = pay(moved.account, 'p3', '1200.00', late);
    expect(oldPay.entries.some((e) => e.kind === 'LATE_FEE')).toBe(true);
    expect(newPay.entries.some((e) => e.kind === 'LATE_FEE')).toBe(false);
    // A retried migration changes nothing.
    const again = migrateAccount(moved.account, 3, '2026-03-21', BOOK);
    expect(again.account).toBe(moved.account);
    expect(again.entries).toEqual([]);
  });

  it('treats an account without a version as version 1', () => {
    const { rulesVersion: _dropped, ...legacy } = paidTwo();
    expect(migrateAccount(legacy, 3, '2026-03-20', BOOK)).toMatchObject({ from: 1, to: 3 });
  });

  it('refuses an unknown version, a downgrade, a loan not current, a date before a posting and a closed loan', () => {
    const a = paidTwo();
    expect(code(() => migrateAccount(a, 3, '2026-03-20'))).toBe('UNKNOWN_RULES_VERSION');
    expect(code(() => migrateAccount(a, 4, '2026-03-20', BOOK))).toBe('UNKNOWN_RULES_VERSION');
    expect(code(() => migrateAccount(openAccount('L', terms(3), '2026-01-15', BOOK), 1, '2026-01-20', BOOK))).toBe(
      'RULES_DOWNGRADE_REFUSED',
    );
    expect(code(() => migrateAccount(a, 3, '2026-04-16', BOOK))).toBe('LOAN_NOT_CURRENT');
    expect(code(() => migrateAccount(a, 3, '2026-03-14', BOOK))).toBe('MIGRATION_BEFORE_POSTINGS');
    expect(code(() => migrateAccount(writeOff(a, '2026-03-20', BOOK).account, 2, '2026-03-21', BOOK))).toBe(
      'LOAN_CLOSED',
    );
    const paidOff = pay(a, 'all', addMoney(payoffAmount(a, '2026-03-20', BOOK), '10.00'), '2026-03-20').account;
    expect(code(() => migrateAccount(paidOff, 3, '2026-03-21', BOOK))).toBe('LOAN_CLOSED');
  });

  it('lets the new version re-derive installments not yet charged, and refuses one that touches what was posted', () => {
    const a = paidTwo();
    const feeFree: RuleBook = new Map([
      ...RULE_BOOK,
      [
        3,
        {
          ...V3,
          adopt: (acc, asOf) => ({
            ...acc,
            installments: acc.installments.map((i) => (i.charged || i.dueDate <= asOf ? i : { ...i, fee: '0.00' })),
          }),
        },
      ],
    ]);
    const moved = migrateAccount(a, 3, '2026-03-20', feeFree);
    expect(moved.changed).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(moved.account.installments.slice(0, 2)).toEqual(a.installments.slice(0, 2));
    expect(moved.account.installments.slice(2).every((i) => i.fee === '0.00')).toBe(true);

    const rewritesHistory: RuleBook = new Map([
      ...RULE_BOOK,
      [
        3,
        {
          ...V3,
          adopt: (acc) => ({
            ...acc,
            installments: acc.installments.map((i) => (i.number === 1 ? { ...i, interest: '0.00' } : i)),
          }),
        },
      ],
    ]);
    expect(code(() => migrateAccount(a, 3, '2026-03-20', rewritesHistory))).toBe('MIGRATION_CHANGED_POSTINGS');
    const forgivesPrincipal: RuleBook = new Map([
      ...RULE_BOOK,
      [
        3,
        {
          ...V3,
          adopt: (acc) => ({
            ...acc,
            installments: acc.installments.map((i) => (i.number === 12 ? { ...i, principal: '0.00' } : i)),
          }),
        },
      ],
    ]);
    expect(code(() => migrateAccount(a, 3, '2026-03-20', forgivesPrincipal))).toBe('MIGRATION_CHANGED_POSTINGS');
  });
});
