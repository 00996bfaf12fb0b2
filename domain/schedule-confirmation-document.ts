// 还款计划确认书: issued at payout, it states the final repayment schedule, counted from the actual
// payout date by the rule the contract sets out (contract-document.ts, 借款期限与还款方式). The
// schedule it shows is the one the loan's account is opened from and collected on.
import { groupThousands, scheduleTable, type ContractInstallment } from './contract-document.js';
import { toChineseCapital } from './capital-numerals.js';
import { isValidLocalDate } from './dates.js';
import { DomainError } from './errors.js';
import { escapeHtml } from './html.js';
import { maskIdNumber } from './masking.js';
import { isUnsignedMoneyText, toMoney } from './money.js';
import type { LocalDate, Money } from './types.js';

export interface ScheduleConfirmationInput {
  confirmationNumber: string;
  contractNumber: string;
  /** The sha256 of the contract the borrower signed. */
  contractSha256: string | null;
  lender: { name: string };
  borrower: { name: string; idNumber: string };
  amount: Money;
  /** The actual payout date (放款日): interest runs and due dates count from it. */
  disbursedOn: LocalDate;
  issuedOn: LocalDate;
  schedule: ContractInstallment[];
}

/** Renders the confirmation as a self-contained HTML page; the same input gives the same bytes. */
export function renderScheduleConfirmationHtml(input: ScheduleConfirmationInput): string {
  checkInput(input);
  const e = escapeHtml;
  const first = input.schedule[0]!;
  const last = input.schedule[input.schedule.length - 1]!;
  const contract = input.contractSha256
    ? `《借款合同》（合同编号 ${e(input.contractNumber)}，SHA-256 ${e(input.contractSha256)}）`
    : `《借款合同》（合同编号 ${e(input.contractNumber)}）`;
  return [
    '<!DOCTYPE html>',
    '<html lang="zh-CN">',
    '<head>',
    '<meta charset="UTF-8">',
    `<title>还款计划确认书 ${e(input.confirmationNumber)}</title>`,
    '<style>',
    'body { font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", serif; font-size: 11pt; line-height: 1.7; margin: 0 auto; max-width: 180mm; }',
    'h1 { text-align: center; font-size: 18pt; } .meta { text-align: right; }',
    'table { width: 100%; border-collapse: collapse; } th, td { border: 1px solid #000; padding: 1mm 2mm; font-size: 10pt; }',
    'td.num { text-align: right; font-variant-numeric: tabular-nums; }',
    '</style>',
    '</head>',
    '<body>',
    '<h1>还款计划确认书</h1>',
    '<p class="en">Repayment schedule confirmation</p>',
    `<p class="meta">编号：${e(input.confirmationNumber)}<br>出具日期：${e(input.issuedOn)}</p>`,
    `<p>借款人（乙方）：${e(input.borrower.name)}（身份证号码 ${e(maskIdNumber(input.borrower.idNumber))}）</p>`,
    `<p>根据${contract}的约定，甲方已于 <strong class="disbursed-on">${e(input.disbursedOn)}</strong> 将借款人民币 ` +
      `${e(groupThousands(input.amount))} 元（大写：${e(toChineseCapital(toMoney(input.amount)))}）划入乙方放款账户，借款自该日起计息。` +
      `各期还款日自该放款日起按合同约定推算，首期还款日为 ${e(first.dueDate)}，最后一期还款日为 ${e(last.dueDate)}。` +
      '乙方应按下列还款计划按期足额还款；合同所附参考还款计划与本确认书不一致的，以本确认书为准。</p>',
    `<p class="en">Under the loan contract, the loan was paid out on ${e(input.disbursedOn)} and interest runs from that day. ` +
      'The due dates count from that payout date; the schedule below is the one the loan is collected on.</p>',
    scheduleTable(input.schedule),
    `<p>贷款人（甲方）：${e(input.lender.name)}</p>`,
    `<p>${e(input.issuedOn)}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function checkInput(input: ScheduleConfirmationInput): void {
  const bad = (what: string) => {
    throw new DomainError('INVALID_SCHEDULE_CONFIRMATION_INPUT', {
      zh: `还款计划确认书数据无效：${what}`,
      en: `invalid schedule confirmation data: ${what}`,
    });
  };
  if (!isUnsignedMoneyText(input.amount)) bad('amount');
  if (!isValidLocalDate(input.disbursedOn)) bad('disbursedOn');
  if (!isValidLocalDate(input.issuedOn)) bad('issuedOn');
  if (input.schedule.length === 0) bad('schedule');
  for (const [index, i] of input.schedule.entries()) {
    if (!isValidLocalDate(i.dueDate)) bad(`schedule.${index}.dueDate`);
    for (const key of ['principal', 'interest', 'fee', 'total'] as const) {
      if (!isUnsignedMoneyText(i[key])) bad(`schedule.${index}.${key}`);
    }
  }
}
