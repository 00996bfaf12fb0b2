import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { groupThousands, renderContractHtml, type ContractDocumentInput } from '../../../domain/contract-document.js';
import { escapeHtml } from '../../../domain/html.js';
import { DomainError } from '../../../domain/errors.js';
import { APPLICANT_ID, CARD, GUARANTOR_ID } from './fixtures.js';

function contractInput(overrides: Partial<ContractDocumentInput> = {}): ContractDocumentInput {
  return {
    contractNumber: 'HT-2026-000123',
    contractDate: '2026-06-15',
    lender: { name: '某某小额贷款有限公司', creditCode: '91350100M000100Y43', address: '北京市朝阳区某路1号' },
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
    schedule: [
      { number: 1, dueDate: '2026-07-15', principal: '3960.40', interest: '120.00', fee: '0.00', total: '4080.40' },
      { number: 2, dueDate: '2026-08-15', principal: '4000.00', interest: '80.40', fee: '0.00', total: '4080.40' },
      { number: 3, dueDate: '2026-09-15', principal: '4039.60', interest: '40.40', fee: '0.00', total: '4080.00' },
    ],
    fees: [{ kind: 'UPFRONT', amount: '100.00' }],
    penalty: { penaltyMarkup: '0.5000', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays: 3 },
    consents: [
      { kind: 'CREDIT_QUERY', grantedBy: '王小明', grantedAt: '2026-06-10T08:30:00+08:00', textVersion: 'v2026.1' },
      { kind: 'DATA_PROCESSING', grantedBy: '王小明', grantedAt: '2026-06-10T08:30:00+08:00', textVersion: 'v2026.1' },
    ],
    ...overrides,
  };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('renderContractHtml', () => {
  const html = renderContractHtml(contractInput());

  it('is a complete HTML5 document in Chinese, UTF-8, with print styles', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="zh-CN">')).toBe(true);
    expect(html).toContain('<meta charset="UTF-8">');
    expect(html).toContain('@page');
    expect(html).toContain('@media print');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<(script|link|img)\b/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('gives byte-identical output for the same input', () => {
    expect(renderContractHtml(contractInput())).toBe(html);
    expect(sha256(renderContractHtml(contractInput()))).toBe(sha256(html));
    expect(sha256(renderContractHtml(contractInput({ apr: '0.1351' })))).not.toBe(sha256(html));
  });

  it('states the amount in figures and in capital numerals', () => {
    expect(html).toContain('壹万贰仟元整');
    expect(html).toContain('¥12,000.00');
  });

  it('shows the APR labelled as PBoC [2021] No. 3 requires, beside the nominal rate', () => {
    expect(html).toContain('年化利率(APR)：13.50%');
    expect(html).toContain('〔2021〕第3号');
    expect(html).toContain('年利率（单利）为 12.00%');
  });

  it('names the parties with personal numbers masked', () => {
    expect(html).toContain('某某小额贷款有限公司');
    expect(html).toContain('王小明');
    expect(html).toContain('110105********0029');
    expect(html).not.toContain(APPLICANT_ID);
    expect(html).toContain('138****8000');
    expect(html).not.toContain('13800138000');
    expect(html).toContain(`**** **** **** ${CARD.slice(-4)}`);
    expect(html).not.toContain(CARD);
  });

  it('states term, method, schedule with totals, fees, penalty terms and consents', () => {
    expect(html).toContain('共 3 期，按月还款');
    expect(html).toContain('等额本息');
    expect(html).toContain('2026-09-15');
    expect(html).toContain('4,039.60');
    expect(html).toMatch(
      /<th colspan="2">合计<\/th><td class="num">12,000.00<\/td><td class="num">240.80<\/td><td class="num">0.00<\/td><td class="num">12,240.80<\/td>/,
    );
    expect(html).toContain('一次性服务费人民币 100.00 元');
    expect(html).toContain('3 天宽限期');
    expect(html).toContain('罚息');
    expect(html).toContain('上浮 50%');
    expect(html).toContain('年利率 18.00%');
    expect(html).toContain('滞纳金人民币 20.00 元');
    expect(html).toContain('征信查询授权');
    expect(html).toContain('2026-06-10T08:30:00+08:00');
    expect(html).toContain('v2026.1');
    expect(html).toContain('借款人（乙方）：王小明');
  });

  it('adds the guarantee clause and the guarantor signature when there is one', () => {
    const guaranteed = renderContractHtml(
      contractInput({
        loanType: 'GUARANTEED',
        guarantor: { name: '李强', idNumber: GUARANTOR_ID, phone: '13912345678' },
      }),
    );
    expect(guaranteed).toContain('保证人（丙方）');
    expect(guaranteed).toContain('连带责任保证');
    expect(guaranteed).not.toContain(GUARANTOR_ID);
    expect(html).not.toContain('保证人');
    const secured = renderContractHtml(
      contractInput({
        loanType: 'COLLATERAL',
        collateral: { type: 'REAL_ESTATE', description: '朝阳区某小区301室', appraisedValue: '800000.00' },
      }),
    );
    expect(secured).toContain('抵押担保');
    expect(secured).toContain('800000.00');
  });

  it('escapes every interpolated text', () => {
    const evil = '<script>alert("x")</script>';
    const out = renderContractHtml(
      contractInput({
        contractNumber: `A"><script>1</script>`,
        purpose: evil,
        borrower: { name: `<img src=x onerror=alert(1)>`, idNumber: APPLICANT_ID, phone: '13800138000' },
        lender: { name: "O'Lender & Co <b>" },
        disbursementAccount: { bankName: evil, cardNumber: CARD },
        consents: [{ kind: 'CREDIT_QUERY', grantedBy: evil, grantedAt: evil, textVersion: evil }],
      }),
    );
    expect(out).not.toContain('<script');
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<b>');
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(out).toContain('O&#39;Lender &amp; Co &lt;b&gt;');
  });

  it('refuses malformed figures instead of printing them', () => {
    expect(() => renderContractHtml(contractInput({ amount: '12,000' }))).toThrow(DomainError);
    expect(() => renderContractHtml(contractInput({ apr: '<b>1</b>' }))).toThrow(DomainError);
    expect(() => renderContractHtml(contractInput({ schedule: [] }))).toThrow(DomainError);
    expect(() => renderContractHtml(contractInput({ contractDate: '2026-02-30' }))).toThrow(DomainError);
  });

  it('helpers escape and group as expected', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(groupThousands('1234567.8')).toBe('1,234,567.80');
    expect(groupThousands('999.00')).toBe('999.00');
  });
});
