import { toChineseCapital } from './capital-numerals.js';
import { DomainError } from './errors.js';
import {
  COLLATERAL_TYPE_NAMES,
  DAY_COUNT_NAMES,
  FREQUENCY_NAMES,
  LOAN_TYPE_NAMES,
  REPAYMENT_METHOD_NAMES,
} from './labels.js';
import { overdueClauseV2, prepaymentClauseV2 } from './contract-money-clauses.js';
import { escapeHtml } from './html.js';
import { maskCard, maskIdNumber, maskPhone } from './masking.js';
import type { OverpaymentHandling } from './products.js';
import type {
  DayCount,
  Fee,
  Frequency,
  LoanType,
  LocalDate,
  Money,
  PenaltyTerms,
  Rate,
  RepaymentMethod,
} from './types.js';
import { Dec, isUnsignedMoneyText, toMoney } from './money.js';
import type { CollateralType } from './validation/application.js';
import { isValidLocalDate } from './dates.js';
import { formatPercent } from './rates.js';

export interface ContractInstallment {
  number: number;
  dueDate: LocalDate;
  principal: Money;
  interest: Money;
  fee: Money;
  total: Money;
}

export type ConsentKind = 'CREDIT_QUERY' | 'DATA_PROCESSING' | 'CREDIT_REPORTING';

export interface ConsentRecord {
  kind: ConsentKind;
  /** Name of the person who consented. */
  grantedBy: string;
  /** When, as recorded (e.g. an ISO timestamp); printed as given. */
  grantedAt: string;
  textVersion: string;
}

export interface ContractDocumentInput {
  contractNumber: string;
  contractDate: LocalDate;
  lender: { name: string; creditCode?: string; address?: string };
  borrower: { name: string; idNumber: string; phone: string; address?: string };
  loanType: LoanType;
  purpose: string;
  amount: Money;
  /** Nominal annual rate of the contract. */
  annualRate: Rate;
  /** Annualized rate including every fee, computed by the caller (PBoC Announcement [2021] No. 3). */
  apr: Rate;
  termCount: number;
  frequency: Frequency;
  method: RepaymentMethod;
  dayCount: DayCount;
  disbursementAccount: { bankName: string; cardNumber: string };
  schedule: ContractInstallment[];
  fees: Fee[];
  penalty: PenaltyTerms;
  /**
   * The money rules version of the offer (rules-version.ts); absent: 1. From version 2 the overdue
   * and prepayment clauses are written from the engine's own terms, which then also need the
   * charges cap (the product's APR cap) and the overpayment handling.
   */
  rulesVersion?: number;
  chargesCap?: Rate;
  overpayment?: OverpaymentHandling;
  consents: ConsentRecord[];
  guarantor?: { name: string; idNumber: string; phone: string };
  collateral?: { type: CollateralType; description: string; appraisedValue: Money };
}

const CONSENT_NAMES: Readonly<Record<ConsentKind, string>> = {
  CREDIT_QUERY: '征信查询授权',
  DATA_PROCESSING: '个人信息处理授权',
  CREDIT_REPORTING: '征信报送授权',
};

const STYLE = `
@page { size: A4; margin: 20mm 18mm; }
* { box-sizing: border-box; }
body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 11pt; line-height: 1.7; color: #000; margin: 0 auto; max-width: 180mm; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 0.5em; margin: 0 0 4mm; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; }
.meta { text-align: right; margin: 0 0 4mm; }
.apr { font-size: 13pt; font-weight: bold; border: 1px solid #000; padding: 2mm 3mm; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0; page-break-inside: auto; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }
th, td { border: 1px solid #000; padding: 1mm 2mm; font-size: 10pt; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.parties td { border: none; padding: 0.5mm 0; }
.signatures { margin-top: 10mm; page-break-inside: avoid; }
.signatures td { border: none; width: 50%; vertical-align: top; padding: 0 0 12mm; }
@media print { body { max-width: none; } }
`.trim();

/**
 * Renders the loan contract (借款合同) as a complete, self-contained HTML5 page. Pure: the
 * same input gives byte-identical output, so its sha256 identifies the document. Personal
 * numbers are masked; every interpolated text is HTML-escaped.
 */
export function renderContractHtml(input: ContractDocumentInput): string {
  checkInput(input);
  const first = input.schedule[0]!;
  const last = input.schedule[input.schedule.length - 1]!;
  const lender = input.lender;
  const borrower = input.borrower;
  const sections: string[] = [];
  let article = 0;
  const section = (title: string, body: string) => {
    article += 1;
    sections.push(`<section>\n<h2>第${chineseOrdinal(article)}条 ${esc(title)}</h2>\n${body}\n</section>`);
  };

  const parties = [
    row('贷款人（甲方）', lender.name),
    lender.creditCode ? row('统一社会信用代码', lender.creditCode) : '',
    lender.address ? row('住所', lender.address) : '',
    row('借款人（乙方）', borrower.name),
    row('身份证号码', maskIdNumber(borrower.idNumber)),
    row('联系电话', maskPhone(borrower.phone)),
    borrower.address ? row('住址', borrower.address) : '',
    ...(input.guarantor
      ? [
          row('保证人（丙方）', input.guarantor.name),
          row('身份证号码', maskIdNumber(input.guarantor.idNumber)),
          row('联系电话', maskPhone(input.guarantor.phone)),
        ]
      : []),
  ].filter((line) => line !== '');

  section(
    '借款金额',
    p(
      `借款金额为人民币（大写）<strong>${esc(toChineseCapital(toMoney(input.amount)))}</strong>（小写：¥${esc(groupThousands(input.amount))}）。` +
        `贷款种类：${esc(LOAN_TYPE_NAMES[input.loanType].zh)}。`,
    ),
  );
  section(
    '借款用途',
    p(
      `借款用途为：${esc(input.purpose)}。乙方不得将借款用于购房、股票、债券、期货、金融衍生产品和资产管理产品等投资，` +
        '不得用于借贷牟利或其他违法违规用途；改变用途的，甲方有权提前收回借款。',
    ),
  );
  section(
    '借款期限与还款方式',
    p(
      `借款期限共 ${input.termCount} 期，${esc(FREQUENCY_NAMES[input.frequency].zh)}还款，还款方式：${esc(REPAYMENT_METHOD_NAMES[input.method].zh)}。` +
        '借款自甲方将款项划入乙方放款账户之日（放款日）起计息。各期还款日自实际放款日起推算：' +
        (input.method === 'BULLET'
          ? `唯一一期还款日为放款日后第 ${input.termCount} 个还款周期的对应日；`
          : '第 N 期还款日为放款日后第 N 个还款周期的对应日；') +
        '按月还款的，对应日为该月中与放款日同一日期的日子，该月无此日期的，为该月最后一日。' +
        '每期利息均按一个完整还款周期计算，各期应还本金、利息和费用不因放款日的早晚而改变。',
    ) +
      '\n' +
      p(
        `本合同所附参考还款计划系假定于本合同签订日期 ${esc(input.contractDate)} 放款编制，首期还款日为 ${esc(first.dueDate)}，` +
          `最后一期还款日为 ${esc(last.dueDate)}；实际放款日不同的，各期还款日按前款规则相应确定。` +
          '甲方于放款当日向乙方出具《还款计划确认书》，载明按实际放款日确定的各期还款日和应还金额，双方按《还款计划确认书》履行。',
      ),
  );
  section(
    '利率与费用',
    [
      p(
        `借款年利率（单利）为 ${esc(formatPercent(input.annualRate, 2))}，${esc(DAY_COUNT_NAMES[input.dayCount].zh)}。`,
      ),
      `<p class="apr">年化利率(APR)：${esc(formatPercent(input.apr, 2))}</p>`,
      p(
        '上述年化利率按照中国人民银行公告〔2021〕第3号的要求，以乙方实际占用借款本金为基础，' +
          '将乙方须支付的利息及全部费用折算为年化形式计算。',
      ),
      p(feesText(input.fees)),
    ].join('\n'),
  );
  section(
    '放款账户',
    p(
      `甲方将借款划入乙方名下以下账户，该账户同时作为还款账户：开户银行 ${esc(input.disbursementAccount.bankName)}，` +
        `账号 ${esc(maskCard(input.disbursementAccount.cardNumber))}。`,
    ),
  );
  section(
    '参考还款计划',
    p(`以下还款计划假定于 ${esc(input.contractDate)} 放款编制，实际还款日以《还款计划确认书》为准。`) +
      '\n' +
      scheduleTable(input.schedule),
  );
  const clauses = moneyClauses(input);
  section('逾期责任', clauses.overdue);
  section('提前还款', clauses.prepayment);
  if (input.guarantor || input.collateral) section('担保', guaranteeText(input));
  section('授权与同意', consentsTable(input.consents));
  section(
    '争议解决',
    p(
      '本合同适用中华人民共和国法律。因本合同发生的争议，由双方协商解决；协商不成的，任何一方均可向甲方住所地有管辖权的人民法院提起诉讼。',
    ),
  );
  section(
    '合同生效',
    p(
      '本合同自各方签字（盖章）或以电子签名方式签署之日起生效，至乙方还清全部借款本息及费用之日终止。本合同以电子形式保存，与纸质合同具有同等法律效力。',
    ),
  );

  const signatures = [
    `<td>贷款人（甲方）：${esc(lender.name)}<br>（盖章）<br>日期：${esc(input.contractDate)}</td>`,
    `<td>借款人（乙方）：${esc(borrower.name)}<br>（签字）<br>日期：${esc(input.contractDate)}</td>`,
    ...(input.guarantor
      ? [
          `<td>保证人（丙方）：${esc(input.guarantor.name)}<br>（签字）<br>日期：${esc(input.contractDate)}</td>`,
          '<td></td>',
        ]
      : []),
  ];
  const signatureRows: string[] = [];
  for (let i = 0; i < signatures.length; i += 2)
    signatureRows.push(`<tr>${signatures[i]}${signatures[i + 1] ?? ''}</tr>`);

  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="UTF-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>借款合同 ${esc(input.contractNumber)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    '<h1>借款合同</h1>',
    `<p class="meta">合同编号：${esc(input.contractNumber)}<br>签订日期：${esc(input.contractDate)}</p>`,
    `<table class="parties">\n${parties.join('\n')}\n</table>`,
    p('各方本着平等自愿、诚实信用的原则，经协商一致，订立本合同，共同遵守。'),
    ...sections,
    `<table class="signatures">\n${signatureRows.join('\n')}\n</table>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const esc = escapeHtml;

function p(html: string): string {
  return `<p>${html}</p>`;
}

function row(label: string, value: string): string {
  return `<tr><td>${esc(label)}：</td><td>${esc(value)}</td></tr>`;
}

/** "1234567.8" → "1,234,567.80". */
export function groupThousands(amount: Money): string {
  const [integer, cents] = toMoney(amount).split('.') as [string, string];
  return `${integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

function chineseOrdinal(n: number): string {
  const digits = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
  if (n < 10) return digits[n]!;
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : digits[tens]}十${digits[n % 10]}`;
}

function feesText(fees: Fee[]): string {
  if (fees.length === 0) return '除上述利息外，甲方不向乙方收取任何其他费用。';
  const items = fees.map((fee) =>
    fee.kind === 'UPFRONT'
      ? `一次性服务费人民币 ${esc(toMoney(fee.amount))} 元，于放款时收取`
      : `每期服务费人民币 ${esc(toMoney(fee.amount))} 元，随各期还款收取`,
  );
  return `乙方须支付的费用为：${items.join('；')}。除此以外，甲方不收取其他费用。`;
}

/** The schedule as a table with totals: the contract's and the 还款计划确认书's. */
export function scheduleTable(schedule: ContractInstallment[]): string {
  const sum = (pick: (i: ContractInstallment) => Money) =>
    toMoney(schedule.reduce((acc, i) => acc.plus(pick(i)), new Dec(0)));
  const body = schedule.map(
    (i) =>
      `<tr><td class="num">${i.number}</td><td>${esc(i.dueDate)}</td><td class="num">${esc(groupThousands(i.principal))}</td>` +
      `<td class="num">${esc(groupThousands(i.interest))}</td><td class="num">${esc(groupThousands(i.fee))}</td>` +
      `<td class="num">${esc(groupThousands(i.total))}</td></tr>`,
  );
  const totals =
    `<tr><th colspan="2">合计</th><td class="num">${groupThousands(sum((i) => i.principal))}</td>` +
    `<td class="num">${groupThousands(sum((i) => i.interest))}</td><td class="num">${groupThousands(sum((i) => i.fee))}</td>` +
    `<td class="num">${groupThousands(sum((i) => i.total))}</td></tr>`;
  return [
    '<table class="schedule">',
    '<thead><tr><th>期数</th><th>还款日</th><th>应还本金（元）</th><th>应还利息（元）</th><th>费用（元）</th><th>应还合计（元）</th></tr></thead>',
    '<tbody>',
    ...body,
    totals,
    '</tbody>',
    '</table>',
  ].join('\n');
}

/** The overdue and prepayment clauses in the wording of the offer's money rules version. */
function moneyClauses(input: ContractDocumentInput): { overdue: string; prepayment: string } {
  if ((input.rulesVersion ?? 1) < 2)
    return {
      overdue: penaltyText(input.annualRate, input.penalty),
      prepayment: p(
        '乙方可提前偿还全部或部分借款，利息按实际占用天数计算，甲方不收取提前还款违约金。提前还款的，剩余还款计划由甲方重新计算并告知乙方。',
      ),
    };
  return {
    overdue: overdueClauseV2({
      annualRate: input.annualRate,
      dayCount: input.dayCount,
      penalty: input.penalty,
      chargesCap: input.chargesCap!,
    }),
    prepayment: prepaymentClauseV2(
      input.overpayment!,
      input.fees.some((f) => f.kind === 'PER_INSTALLMENT'),
    ),
  };
}

function penaltyText(annualRate: Rate, penalty: PenaltyTerms): string {
  const penaltyRate = new Dec(annualRate).times(new Dec(1).plus(penalty.penaltyMarkup)).toFixed(4);
  const lateFee =
    penalty.lateFee.kind === 'FLAT'
      ? `每期逾期收取滞纳金人民币 ${esc(toMoney(penalty.lateFee.value))} 元`
      : `每期逾期按该期应还金额的 ${esc(formatPercent(penalty.lateFee.value, 2))} 收取滞纳金`;
  return [
    p(`乙方未按期足额还款的，设有 ${penalty.graceDays} 天宽限期；宽限期内还清的，不计罚息和滞纳金，不视为逾期。`),
    p(
      `超过宽限期仍未还清的，自应还款日起对逾期本金按罚息利率计收罚息。罚息利率为本合同年利率上浮 ${esc(formatPercent(penalty.penaltyMarkup, 0))}，` +
        `即年利率 ${esc(formatPercent(penaltyRate, 2))}；${lateFee}。`,
    ),
    p(
      '乙方逾期的，甲方有权通过短信、电话等方式催收，并有权依法将逾期信息报送金融信用信息基础数据库；逾期超过30天的，甲方有权宣布借款提前到期并依法追偿。',
    ),
  ].join('\n');
}

function guaranteeText(input: ContractDocumentInput): string {
  const parts: string[] = [];
  if (input.guarantor) {
    parts.push(
      p(
        `丙方 ${esc(input.guarantor.name)} 自愿为乙方在本合同项下的全部债务提供连带责任保证，保证期间为主债务履行期限届满之日起三年。`,
      ),
    );
  }
  if (input.collateral) {
    const c = input.collateral;
    parts.push(
      p(
        `乙方以其${esc(COLLATERAL_TYPE_NAMES[c.type].zh)}（${esc(c.description)}，评估价值人民币 ${esc(toMoney(c.appraisedValue))} 元）` +
          '为本合同项下全部债务提供抵押担保，并依法办理抵押登记。',
      ),
    );
  }
  return parts.join('\n');
}

function consentsTable(consents: ConsentRecord[]): string {
  if (consents.length === 0) return p('无。');
  const rows = consents.map(
    (c) =>
      `<tr><td>${esc(CONSENT_NAMES[c.kind])}</td><td>${esc(c.grantedBy)}</td><td>${esc(c.grantedAt)}</td><td>${esc(c.textVersion)}</td></tr>`,
  );
  return [
    p('乙方已在申请时阅读并同意以下授权，授权记录如下：'),
    '<table class="consents">',
    '<thead><tr><th>授权事项</th><th>授权人</th><th>授权时间</th><th>文本版本</th></tr></thead>',
    '<tbody>',
    ...rows,
    '</tbody>',
    '</table>',
  ].join('\n');
}

function checkInput(input: ContractDocumentInput): void {
  const bad = (what: string) => {
    throw new DomainError('INVALID_CONTRACT_INPUT', {
      zh: `合同数据无效：${what}`,
      en: `invalid contract data: ${what}`,
    });
  };
  if (!isUnsignedMoneyText(input.amount)) bad('amount');
  if (!isValidLocalDate(input.contractDate)) bad('contractDate');
  if (input.schedule.length === 0) bad('schedule');
  for (const [index, i] of input.schedule.entries()) {
    if (!isValidLocalDate(i.dueDate)) bad(`schedule.${index}.dueDate`);
    for (const key of ['principal', 'interest', 'fee', 'total'] as const) {
      if (!/^-?\d+(\.\d{1,2})?$/.test(i[key])) bad(`schedule.${index}.${key}`);
    }
  }
  for (const [key, value] of [
    ['annualRate', input.annualRate],
    ['apr', input.apr],
    ['penalty.penaltyMarkup', input.penalty.penaltyMarkup],
  ] as const) {
    if (!/^\d+(\.\d+)?$/.test(value)) bad(key);
  }
  if (!/^\d+(\.\d+)?$/.test(input.penalty.lateFee.value)) bad('penalty.lateFee.value');
  if ((input.rulesVersion ?? 1) >= 2) {
    if (input.chargesCap === undefined || !/^\d+(\.\d+)?$/.test(input.chargesCap)) bad('chargesCap');
    if (input.overpayment === undefined) bad('overpayment');
  }
  for (const [index, fee] of input.fees.entries()) if (!isUnsignedMoneyText(fee.amount)) bad(`fees.${index}.amount`);
}
