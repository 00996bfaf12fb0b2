// 补充协议 of an extension (展期) or restructuring (重组): what the borrower signs before the loan
// takes the new schedule. It states the principal carried over, what stays due as it was (arrears),
// the current period's interest, the new rate, APR and maturity, and the new schedule, and names the
// loan contract it supplements. The same input gives the same bytes, so its sha256 binds the signature.
import { groupThousands, scheduleTable } from './contract-document.js';
import { percent } from './apr-cap.js';
import { toChineseCapital } from './capital-numerals.js';
import { isValidLocalDate } from './dates.js';
import { DomainError } from './errors.js';
import { escapeHtml } from './html.js';
import { maskIdNumber } from './masking.js';
import { addMoney, isUnsignedMoneyText, toMoney } from './money.js';
import type { LocalDate, Money, Rate } from './types.js';

export interface SupplementaryContractInput {
  agreementNumber: string;
  contractNumber: string;
  kind: 'EXTENSION' | 'RESTRUCTURING';
  lender: { name: string };
  borrower: { name: string; idNumber: string };
  issuedOn: LocalDate;
  effectiveOn: LocalDate;
  startsOn: LocalDate;
  outstandingPrincipal: Money;
  arrears: { interest: Money; fee: Money; penalty: Money };
  currentPeriodInterest: Money;
  annualRate: Rate;
  apr: Rate;
  newMaturityDate: LocalDate;
  installments: Array<{ number: number; dueDate: LocalDate; principal: Money; interest: Money; fee: Money }>;
}

const TITLE = { EXTENSION: '展期补充协议', RESTRUCTURING: '贷款重组补充协议' } as const;
const TITLE_EN = {
  EXTENSION: 'Supplementary agreement: extension',
  RESTRUCTURING: 'Supplementary agreement: restructuring',
};

export function renderSupplementaryContractHtml(input: SupplementaryContractInput): string {
  checkInput(input);
  const e = escapeHtml;
  const rows = input.installments.map((i) => ({ ...i, total: addMoney(addMoney(i.principal, i.interest), i.fee) }));
  const arrears = addMoney(addMoney(input.arrears.interest, input.arrears.fee), input.arrears.penalty);
  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="UTF-8">',
    `<title>${TITLE[input.kind]} ${e(input.agreementNumber)}</title>`,
    '<style>',
    'body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 11pt; line-height: 1.7; margin: 0 auto; max-width: 180mm; }',
    'h1 { text-align: center; font-size: 18pt; } .meta { text-align: right; }',
    'table { width: 100%; border-collapse: collapse; } th, td { border: 1px solid #000; padding: 1mm 2mm; font-size: 10pt; }',
    'td.num { text-align: right; font-variant-numeric: tabular-nums; }',
    '</style>',
    '</head>',
    '<body>',
    `<h1>${TITLE[input.kind]}</h1>`,
    `<p class="en">${TITLE_EN[input.kind]}</p>`,
    `<p class="meta">编号：${e(input.agreementNumber)}<br>出具日期：${e(input.issuedOn)}</p>`,
    `<p>贷款人（甲方）：${e(input.lender.name)}</p>`,
    `<p>借款人（乙方）：${e(input.borrower.name)}（身份证号码 ${e(maskIdNumber(input.borrower.idNumber))}）</p>`,
    `<p>甲乙双方就《借款合同》（合同编号 ${e(input.contractNumber)}）达成本补充协议，本协议为该合同的组成部分；本协议未约定的，仍按原合同执行。</p>`,
    `<p>一、自 ${e(input.effectiveOn)} 起，乙方尚欠本金人民币 <strong class="principal">${e(groupThousands(input.outstandingPrincipal))}</strong> 元` +
      `（大写：${e(toChineseCapital(toMoney(input.outstandingPrincipal)))}）按下列新还款计划偿还：自 ${e(input.startsOn)} 起计息，` +
      `年利率 ${e(percent(input.annualRate))}%，年化利率（APR，含费用）${e(percent(input.apr))}%，到期日 <strong class="maturity">${e(input.newMaturityDate)}</strong>。</p>`,
    `<p>二、截至 ${e(input.effectiveOn)} 已到期未还的利息 ${e(groupThousands(input.arrears.interest))} 元、费用 ${e(groupThousands(input.arrears.fee))} 元、` +
      `罚息及违约金 ${e(groupThousands(input.arrears.penalty))} 元（合计 ${e(groupThousands(arrears))} 元）仍按原约定到期应付，不计入新本金，不计复利，亦不减免。</p>`,
    `<p>三、当期已开始计息的利息 ${e(groupThousands(input.currentPeriodInterest))} 元仍于当期还款日支付。</p>`,
    `<p class="en">From ${e(input.effectiveOn)} the principal of ${e(input.outstandingPrincipal)} is repaid on the schedule below, ` +
      `at an annual rate of ${e(percent(input.annualRate))}% (APR including fees ${e(percent(input.apr))}%), maturing ${e(input.newMaturityDate)}. ` +
      `Amounts already due (${e(arrears)}) stay due as agreed: not added to principal, no interest on interest, not forgiven.</p>`,
    scheduleTable(rows),
    '<p>乙方以短信验证码确认签署本协议（签署内容以本协议的 SHA-256 摘要为准）。</p>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function checkInput(input: SupplementaryContractInput): void {
  const bad = (what: string) => {
    throw new DomainError('INVALID_SUPPLEMENTARY_CONTRACT_INPUT', {
      zh: `补充协议数据无效：${what}`,
      en: `invalid supplementary contract data: ${what}`,
    });
  };
  if (!isUnsignedMoneyText(input.outstandingPrincipal)) bad('outstandingPrincipal');
  for (const date of [input.issuedOn, input.effectiveOn, input.startsOn, input.newMaturityDate])
    if (!isValidLocalDate(date)) bad('date');
  if (input.installments.length === 0) bad('installments');
}
