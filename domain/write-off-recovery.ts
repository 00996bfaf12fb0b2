// Recovery after write-off (核销后收回): money received on a loan already written off. The write-off
// took every receivable to LOAN_LOSS, so nothing is left to repay: the money is income of its own,
// RECOVERY_INCOME, received into the channel's cash account. One entry per payment id, under the
// same key space as repayments (payment:<id>), so one payment can never be both.
import { DomainError } from './errors.js';
import { CHANNEL_ACCOUNT, assertValidEntry, ledgerKeys, type JournalEntry } from './ledger.js';
import { ZERO_MONEY, isMoneyText, money, toMoney } from './money.js';
import type { LocalDate, Money } from './types.js';

export const RECOVERY_CHANNELS = ['BANK_TRANSFER', 'CASH'] as const;
export type RecoveryChannel = (typeof RECOVERY_CHANNELS)[number];

export interface Recovery {
  loanId: string;
  paymentId: string;
  channel: RecoveryChannel;
  amount: Money;
  receivedOn: LocalDate;
}

/** The entry posting a recovery: the channel's cash account ← RECOVERY_INCOME. */
export function recoveryEntry(r: Recovery): JournalEntry {
  if (!isMoneyText(r.amount) || money(r.amount).lte(0))
    throw new DomainError(
      'INVALID_AMOUNT',
      { zh: '收回金额须大于零', en: 'A recovery must be a positive amount' },
      'amount',
    );
  const amount = toMoney(money(r.amount));
  const e: JournalEntry = {
    businessKey: ledgerKeys.payment(r.paymentId),
    loanId: r.loanId,
    kind: 'WRITE_OFF_RECOVERY',
    effectiveOn: r.receivedOn,
    externalRef: r.paymentId,
    reversesKey: null,
    memo: `recovery after write-off: ${amount}`,
    lines: [
      { account: CHANNEL_ACCOUNT[r.channel], debit: amount, credit: ZERO_MONEY },
      { account: 'RECOVERY_INCOME', debit: ZERO_MONEY, credit: amount },
    ],
  };
  assertValidEntry(e);
  return e;
}
