// The contract's schedule rule and the 还款计划确认书: due dates count from the actual payout date,
// the amounts do not depend on it (what the contract promises, checked for every rules version,
// method, frequency and day count), and the confirmation shows the final schedule.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderContractHtml, type ContractDocumentInput } from '../../../domain/contract-document.js';
import { addDays, addMonths } from '../../../domain/dates.js';
import { DomainError } from '../../../domain/errors.js';
import { RULE_BOOK } from '../../../domain/money-rules.js';
import {
  renderScheduleConfirmationHtml,
  type ScheduleConfirmationInput,
} from '../../../domain/schedule-confirmation-document.js';
import { DAY_COUNTS, FREQUENCIES, REPAYMENT_METHODS, type Frequency } from '../../../domain/types.js';
import { APPLICANT_ID, CARD } from './fixtures.js';

const SCHEDULE = [
  { number: 1, dueDate: '2026-07-20', principal: '3960.40', interest: '120.00', fee: '0.00', total: '4080.40' },
  { number: 2, dueDate: '2026-08-20', principal: '4000.00', interest: '80.40', fee: '0.00', total: '4080.40' },
  { number: 3, dueDate: '2026-09-20', principal: '4039.60', interest: '40.40', fee: '0.00', total: '4080.00' },
];

function contract(overrides: Partial<ContractDocumentInput> = {}): string {
  return renderContractHtml({
    contractNumber: 'HT-loan-1',
    contractDate: '2026-06-15',
    lender: { name: '某某小额贷款有限公司' },
    borrower: { name: '王小明', idNumber: APPLICANT_ID, phone: '13800138000' },
    loanType: 'PERSONAL_CONSUMER',
    purpose: '装修房屋',
    amount: '12000.00',
    annualRate: '0.1200',
    apr: '0.1350',
    termCount: 3,
    frequency: 'MONTHLY',
    method: 'EQUAL_INSTALLMENT',
    dayCount: 'ACT/365',
    disbursementAccount: { bankName: '中国工商银行', cardNumber: CARD },
    schedule: SCHEDULE.map((i) => ({ ...i, dueDate: i.dueDate.replace('-20', '-15') })),
    fees: [],
    penalty: { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays: 3 },
    consents: [],
    ...overrides,
  });
}

function confirmation(overrides: Partial<ScheduleConfirmationInput> = {}): ScheduleConfirmationInput {
  return {
    confirmationNumber: 'HKJH-loan-1',
    contractNumber: 'HT-loan-1',
    contractSha256: 'a'.repeat(64),
    lender: { name: '某某小额贷款有限公司' },
    borrower: { name: '王小明', idNumber: APPLICANT_ID },
    amount: '12000.00',
    disbursedOn: '2026-06-20',
    issuedOn: '2026-06-20',
    schedule: SCHEDULE,
    ...overrides,
  };
}

describe('the contract states the schedule rule', () => {
  const html = contract();

  it('counts due dates from the actual payout date and labels its schedule as indicative', () => {
    expect(html).toContain('借款自甲方将款项划入乙方放款账户之日（放款日）起计息');
    expect(html).toContain('各期还款日自实际放款日起推算：第 N 期还款日为放款日后第 N 个还款周期的对应日');
    expect(html).toContain('该月无此日期的，为该月最后一日');
    expect(html).toContain('各期应还本金、利息和费用不因放款日的早晚而改变');
    expect(html).toMatch(/<h2>第[一二三四五六七八九十]+条 参考还款计划<\/h2>/);
    expect(html).toContain('假定于本合同签订日期 2026-06-15 放款编制，首期还款日为 2026-07-15');
    expect(html).toContain('甲方于放款当日向乙方出具《还款计划确认书》');
    expect(html).toContain('实际还款日以《还款计划确认书》为准');
  });

  it('states the single due date of a bullet loan by the whole term', () => {
    const bullet = contract({
      method: 'BULLET',
      termCount: 6,
      schedule: [
        { number: 1, dueDate: '2026-12-15', principal: '12000.00', interest: '720.00', fee: '0.00', total: '12720.00' },
      ],
    });
    expect(bullet).toContain('唯一一期还款日为放款日后第 6 个还款周期的对应日');
    expect(bullet).not.toContain('第 N 期还款日');
  });
});

/** The due date the contract's rule gives period `n` after a payout on `start`. */
function ruleDueDate(start: string, frequency: Frequency, n: number): string {
  const days = { BIWEEKLY: 14, WEEKLY: 7, DAILY: 1 } as const;
  return frequency === 'MONTHLY' ? addMonths(start, n) : addDays(start, n * days[frequency]);
}

describe('the money rules keep the contract’s promise', () => {
  const date = fc
    .record({
      y: fc.integer({ min: 2020, max: 2035 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 31 }),
    })
    .map(({ y, m, d }) => addDays(`${y}-${String(m).padStart(2, '0')}-01`, d - 1));

  it('gives the same amounts for any payout date, due on the dates the contract states', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RULE_BOOK.values()),
        fc.constantFrom(...REPAYMENT_METHODS),
        fc.constantFrom(...FREQUENCIES),
        fc.constantFrom(...DAY_COUNTS),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 100_000, max: 50_000_000 }),
        date,
        fc.integer({ min: 1, max: 45 }),
        (rules, method, frequency, dayCount, termCount, cents, contractDate, delay) => {
          const terms = {
            principal: (cents / 100).toFixed(2),
            annualRate: '0.1500',
            termCount,
            frequency,
            method,
            dayCount,
            fees: [{ kind: 'PER_INSTALLMENT' as const, amount: '5.00' }],
            firstDueDate: null,
          };
          const payout = addDays(contractDate, delay);
          const indicative = rules.schedule({ ...terms, startDate: contractDate }).schedule.installments;
          const confirmed = rules.schedule({ ...terms, startDate: payout }).schedule.installments;
          const amounts = (rows: typeof confirmed) =>
            rows.map(({ number, principal, interest, fee, total }) => ({ number, principal, interest, fee, total }));
          expect(amounts(confirmed)).toEqual(amounts(indicative));
          const periods = method === 'BULLET' ? [termCount] : confirmed.map((i) => i.number);
          expect(confirmed.map((i) => i.dueDate)).toEqual(periods.map((n) => ruleDueDate(payout, frequency, n)));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('renderScheduleConfirmationHtml', () => {
  const html = renderScheduleConfirmationHtml(confirmation());
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

  it('gives the same bytes for the same facts, and other bytes for another payout date', () => {
    expect(sha256(renderScheduleConfirmationHtml(confirmation()))).toBe(sha256(html));
    expect(sha256(renderScheduleConfirmationHtml(confirmation({ disbursedOn: '2026-06-21' })))).not.toBe(sha256(html));
  });

  it('states the payout date, the signed contract and the final schedule with totals', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="zh-CN">')).toBe(true);
    expect(html).toContain('<h1>还款计划确认书</h1>');
    expect(html).toContain('<strong class="disbursed-on">2026-06-20</strong>');
    expect(html).toContain(`合同编号 HT-loan-1，SHA-256 ${'a'.repeat(64)}`);
    expect(html).toContain('首期还款日为 2026-07-20，最后一期还款日为 2026-09-20');
    expect(html).toContain('以本确认书为准');
    expect(html).toContain(
      '<tr><td class="num">1</td><td>2026-07-20</td><td class="num">3,960.40</td><td class="num">120.00</td><td class="num">0.00</td><td class="num">4,080.40</td></tr>',
    );
    expect(html).toMatch(/<th colspan="2">合计<\/th><td class="num">12,000.00<\/td>/);
    expect(html).toContain('壹万贰仟元整');
  });

  it('masks the ID number and escapes every text', () => {
    expect(html).not.toContain(APPLICANT_ID);
    const evil = renderScheduleConfirmationHtml(
      confirmation({ borrower: { name: '<script>x</script>', idNumber: APPLICANT_ID }, lender: { name: 'A & <b>' } }),
    );
    expect(evil).not.toContain('<script>');
    expect(evil).toContain('A &amp; &lt;b&gt;');
  });

  it('refuses facts that are not a schedule', () => {
    expect(() => renderScheduleConfirmationHtml(confirmation({ schedule: [] }))).toThrow(DomainError);
    expect(() => renderScheduleConfirmationHtml(confirmation({ disbursedOn: '2026-02-30' }))).toThrow(DomainError);
    expect(() =>
      renderScheduleConfirmationHtml(confirmation({ schedule: [{ ...SCHEDULE[0]!, interest: '1.234' }] })),
    ).toThrow(DomainError);
  });
});
