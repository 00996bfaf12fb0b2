import { describe, expect, it } from 'vitest';
import {
  checkBankStatementCoverage,
  checkCashClearing,
  checkGatewayClearing,
  type ClearingEntry,
} from '../../../domain/clearing-reconciliation.js';
import { checkReceivables, type ReceivablePosition } from '../../../domain/receivable-reconciliation.js';
import { reconcile } from '../../../domain/reconciliation.js';

const entry = (key: string, amount: string, loanId: string | null = 'L1'): ClearingEntry => ({
  key,
  businessKey: `payment:${key}`,
  loanId,
  amount,
});

describe('the gateway clearing account against the settlement files', () => {
  const loanOfOrder = new Map([
    ['p1', 'L1'],
    ['p2', 'L2'],
    ['p3', 'L3'],
  ]);

  it('is clean when every payment is one settlement line of the same amount', () => {
    expect(
      checkGatewayClearing({
        entries: [entry('p1', '300.00')],
        unapplied: [entry('p2', '50.00', 'L2')],
        settlement: [
          { merchantOrderId: 'p1', orderId: 'g1', amount: '300.00' },
          { merchantOrderId: 'p2', orderId: 'g2', amount: '50.00' },
        ],
        loanOfOrder,
      }),
    ).toEqual([]);
  });

  it('finds a confirmed payment the gateway did not settle, a line no payment explains, and an amount the file disputes', () => {
    const findings = checkGatewayClearing({
      entries: [entry('p1', '300.00'), entry('p2', '80.00', 'L2')],
      unapplied: [],
      settlement: [
        { merchantOrderId: 'p2', orderId: 'g2', amount: '79.99' },
        { merchantOrderId: 'p3', orderId: 'g3', amount: '10.00' },
      ],
      loanOfOrder,
    });
    expect(findings.map((f) => [f.code, f.loanId, f.ref])).toEqual([
      ['GATEWAY_PAYMENT_NOT_SETTLED', 'L1', 'p1'],
      ['GATEWAY_AMOUNT_MISMATCH', 'L2', 'p2'],
      ['SETTLEMENT_WITHOUT_PAYMENT', 'L3', 'p3'],
    ]);
    expect(findings[1]!.text.en).toContain('79.99');
  });

  it('reports a payment the ledger took twice, and a line settled twice, once each', () => {
    const findings = checkGatewayClearing({
      entries: [entry('p1', '300.00'), { ...entry('p1', '300.00'), businessKey: 'forged:1' }, entry('p2', '5.00')],
      unapplied: [],
      settlement: [
        { merchantOrderId: 'p1', orderId: 'g1', amount: '300.00' },
        { merchantOrderId: 'p2', orderId: 'g2', amount: '5.00' },
        { merchantOrderId: 'p2', orderId: 'g2', amount: '5.00' },
      ],
      loanOfOrder,
    });
    expect(findings.map((f) => [f.code, f.ref])).toEqual([
      ['DUPLICATE_GATEWAY_ENTRY', 'p1'],
      ['GATEWAY_AMOUNT_MISMATCH', 'p2'],
    ]);
  });

  it('names the loan of a line only when the order is ours', () => {
    const [f] = checkGatewayClearing({
      entries: [],
      unapplied: [],
      settlement: [{ merchantOrderId: 'stranger', orderId: 'g9', amount: '1.00' }],
      loanOfOrder,
    });
    expect([f!.code, f!.loanId]).toEqual(['SETTLEMENT_WITHOUT_PAYMENT', null]);
  });
});

describe('cash on hand against the counter', () => {
  it('matches each cash entry to one approved posting', () => {
    expect(checkCashClearing([entry('c1', '100.00')], [{ key: 'c1', loanId: 'L1', amount: '100.00' }])).toEqual([]);
    const findings = checkCashClearing(
      [entry('c1', '100.00'), entry('c2', '20.00'), { ...entry('forged', '5.00'), businessKey: 'forged' }],
      [
        { key: 'c1', loanId: 'L1', amount: '100.00' },
        { key: 'c2', loanId: 'L1', amount: '25.00' },
        { key: 'c3', loanId: 'L1', amount: '7.00' },
      ],
    );
    expect(findings.map((f) => [f.code, f.ref])).toEqual([
      ['CASH_AMOUNT_MISMATCH', 'c2'],
      ['CASH_ENTRY_WITHOUT_RECORD', 'forged'],
      ['CASH_RECORD_WITHOUT_ENTRY', 'c3'],
    ]);
  });
});

describe('every other BANK line against the statement', () => {
  it('finds a BANK line naming no statement line, or none at all', () => {
    const findings = checkBankStatementCoverage(new Set(['trf-1']), [
      { businessKey: 'refund:1', loanId: 'L1', externalRef: 'trf-1', amount: '-10.00' },
      { businessKey: 'forged:1', loanId: 'L1', externalRef: null, amount: '10.00' },
      { businessKey: 'forged:2', loanId: null, externalRef: 'nowhere', amount: '1.00' },
    ]);
    expect(findings.map((f) => [f.code, f.ref])).toEqual([
      ['BANK_ENTRY_WITHOUT_STATEMENT_LINE', 'forged:1'],
      ['BANK_ENTRY_WITHOUT_STATEMENT_LINE', 'forged:2'],
    ]);
  });
});

describe('receivables against the loan account', () => {
  const position = (over: Partial<ReceivablePosition['ledger']> = {}): ReceivablePosition => ({
    loanId: 'L1',
    ledger: { interest: '12.00', fees: '3.00', penalty: '0.50', ...over },
    account: { interest: '12.00', fees: '3.00', penalty: '0.50' },
  });

  it('is clean when they agree, and names each receivable that does not', () => {
    expect(checkReceivables([position()])).toEqual([]);
    const findings = checkReceivables([position({ interest: '112.00', penalty: '0.49' })]);
    expect(findings.map((f) => [f.code, f.loanId, f.ref])).toEqual([
      ['INTEREST_RECEIVABLE_MISMATCH', 'L1', 'interest'],
      ['PENALTY_RECEIVABLE_MISMATCH', 'L1', 'penalty'],
    ]);
    expect(findings[0]!.text.zh).toContain('112.00');
  });
});

describe('reconcile with the clearing accounts', () => {
  const base = {
    checkedAt: '2026-01-01T00:00:00.000Z',
    entries: [],
    loans: [],
    bank: { transfers: [], debits: [], incoming: [] },
    bankEntries: [],
  };

  it('runs the clearing checks only when given their inputs, and counts what they read', () => {
    const clearing = {
      gateway: {
        days: ['2026-01-01'],
        entries: [entry('p1', '1.00')],
        unapplied: [],
        settlement: [],
        loanOfOrder: new Map<string, string>(),
      },
      cash: { entries: [], postings: [] },
      otherBankEntries: [],
      receivables: [],
    };
    expect(reconcile(base).clean).toBe(true);
    const report = reconcile({ ...base, clearing });
    expect(report.findings.map((f) => f.code)).toEqual(['GATEWAY_PAYMENT_NOT_SETTLED']);
    expect(report.counts).toMatchObject({ settlementDays: 1, settlementLines: 0, cashPostings: 0, receivableLoans: 0 });
  });

  it('counts succeeded transfers, debits and incoming payments as statement lines', () => {
    const report = reconcile({
      ...base,
      bank: {
        transfers: [
          { idempotencyKey: 'refund:1', status: 'SUCCEEDED', amount: '5.00' },
          { idempotencyKey: 'refund:2', status: 'FAILED', amount: '5.00' },
        ],
        debits: [],
        incoming: [],
      },
      clearing: {
        gateway: { days: [], entries: [], unapplied: [], settlement: [], loanOfOrder: new Map() },
        cash: { entries: [], postings: [] },
        otherBankEntries: [
          { businessKey: 'r1', loanId: null, externalRef: 'refund:1', amount: '-5.00' },
          { businessKey: 'r2', loanId: null, externalRef: 'refund:2', amount: '-5.00' },
        ],
        receivables: [],
      },
    });
    expect(report.findings.filter((f) => f.code === 'BANK_ENTRY_WITHOUT_STATEMENT_LINE').map((f) => f.ref)).toEqual([
      'r2',
    ]);
  });
});
