import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderSettlementCertificate } from '../../../activities/settlement-certificate.js';
import {
  appliedAmounts,
  buildStatement,
  htmlToLines,
  parseStatementPeriod,
  receiptText,
  statementText,
  type BalanceMovement,
} from '../../../domain/borrower-documents.js';
import { addDays } from '../../../domain/dates.js';
import { money, toMoney } from '../../../domain/money.js';

const receipt = {
  companyName: '示例小额贷款有限公司',
  loanId: 'L-1',
  paymentId: 'pay-1',
  channel: 'CASH',
  amount: '1234.56',
  receivedOn: '2026-03-05',
  borrowerName: '张*',
  applied: { principal: '1000.00', interest: '200.00', fee: '34.56', penalty: '0.00', lateFee: '0.00' },
  reversedOn: null,
};

describe('receipt text', () => {
  it('states the amount in figures and in capital numerals, the channel and what it paid', () => {
    const t = receiptText(receipt);
    expect(t.title).toBe('还款回单 / Repayment receipt');
    expect(t.lines).toContain('还款金额 Amount: 人民币 1234.56 元');
    expect(t.lines).toContain('大写 In words: 壹仟贰佰叁拾肆元伍角陆分');
    expect(t.lines).toContain('还款方式 Channel: 现金 / Cash');
    expect(t.lines).toContain('服务费 Fees: 34.56');
    expect(t.date).toBe('2026-03-05');
  });

  it('marks a reversed payment and dates the receipt by the reversal', () => {
    const t = receiptText({ ...receipt, reversedOn: '2026-03-09' });
    expect(t.title).toContain('已冲正');
    expect(t.lines[0]).toContain('2026-03-09');
    expect(t.date).toBe('2026-03-09');
  });

  it('sums a stored allocation over its installments, exactly', () => {
    expect(
      appliedAmounts({
        lines: [
          { number: 1, principal: '0.10', interest: '0.20', fee: '0.00', penalty: '0.01', lateFee: '5.00' },
          { number: 2, principal: '0.20', interest: '0.10' },
        ],
      }),
    ).toEqual({ principal: '0.30', interest: '0.30', fee: '0.00', penalty: '0.01', lateFee: '5.00' });
    expect(appliedAmounts(null).principal).toBe('0.00');
  });
});

describe('statement', () => {
  const moves: BalanceMovement[] = [
    { effectiveOn: '2026-01-10', kind: 'DISBURSEMENT', change: '10000.00', reference: 'd' },
    { effectiveOn: '2026-02-10', kind: 'INTEREST', change: '100.00', reference: 'i1' },
    { effectiveOn: '2026-02-11', kind: 'REPAYMENT', change: '-1100.00', reference: 'p1' },
    { effectiveOn: '2026-03-10', kind: 'INTEREST', change: '90.00', reference: 'i2' },
  ];

  it('opens with the balance before the period, lists each movement in it and closes with the sum', () => {
    const s = buildStatement(moves, '2026-02-01', '2026-02-28');
    expect(s.opening).toBe('10000.00');
    expect(s.entries.map((m) => m.reference)).toEqual(['i1', 'p1']);
    expect(s.closing).toBe('9000.00');
    const t = statementText(s, { companyName: 'C', loanId: 'L-1', borrowerName: '张*' });
    expect(t.lines).toContain('期初余额 Opening balance: 10000.00');
    expect(t.lines).toContain('期末余额 Closing balance: 9000.00');
    expect(t.lines).toContain('大写 In words: 玖仟元整');
    expect(t.lines.some((l) => l.includes('-1100.00') && l.includes('还款'))).toBe(true);
    expect(t.date).toBe('2026-02-28');
  });

  it("chains: one period's closing balance is the next period's opening (property)", () => {
    const move = fc.record({
      day: fc.integer({ min: 0, max: 400 }),
      cents: fc.integer({ min: -500_000, max: 500_000 }),
    });
    fc.assert(
      fc.property(fc.array(move, { maxLength: 40 }), fc.integer({ min: 0, max: 400 }), (raw, cut) => {
        const list = raw.map((m, i) => ({
          effectiveOn: addDays('2026-01-01', m.day),
          kind: 'INTEREST',
          change: toMoney(money(String(m.cents)).div(100)),
          reference: String(i),
        }));
        const mid = addDays('2026-01-01', cut);
        const first = buildStatement(list, '2026-01-01', mid);
        const second = buildStatement(list, addDays(mid, 1), '2027-12-31');
        expect(second.opening).toBe(first.closing);
        const total = list.reduce((acc, m) => acc.plus(money(m.change)), money('0'));
        expect(second.closing).toBe(toMoney(total));
      }),
    );
  });

  it('reads the period, naming the field that is wrong', () => {
    expect(parseStatementPeriod('2026-01-01', '2026-01-31')).toEqual({
      ok: true,
      value: { from: '2026-01-01', to: '2026-01-31' },
    });
    const bad = parseStatementPeriod('2026-02-30', undefined);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => p.field)).toEqual(['from', 'to']);
    const reversed = parseStatementPeriod('2026-02-01', '2026-01-01');
    expect(reversed.ok).toBe(false);
    if (!reversed.ok) expect(reversed.problems[0]!.field).toBe('to');
  });
});

describe('html to lines', () => {
  it('gives the text of the settlement certificate, the same words as the signed HTML', () => {
    const html = renderSettlementCertificate({
      loanId: 'L-9',
      companyName: '示例 & 公司',
      borrowerName: '张三',
      idNumber: '110105199001010021',
      principal: '5000.00',
      totalRepaid: '5230.10',
      appliedOn: '2026-01-01',
      paidOffOn: '2026-06-30',
    });
    const { title, lines } = htmlToLines(html);
    expect(title).toBe('结清证明 / Settlement certificate L-9');
    expect(lines[0]).toBe('# 结清证明');
    expect(lines).toContain('示例 & 公司');
    expect(lines.join('\n')).toContain('伍仟元整');
    expect(lines.join('\n')).toContain('110105********0021');
    expect(lines.join('\n')).not.toMatch(/<|>/);
  });
});
