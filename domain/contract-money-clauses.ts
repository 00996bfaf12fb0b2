// The overdue and prepayment clauses of a loan contract under money rules version 2, written from
// the same terms the engine charges with: the overdue clause from `chargeClause` (overdue.ts), the
// prepayment clause from the product's overpayment handling as servicing-account.ts applies it.
// Version 1 loans keep the wording they signed (contract-document.ts).
import { escapeHtml } from './html.js';
import type { Dec } from './money.js';
import { money } from './money.js';
import { chargeClause, type ChargeTerms } from './overdue.js';
import type { OverpaymentHandling } from './products.js';
import { rate } from './rates.js';

const esc = escapeHtml;

function p(html: string): string {
  return `<p>${html}</p>`;
}

/** A rate as a percentage with every significant digit and at least two places: 0.18 → "18.00%", 0.11025 → "11.025%". */
export function exactPercent(value: Dec): string {
  const places = Math.max(2, value.times(100).decimalPlaces());
  return `${value.times(100).toFixed(places)}%`;
}

/** 第…条 逾期责任, version 2: grace, base, penalty rate, late fee and cap, each stated as the engine applies it. */
export function overdueClauseV2(terms: ChargeTerms): string {
  const c = chargeClause(terms);
  const grace =
    c.graceDays > 0
      ? `宽限期：某期应还款项未按期足额偿还的，设有 ${c.graceDays} 天宽限期；在应还款日后第 ${c.graceDays} 天（含）以前还清该期全部应还款项的，不计罚息和滞纳金，不视为逾期。`
      : '宽限期：本合同不设宽限期，应还款日后仍未还清的即为逾期。';
  const multiple = c.penaltyMarkup.plus(1);
  const penalty =
    `罚息：超过宽限期仍未还清的，自应还款日起，以该期逾期未还本金为基数，按罚息年利率 ${esc(exactPercent(c.penaltyRate))}` +
    `（本合同年利率的 ${esc(multiple.toString())} 倍）按日计收罚息，日罚息率为罚息年利率除以 ${c.penaltyYearDays}；` +
    '逾期未还的利息和费用不计罚息。';
  const lateFee =
    c.lateFee.kind === 'FLAT'
      ? `滞纳金：超过宽限期仍未还清的，每期收取一次滞纳金人民币 ${esc(money(c.lateFee.value).toFixed(2))} 元。`
      : `滞纳金：超过宽限期仍未还清的，每期按宽限期届满时该期未还金额（本金、利息和费用）的 ${esc(exactPercent(rate(c.lateFee.value)))} 收取一次滞纳金。`;
  const cap =
    `上限：每期罚息与滞纳金合计，不超过以该期逾期未还本金为基数、按年利率 ${esc(exactPercent(c.capRate))} 自应还款日起按日计算` +
    `（日利率为年利率除以 ${c.capYearDays}）的金额。罚息先计，滞纳金以上限的剩余额度为限（不足一分的部分舍去），超过上限的部分不予收取。`;
  return [
    p(grace),
    p(penalty),
    p(lateFee),
    p(cap),
    p(
      '乙方逾期的，甲方有权通过短信、电话等方式催收，并有权依法将逾期信息报送金融信用信息基础数据库；逾期超过30天的，甲方有权宣布借款提前到期并依法追偿。',
    ),
  ].join('\n');
}

const REAMORTIZE: Readonly<Record<'PREPAY_REDUCE_TERM' | 'PREPAY_REDUCE_INSTALLMENT', string>> = {
  PREPAY_REDUCE_TERM: '保持每期还款额不变、缩短还款期限',
  PREPAY_REDUCE_INSTALLMENT: '保持还款期限不变、减少每期还款额',
};

/** 第…条 提前还款, version 2: interest by actual days, what a partial prepayment pays, and the payoff amount. */
export function prepaymentClauseV2(overpayment: OverpaymentHandling, installmentFee: boolean): string {
  const accrual =
    '当期利息按实际占用天数计算：当期每日的利息为当日未还本金按当期利率计算的一期利息 ÷ 当期天数，' +
    '自上一还款日（首期为放款日）起逐日累计至还款当日（当期内已部分提前还款的，此后按减少后的本金计算），不收取以后各期的利息。';
  const partial =
    overpayment === 'CARRY_FORWARD'
      ? '乙方还款超过已到期应还款项而不足以提前结清的，超出部分作为乙方预存款，于以后各期还款日自动用于偿还当期应还款项。'
      : overpayment === 'REFUND'
        ? '乙方还款超过已到期应还款项而不足以提前结清的，超出部分退还乙方。'
        : '乙方部分提前还款的，所还款项先偿还已到期应还款项，超出部分先支付当期至还款当日的利息，其余全部用于偿还本金；' +
          `剩余本金按${REAMORTIZE[overpayment]}的方式重新计算还款计划，各期还款日不变，甲方将新的还款计划告知乙方。`;
  const payoff =
    '乙方提前结清的，应还金额为全部未还本金、当期至还款当日的利息' +
    (installmentFee ? '、当期每期服务费（当期已开始计息的）' : '') +
    '以及已到期未还的全部款项（含罚息和滞纳金）。';
  return [p(`乙方可随时提前偿还全部或部分借款，甲方不收取提前还款违约金。${accrual}`), p(partial), p(payoff)].join(
    '\n',
  );
}
