// The simulated gateway's deterministic answers, chosen by the card the borrower pays with, so tests
// and drills can ask for each outcome on purpose (as the bank's card rules do).

/** How the signed confirmation of a paid order goes out. */
export type Delivery = 'NORMAL' | 'DUPLICATE' | 'LATE' | 'WITHHELD';

/** Cards ending so are declined on the pay page; the order stays payable with another card. */
export const DECLINING_CARDS: Record<string, string> = { '5555': 'INSUFFICIENT_FUNDS', '4444': 'CARD_FROZEN' };

/** Cards ending so pay, and their confirmation is delivered twice, late, or withheld until released. */
export const DELIVERY_CARDS: Record<string, Exclude<Delivery, 'NORMAL'>> = {
  '2121': 'DUPLICATE',
  '3131': 'LATE',
  '4141': 'WITHHELD',
};

export type PaymentOutcome = { kind: 'DECLINED'; reason: string } | { kind: 'PAID'; delivery: Delivery };

export function paymentOutcome(cardNumber: string): PaymentOutcome {
  const ending = cardNumber.slice(-4);
  const declined = DECLINING_CARDS[ending];
  if (declined) return { kind: 'DECLINED', reason: declined };
  return { kind: 'PAID', delivery: DELIVERY_CARDS[ending] ?? 'NORMAL' };
}

/** The gateway settles by China Standard Time days. */
export const SETTLEMENT_UTC_OFFSET_HOURS = 8;

export function settlementDayBounds(date: string): { from: Date; to: Date } {
  const from = new Date(`${date}T00:00:00+0${SETTLEMENT_UTC_OFFSET_HOURS}:00`);
  return { from, to: new Date(from.getTime() + 24 * 3_600_000) };
}
