import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../domain/errors.js';
import { entryProblem, ledgerKeys } from '../../../domain/ledger.js';
import fc from 'fast-check';
import {
  recoveryEntry,
  recoveryRefusal,
  sameRecovery,
  type RecoveryPosition,
} from '../../../domain/write-off-recovery.js';

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

describe('what a written-off loan can take as a recovery', () => {
  const position: RecoveryPosition = {
    writtenOffOn: '2026-06-15',
    writtenOff: '1000.00',
    recovered: '400.00',
    periodClosed: false,
  };
  const bank = (amount: string, receivedOn = '2026-06-15') =>
    ({ amount, receivedOn, channel: 'BANK_TRANSFER', source: 'BANK' }) as const;

  it('takes money received on or after the write-off, in an open month, up to what is left', () => {
    expect(recoveryRefusal(bank('600.00'), position)).toBeNull();
    expect(recoveryRefusal(bank('0.01', '2046-01-31'), position)).toBeNull();
    expect(recoveryRefusal({ ...bank('1.00'), channel: 'CASH', source: 'CHECKER' }, position)).toBeNull();
  });

  it('refuses money received before the write-off, naming receivedOn', () => {
    expect(recoveryRefusal(bank('1.00', '2026-06-14'), position)).toMatchObject({
      code: 'RECEIVED_BEFORE_WRITE_OFF',
      field: 'receivedOn',
    });
  });

  it('refuses a date in a closed ledger month, naming receivedOn', () => {
    expect(recoveryRefusal(bank('1.00', '2026-07-01'), { ...position, periodClosed: true })).toMatchObject({
      code: 'PERIOD_CLOSED',
      field: 'receivedOn',
    });
  });

  it('refuses more than the amount written off less what was recovered, naming amount', () => {
    const refused = recoveryRefusal(bank('600.01'), position);
    expect(refused).toMatchObject({ code: 'EXCEEDS_WRITTEN_OFF', field: 'amount' });
    expect(refused!.text.en).toContain('600.00');
    expect(recoveryRefusal(bank('0.01'), { ...position, recovered: '1000.00' })?.code).toBe('EXCEEDS_WRITTEN_OFF');
  });

  it('refuses a bank transfer a checker approves by hand: only the bank’s notice or statement line books one', () => {
    expect(recoveryRefusal({ ...bank('1.00'), source: 'CHECKER' }, position)).toMatchObject({
      code: 'BANK_TRANSFER_NEEDS_STATEMENT',
      field: 'channel',
    });
  });

  it('never lets the total recovered pass the amount written off (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { maxLength: 30 }),
        (writtenOffCents, asked) => {
          let recoveredCents = 0;
          const cents = (n: number) => (n / 100).toFixed(2);
          for (const a of asked) {
            const p = { ...position, writtenOff: cents(writtenOffCents), recovered: cents(recoveredCents) };
            const refused = recoveryRefusal(bank(cents(a)), p);
            expect(refused === null).toBe(recoveredCents + a <= writtenOffCents);
            if (!refused) recoveredCents += a;
          }
          expect(recoveredCents).toBeLessThanOrEqual(writtenOffCents);
        },
      ),
    );
  });
});

describe('the same recovery again', () => {
  const first = {
    loanId: 'l',
    paymentId: 'p',
    channel: 'BANK_TRANSFER',
    amount: '300.00',
    receivedOn: '2026-06-15',
  } as const;

  it('is the same loan, channel, date and amount, compared as decimals', () => {
    expect(sameRecovery(first, { ...first, amount: '300' })).toBe(true);
    expect(sameRecovery(first, { ...first, amount: '300.0' })).toBe(true);
    expect(sameRecovery(first, { ...first, amount: '300.01' })).toBe(false);
    expect(sameRecovery(first, { ...first, channel: 'CASH' })).toBe(false);
    expect(sameRecovery(first, { ...first, receivedOn: '2026-06-16' })).toBe(false);
    expect(sameRecovery(first, { ...first, loanId: 'other' })).toBe(false);
  });

  it('is not an amount Number() would round to the same value', () => {
    const big = { ...first, amount: '9007199254740993.00' };
    expect(Number(big.amount)).toBe(Number('9007199254740992.00'));
    expect(sameRecovery(big, { ...first, amount: '9007199254740992.00' })).toBe(false);
    expect(sameRecovery(first, { ...first, amount: '1e2' })).toBe(false);
  });
});
