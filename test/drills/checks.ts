// What every drill must find at the end: each loan in its right state in the database and in
// its workflow, one payout per disbursed loan at the bank and in the ledger, each payment taken
// once, and a clean reconciliation.
import { expect } from 'vitest';
import { runReconciliation } from '../../db/ledger-reads.js';
import { ApiCallError } from '../../drivers/api-client.js';
import type { DrillStack } from './harness.js';
import type { Outcome } from './lifecycle.js';

/**
 * The loan's view, waiting out 503s: after a restart the worker that answers queries may itself
 * still be coming back (the stack restarts it with backoff), and the API rightly answers 503 until then.
 */
async function viewOnceServed(d: DrillStack, token: string, loanId: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      return await d.api.loan(token, loanId);
    } catch (err) {
      if (!(err instanceof ApiCallError && err.status === 503) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

export async function expectRightEnd(d: DrillStack, outcomes: Outcome[]): Promise<void> {
  const ids = outcomes.map((o) => o.loanId);
  const finance = await d.api.login('finance');

  const statuses = await d.sql<
    { id: string; status: string }[]
  >`select id, status from loans where id in ${d.sql(ids)}`;
  const views = await Promise.all(ids.map(async (id) => (await viewOnceServed(d, finance.token, id)).status));
  const bank = await d.bank.ledger();
  const entries = await d.sql<{ loan_id: string; kind: string; n: number }[]>`
    select loan_id, kind, count(*)::int as n from journal_entries where loan_id in ${d.sql(ids)} and kind in ('DISBURSEMENT', 'REPAYMENT') group by loan_id, kind`;
  const repayments = await d.sql<
    { loan_id: string; payment_id: string }[]
  >`select loan_id, payment_id from repayments where loan_id in ${d.sql(ids)}`;
  const count = (loanId: string, kind: string) => entries.find((e) => e.loan_id === loanId && e.kind === kind)?.n ?? 0;

  for (const [i, o] of outcomes.entries()) {
    const paidOut = o.expected === 'PAID_OFF' ? 1 : 0;
    expect({ loanId: o.loanId, status: statuses.find((s) => s.id === o.loanId)?.status, view: views[i] }).toEqual({
      loanId: o.loanId,
      status: o.expected,
      view: o.expected,
    });
    const transfers = bank.transfers.filter((t) => t.reference === o.loanId);
    expect({
      loanId: o.loanId,
      transfers: transfers.length,
      succeeded: transfers.filter((t) => t.status === 'SUCCEEDED').length,
    }).toEqual({ loanId: o.loanId, transfers: 1, succeeded: paidOut });
    expect({ loanId: o.loanId, disbursementEntries: count(o.loanId, 'DISBURSEMENT') }).toEqual({
      loanId: o.loanId,
      disbursementEntries: paidOut,
    });
    expect({ loanId: o.loanId, incoming: bank.incoming.filter((p) => p.reference === o.loanId).length }).toEqual({
      loanId: o.loanId,
      incoming: o.payments.length > 0 ? 1 : 0,
    });
    expect({
      loanId: o.loanId,
      payments: repayments
        .filter((r) => r.loan_id === o.loanId)
        .map((r) => r.payment_id)
        .sort(),
    }).toEqual({ loanId: o.loanId, payments: [...o.payments].sort() });
    expect({ loanId: o.loanId, repaymentEntries: count(o.loanId, 'REPAYMENT') }).toEqual({
      loanId: o.loanId,
      repaymentEntries: o.payments.length,
    });
  }
  expect(bank.debits.filter((x) => ids.includes(x.reference))).toEqual([]);

  const report = await runReconciliation(d.sql, d.bank);
  expect(report.findings).toEqual([]);
  expect(report.clean).toBe(true);
}

/** A seeded PRNG so a failing drill can be run again with the same random points (DRILL_SEED). */
export function seededRandom(): { seed: number; next: () => number } {
  const seed = Number(process.env.DRILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
  let state = seed >>> 0;
  return {
    seed,
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Runs every lifecycle at once; the first failure is thrown after all have ended. */
export async function runAll<T>(tasks: Array<() => Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(tasks.map((t) => t()));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
