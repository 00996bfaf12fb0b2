import { describe, expect, it } from 'vitest';
import {
  OPENING_BALANCE_INJECTION,
  capitalIncomingIds,
  checkCapitalAgreement,
  type CapitalEntry,
} from '../../../domain/capital-reconciliation.js';
import { reconcile } from '../../../domain/reconciliation.js';

const opening: CapitalEntry = {
  businessKey: `capital:${OPENING_BALANCE_INJECTION}`,
  injectionId: OPENING_BALANCE_INJECTION,
  amount: '1000.00',
};
const board: CapitalEntry = { businessKey: 'capital:cap-board-1', injectionId: 'cap-board-1', amount: '500.00' };

const codes = (findings: ReturnType<typeof checkCapitalAgreement>) => findings.map((f) => [f.code, f.ref]);

describe('capital against the bank', () => {
  it('matches the opening balance and an injection by the incoming payment referencing it', () => {
    const bank = {
      openingBalance: '1000.00',
      incoming: [
        { paymentId: 'pay-1', reference: 'cap-board-1', amount: '500.00' },
        { paymentId: 'pay-2', reference: 'ZHANG', amount: '10.00' },
      ],
    };
    expect(checkCapitalAgreement(bank, [opening, board])).toEqual([]);
    expect([...capitalIncomingIds(bank, [opening, board])]).toEqual(['pay-1']);
  });

  it('finds an injection the bank never received, and one whose amount differs', () => {
    expect(codes(checkCapitalAgreement({ openingBalance: '1000.00', incoming: [] }, [opening, board]))).toEqual([
      ['CAPITAL_WITHOUT_DEPOSIT', 'capital:cap-board-1'],
    ]);
    const short = checkCapitalAgreement(
      { openingBalance: '1000.00', incoming: [{ paymentId: 'pay-1', reference: 'cap-board-1', amount: '499.99' }] },
      [opening, board],
    );
    expect(codes(short)).toEqual([['AMOUNT_MISMATCH', 'capital:cap-board-1']]);
    expect(short[0]!.text.zh).toContain('499.99');
  });

  it('finds an opening balance without its entry, a different one, and an entry the bank reports no balance for', () => {
    expect(codes(checkCapitalAgreement({ openingBalance: '1000.00', incoming: [] }, []))).toEqual([
      ['DEPOSIT_WITHOUT_CAPITAL', OPENING_BALANCE_INJECTION],
    ]);
    expect(codes(checkCapitalAgreement({ openingBalance: '999.00', incoming: [] }, [opening]))).toEqual([
      ['AMOUNT_MISMATCH', opening.businessKey],
    ]);
    expect(codes(checkCapitalAgreement({ incoming: [] }, [opening]))).toEqual([
      ['CAPITAL_WITHOUT_DEPOSIT', opening.businessKey],
    ]);
    expect(checkCapitalAgreement({ openingBalance: '0.00', incoming: [] }, [])).toEqual([]);
  });

  it('in a full run, an incoming payment that is capital is no repayment left without its entry', () => {
    const base = {
      checkedAt: '2026-01-01T00:00:00.000Z',
      entries: [],
      loans: [],
      bankEntries: [],
      bank: {
        openingBalance: '1000.00',
        transfers: [],
        debits: [],
        incoming: [{ paymentId: 'pay-1', reference: 'cap-board-1', amount: '500.00' }],
      },
    };
    expect(reconcile({ ...base, capital: [opening, board] }).findings).toEqual([]);
    // Without the injection's entry the payment is an unexplained incoming payment and the capital is short.
    expect(reconcile({ ...base, capital: [opening] }).findings.map((f) => f.code)).toEqual(['INCOMING_WITHOUT_ENTRY']);
    expect(
      reconcile({ ...base, capital: [] })
        .findings.map((f) => f.code)
        .sort(),
    ).toEqual(['DEPOSIT_WITHOUT_CAPITAL', 'INCOMING_WITHOUT_ENTRY']);
  });
});
