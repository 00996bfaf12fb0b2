// The payment gateway's pure parts: which card gets which answer, the settlement day, and reading
// the settlement file back.
import { describe, expect, it } from 'vitest';
import { parseSettlementFile } from '../../../partners/gateway-client.js';
import { paymentOutcome, settlementDayBounds } from '../../../simulators/gateway/rules.js';
import { toCsv } from '../../../lib/csv.js';

describe('gateway card rules', () => {
  it('declines by card ending and picks how the confirmation goes out', () => {
    expect(paymentOutcome('6222020000005555')).toEqual({ kind: 'DECLINED', reason: 'INSUFFICIENT_FUNDS' });
    expect(paymentOutcome('6222020000004444')).toEqual({ kind: 'DECLINED', reason: 'CARD_FROZEN' });
    expect(paymentOutcome('6222020000002121')).toEqual({ kind: 'PAID', delivery: 'DUPLICATE' });
    expect(paymentOutcome('6222020000003131')).toEqual({ kind: 'PAID', delivery: 'LATE' });
    expect(paymentOutcome('6222020000004141')).toEqual({ kind: 'PAID', delivery: 'WITHHELD' });
    expect(paymentOutcome('6222020000008888')).toEqual({ kind: 'PAID', delivery: 'NORMAL' });
  });

  it('settles by China Standard Time days', () => {
    const { from, to } = settlementDayBounds('2026-12-06');
    expect(from.toISOString()).toBe('2026-12-05T16:00:00.000Z');
    expect(to.toISOString()).toBe('2026-12-06T16:00:00.000Z');
  });
});

describe('settlement file', () => {
  it('reads back what the gateway writes, and refuses anything else', () => {
    const csv = toCsv([
      ['order_id', 'merchant_order_id', 'amount', 'currency', 'paid_at'],
      ['gwo_1', 'online-1', '300.00', 'CNY', '2026-12-06T01:02:03.000Z'],
    ]);
    expect(parseSettlementFile(csv)).toEqual([
      {
        orderId: 'gwo_1',
        merchantOrderId: 'online-1',
        amount: '300.00',
        currency: 'CNY',
        paidAt: '2026-12-06T01:02:03.000Z',
      },
    ]);
    expect(parseSettlementFile(toCsv([['order_id', 'merchant_order_id', 'amount', 'currency', 'paid_at']]))).toEqual(
      [],
    );
    expect(() => parseSettlementFile('id,amount\r\n')).toThrow(/does not start/);
    expect(() =>
      parseSettlementFile(
        toCsv([
          ['order_id', 'merchant_order_id', 'amount', 'currency', 'paid_at'],
          ['gwo_1', 'x', '3', 'CNY', 't'],
        ]),
      ),
    ).toThrow(/not as expected/);
  });
});
