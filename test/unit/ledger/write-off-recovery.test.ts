import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../domain/errors.js';
import { entryProblem, ledgerKeys } from '../../../domain/ledger.js';
import { recoveryEntry } from '../../../domain/write-off-recovery.js';

describe('recovery after write-off', () => {
  it('posts the money received as recovery income under the payment key, touching no receivable', () => {
    const e = recoveryEntry({
      loanId: 'loan-1',
      paymentId: 'pay-9',
      channel: 'BANK_TRANSFER',
      amount: '150.5',
      receivedOn: '2026-12-01',
    });
    expect(e.businessKey).toBe(ledgerKeys.payment('pay-9'));
    expect(e.kind).toBe('WRITE_OFF_RECOVERY');
    expect(e.externalRef).toBe('pay-9');
    expect(e.lines).toEqual([
      { account: 'BANK', debit: '150.50', credit: '0.00' },
      { account: 'RECOVERY_INCOME', debit: '0.00', credit: '150.50' },
    ]);
    expect(entryProblem(e)).toBeNull();
    const cash = recoveryEntry({
      loanId: 'l',
      paymentId: 'p',
      channel: 'CASH',
      amount: '1.00',
      receivedOn: '2026-12-01',
    });
    expect(cash.lines[0]!.account).toBe('CASH_ON_HAND');
  });

  it('refuses an amount that is not positive money', () => {
    for (const amount of ['0.00', '-1.00', 'abc', '1.234'])
      expect(() =>
        recoveryEntry({ loanId: 'l', paymentId: 'p', channel: 'CASH', amount, receivedOn: '2026-12-01' }),
      ).toThrow(DomainError);
  });
});
