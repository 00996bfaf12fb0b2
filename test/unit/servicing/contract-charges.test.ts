// What the contract says is what is charged: the overdue clause of a version 2 contract, rendered
// for sample products and offers, is read back as a borrower would read it, and its numbers (grace,
// base, penalty rate, late fee, cap) give exactly the engine's charges on sample overdue dates.
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { renderContract } from '../../../activities/contract-rendering.js';
import { addDays } from '../../../domain/dates.js';
import { defaultProductFor } from '../../../domain/default-products.js';
import { rulesFor } from '../../../domain/money-rules.js';
import type { LoanProduct } from '../../../domain/products.js';
import { quote } from '../../../domain/quote.js';
import { chargesOn, openAccount, type LoanAccount } from '../../../domain/servicing-account.js';
import type { LoanType, RepaymentMethod } from '../../../domain/types.js';
import type { Offer } from '../../../contracts/loan-view.js';
import { validApplication } from '../origination/fixtures.js';

const START = '2026-03-10';

function offerFor(product: LoanProduct, method: RepaymentMethod, rulesVersion: number): Offer {
  const terms = {
    amount: '12000.00',
    annualRate: product.defaultRate,
    termCount: 12,
    frequency: 'MONTHLY' as const,
    method,
  };
  const q = quote(
    { principal: terms.amount, ...terms, startDate: START, fees: product.fees, dayCount: product.dayCount },
    rulesFor(rulesVersion),
  );
  return {
    ...terms,
    upfrontFee: '0.00',
    netDisbursement: terms.amount,
    totalInterest: q.totalInterest,
    totalFees: q.totalFees,
    totalPayment: q.totalPayment,
    apr: q.apr,
    effectiveAnnualRate: q.effectiveAnnualRate,
    installments: q.installments,
    rulesVersion,
  };
}

function contractText(product: LoanProduct, offer: Offer, loanType: LoanType): string {
  const html = renderContract({
    loanId: 'L1',
    offer,
    product,
    application: validApplication(loanType),
    consents: [],
    generatedAt: `${START}T02:00:00Z`,
    companyName: '某某小额贷款有限公司',
    timeZone: 'Asia/Shanghai',
  });
  return html.replace(/<[^>]+>/g, '');
}

/** The overdue clause's numbers, as written. */
function readClause(text: string) {
  const grab = (re: RegExp) => {
    const m = re.exec(text);
    expect(m, `the contract states ${re}`).not.toBeNull();
    return m![1]!;
  };
  const grace = /本合同不设宽限期/.test(text) ? 0 : Number(grab(/设有 (\d+) 天宽限期/));
  const flatFee = /每期收取一次滞纳金人民币 ([\d.]+) 元/.exec(text);
  return {
    grace,
    base: grab(/以该期(逾期未还本金)为基数，按罚息年利率/),
    penaltyRate: new Decimal(grab(/按罚息年利率 ([\d.]+)%/)).div(100),
    penaltyDays: Number(grab(/日罚息率为罚息年利率除以 (\d+)/)),
    lateFee: (flatFee
      ? { flat: new Decimal(flatFee[1]!) }
      : { percent: new Decimal(grab(/该期未还金额（本金、利息和费用）的 ([\d.]+)% 收取一次滞纳金/)).div(100) }) as {
      flat?: Decimal;
      percent?: Decimal;
    },
    capBase: grab(/以该期(逾期未还本金)为基数、按年利率/),
    capRate: new Decimal(grab(/按年利率 ([\d.]+)% 自应还款日起按日计算/)).div(100),
    capDays: Number(grab(/（日利率为年利率除以 (\d+)）/)),
  };
}

/** The charges on an installment nothing was paid on, `days` after its due date, worked out from the clause alone. */
function asWorded(clause: ReturnType<typeof readClause>, principal: string, owed: string, days: number) {
  if (days <= clause.grace) return { penalty: '0.00', lateFee: '0.00' };
  const p = new Decimal(principal);
  const penalty = p.times(clause.penaltyRate).times(days).div(clause.penaltyDays);
  const cap = p.times(clause.capRate).times(days).div(clause.capDays);
  const charged = Decimal.min(penalty, cap);
  const rule = clause.lateFee;
  const fee = rule.flat ?? new Decimal(owed).times(rule.percent ?? 0).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const room = cap.minus(charged).toDecimalPlaces(2, Decimal.ROUND_DOWN);
  return {
    penalty: charged.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
    lateFee: Decimal.min(fee, room).toFixed(2),
  };
}

function accountFor(product: LoanProduct, offer: Offer): LoanAccount {
  // As servicing opens it (workflows/servicing.ts): the product's own terms, the offer's version.
  return openAccount(
    'L1',
    {
      principal: offer.amount,
      annualRate: offer.annualRate,
      termCount: offer.termCount,
      frequency: offer.frequency,
      method: offer.method,
      fees: product.fees,
      dayCount: product.dayCount,
      penalty: product.penalty,
      chargesCap: product.aprCap,
      allocationOrder: product.allocationOrder,
      overpayment: product.overpayment,
      rulesVersion: offer.rulesVersion!,
    },
    START,
  );
}

const SAMPLES: {
  name: string;
  loanType: LoanType;
  method: RepaymentMethod;
  product: (p: LoanProduct) => LoanProduct;
}[] = [
  { name: 'CREDIT_STD, 等额本息', loanType: 'CREDIT', method: 'EQUAL_INSTALLMENT', product: (p) => p },
  { name: 'FARMER_STD, 到期一次 with 7 days of grace', loanType: 'FARMER', method: 'BULLET', product: (p) => p },
  {
    name: 'a percentage late fee, ACT/360, a 36% cap and no grace',
    loanType: 'PERSONAL_CONSUMER',
    method: 'EQUAL_PRINCIPAL',
    product: (p) => ({
      ...p,
      dayCount: 'ACT/360',
      aprCap: '0.3600',
      penalty: {
        penaltyMarkup: '0.3000',
        lateFee: { kind: 'PERCENT_OF_OVERDUE_INSTALLMENT', value: '0.0500' },
        graceDays: 0,
      },
    }),
  },
];

describe('the contract states the charges the engine makes (money rules version 2)', () => {
  it.each(SAMPLES)(
    '$name: grace, base, rate, late fee and cap as written give the engine’s charges to the cent',
    (sample) => {
      const product = sample.product(defaultProductFor(sample.loanType));
      const offer = offerFor(product, sample.method, 2);
      const clause = readClause(contractText(product, offer, sample.loanType));
      expect(clause.base).toBe('逾期未还本金');
      expect(clause.grace).toBe(product.penalty.graceDays);
      const account = accountFor(product, offer);
      const first = account.installments[0]!;
      const owed = new Decimal(first.principal).plus(first.interest).plus(first.fee).toFixed(2);
      for (const days of [1, clause.grace, clause.grace + 1, 10, 45, 200]) {
        const c = chargesOn(account, first, addDays(first.dueDate, days));
        const engine = { penalty: c.penalty, lateFee: c.lateFee };
        expect(engine, `${days} days late`).toEqual(asWorded(clause, first.principal, owed, days));
      }
      // The cap binds somewhere in the samples, so the test reads it, not just the rate.
      const late = chargesOn(account, first, addDays(first.dueDate, 10));
      expect(late.uncappedLateFee).not.toBe('0.00');
    },
  );

  it('keeps version 1 loans on their signed wording and numbers', () => {
    const product = defaultProductFor('CREDIT');
    const v1 = contractText(product, offerFor(product, 'EQUAL_INSTALLMENT', 1), 'CREDIT');
    expect(v1).toContain('罚息利率为本合同年利率上浮 50%，即年利率 22.50%');
    expect(v1).toContain(
      '利息按实际占用天数计算，甲方不收取提前还款违约金。提前还款的，剩余还款计划由甲方重新计算并告知乙方。',
    );
    expect(v1).not.toContain('上限');
    const v2 = contractText(product, offerFor(product, 'EQUAL_INSTALLMENT', 2), 'CREDIT');
    expect(v2).toContain('按罚息年利率 22.50%（本合同年利率的 1.5 倍）');
    expect(v2).toContain('按年利率 24.00% 自应还款日起按日计算');
    expect(v2).toContain('超出部分作为乙方预存款'); // CREDIT_STD keeps overpayments as credit
  });

  it('words the prepayment option of the product', () => {
    const product = { ...defaultProductFor('CREDIT'), overpayment: 'PREPAY_REDUCE_TERM' as const };
    const text = contractText(product, offerFor(product, 'EQUAL_INSTALLMENT', 2), 'CREDIT');
    expect(text).toContain('超出部分先支付当期至还款当日的利息，其余全部用于偿还本金');
    expect(text).toContain('保持每期还款额不变、缩短还款期限');
    expect(text).toContain('当期每日的利息为当日未还本金按当期利率计算的一期利息 ÷ 当期天数');
  });
});
