// The simulated bank's deterministic answers, chosen by the card number so tests and drills can
// ask for each outcome on purpose.

export type SettlementKind = 'TRANSFER' | 'DEBIT';

export function isLuhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Four-element verification: only the card decides. A card failing Luhn or ending "0000" does not match. */
export function verificationMismatches(cardNumber: string): string[] {
  return !isLuhnValid(cardNumber) || cardNumber.endsWith('0000') ? ['cardNumber'] : [];
}

/**
 * Transfers to a card ending "400400" are refused outright (HTTP 422 PAYEE_ACCOUNT_CLOSED) and
 * nothing is recorded: the payout never starts, as with a bank that rejects the request itself.
 */
export const CLOSED_PAYEE_SUFFIX = '400400';

/** Transfers to a card ending "4444" fail (frozen account); debits from a card ending "5555" fail (no funds). */
export const FAILING_CARDS: Record<SettlementKind, { suffix: string; reason: string }> = {
  TRANSFER: { suffix: '4444', reason: 'ACCOUNT_FROZEN' },
  DEBIT: { suffix: '5555', reason: 'INSUFFICIENT_FUNDS' },
};

export function settlementOutcome(
  kind: SettlementKind,
  cardNumber: string,
): { outcome: 'SUCCEEDED' | 'FAILED'; reason: string | null } {
  const failing = FAILING_CARDS[kind];
  return cardNumber.endsWith(failing.suffix)
    ? { outcome: 'FAILED', reason: failing.reason }
    : { outcome: 'SUCCEEDED', reason: null };
}
