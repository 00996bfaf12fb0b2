import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkGatewayClearing,
  checkCashClearing,
  type ClearingEntry,
} from '../../../domain/clearing-reconciliation.js';
import { Dec } from '../../../domain/money.js';
import { findingKey, type Finding, FINDING_CODES } from '../../../domain/reconciliation.js';
import { leastLoaded, planTasks } from '../../../domain/reconciliation-tasks.js';

const amount = fc.integer({ min: 1, max: 10_000_000 }).map((c) => new Dec(c).div(100).toFixed(2));
const payments = fc.uniqueArray(fc.record({ key: fc.uuid(), amount, loanId: fc.constantFrom('L1', 'L2', 'L3') }), {
  selector: (p) => p.key,
  minLength: 1,
  maxLength: 30,
});

const asEntries = (ps: ReadonlyArray<{ key: string; amount: string; loanId: string }>): ClearingEntry[] =>
  ps.map((p) => ({ key: p.key, businessKey: `payment:${p.key}`, loanId: p.loanId, amount: p.amount }));

describe('clearing checks over random payments', () => {
  it('a settlement file listing exactly the ledger’s payments, in any order, is clean; one line missing or changed is one finding about it', () => {
    fc.assert(
      fc.property(payments, fc.nat(), fc.nat(), (ps, pick, seed) => {
        const lines = ps.map((p) => ({ merchantOrderId: p.key, orderId: `g-${p.key}`, amount: p.amount }));
        const shuffled = [...lines].sort(
          (a, b) => ((a.orderId.charCodeAt(3) ^ seed) % 7) - ((b.orderId.charCodeAt(3) ^ seed) % 7),
        );
        const input = { entries: asEntries(ps), unapplied: [], loanOfOrder: new Map(ps.map((p) => [p.key, p.loanId])) };
        expect(checkGatewayClearing({ ...input, settlement: shuffled })).toEqual([]);

        const i = pick % ps.length;
        const missing = checkGatewayClearing({ ...input, settlement: lines.filter((_, j) => j !== i) });
        expect(missing.map((f) => [f.code, f.ref, f.loanId])).toEqual([
          ['GATEWAY_PAYMENT_NOT_SETTLED', ps[i]!.key, ps[i]!.loanId],
        ]);

        const changed = lines.map((l, j) =>
          j === i ? { ...l, amount: new Dec(l.amount).plus('0.01').toFixed(2) } : l,
        );
        expect(checkGatewayClearing({ ...input, settlement: changed }).map((f) => [f.code, f.ref])).toEqual([
          ['GATEWAY_AMOUNT_MISMATCH', ps[i]!.key],
        ]);
      }),
    );
  });

  it('every cash entry without a posting and every posting without an entry is found, and nothing else', () => {
    fc.assert(
      fc.property(payments, fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (ps, inLedger) => {
        const entries = asEntries(ps.filter((_, j) => inLedger[j] !== false));
        const postings = ps.filter((_, j) => inLedger[j] !== true).map((p) => ({ ...p }));
        const findings = checkCashClearing(entries, postings);
        const onlyLedger = ps.filter((_, j) => inLedger[j] === true).map((p) => p.key);
        const onlyCounter = ps.filter((_, j) => inLedger[j] === false).map((p) => p.key);
        expect(
          findings
            .filter((f) => f.code === 'CASH_ENTRY_WITHOUT_RECORD')
            .map((f) => f.ref)
            .sort(),
        ).toEqual(onlyLedger.sort());
        expect(
          findings
            .filter((f) => f.code === 'CASH_RECORD_WITHOUT_ENTRY')
            .map((f) => f.ref)
            .sort(),
        ).toEqual(onlyCounter.sort());
        expect(findings).toHaveLength(onlyLedger.length + onlyCounter.length);
      }),
    );
  });
});

const findingArb: fc.Arbitrary<Finding> = fc.record({
  code: fc.constantFrom(...FINDING_CODES),
  loanId: fc.option(fc.constantFrom('L1', 'L2'), { nil: null }),
  ref: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
  text: fc.constant({ zh: '差异', en: 'difference' }),
});

describe('finance tasks over random reconciliation runs', () => {
  it('after every run exactly the findings’ keys have open tasks; a run repeated opens and closes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.array(findingArb, { maxLength: 12 }), { minLength: 1, maxLength: 8 }), (runs) => {
        let open = new Set<string>();
        for (const findings of runs) {
          const plan = planTasks([...open], findings);
          const opened = plan.open.map((g) => g.key);
          expect(new Set(opened).size).toBe(opened.length);
          for (const k of opened) expect(open.has(k)).toBe(false);
          for (const k of plan.close) expect(open.has(k)).toBe(true);
          open = new Set([...[...open].filter((k) => !plan.close.includes(k)), ...opened]);
          expect([...open].sort()).toEqual([...new Set(findings.map(findingKey))].sort());
          const again = planTasks([...open], findings);
          expect([again.open, again.close]).toEqual([[], []]);
        }
      }),
    );
  });

  it('spreads new tasks over the finance users so no owner has two more than another', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        fc.nat(40),
        (names, n) => {
          const users = names.map((username, i) => ({ userId: String(i), username, openTasks: 0 }));
          for (let i = 0; i < n; i++) leastLoaded(users)!.openTasks += 1;
          const loads = users.map((u) => u.openTasks);
          expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
          expect(loads.reduce((a, b) => a + b, 0)).toBe(n);
        },
      ),
    );
    expect(leastLoaded([])).toBeNull();
  });
});
