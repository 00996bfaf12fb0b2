import { describe, expect, it } from 'vitest';
import type { Application } from '../../../domain/validation/application.js';
import { findPlaintext } from '../../../security/plaintext-detector.js';
import {
  DEFAULT_RETENTION_YEARS,
  purgedNotice,
  redactApplication,
  retentionCutoff,
  retentionYears,
} from '../../../security/retention.js';

const application: Application = {
  loanType: 'GUARANTEED',
  amount: '50000.00',
  termCount: 24,
  method: 'EQUAL_INSTALLMENT',
  frequency: 'MONTHLY',
  purpose: '给儿子张小明交学费',
  applicant: {
    name: '张伟',
    idNumber: '11010519900307123X',
    phone: '13912345678',
    monthlyIncome: '18000.00',
    employer: '杭州某科技有限公司',
  },
  bankAccount: { cardNumber: '6222021234567890128', bankName: '中国工商银行' },
  consent: { creditQuery: true, dataProcessing: true, creditReporting: true, textVersion: 'v2026.1' },
  collateral: {
    type: 'REAL_ESTATE',
    description: '杭州市西湖区文三路 1 号 2 单元 301',
    appraisedValue: '600000.00',
    existingLiens: '0.00',
  },
  guarantor: {
    name: '李娜',
    idNumber: '440306198512241234',
    phone: '13712345678',
    monthlyIncome: '25000.00',
    relationship: 'SIBLING',
  },
  business: { licenseNumber: '91330106MA2B3C4D5X', industry: 'RETAIL', monthlyRevenue: '90000.00' },
  farm: { landAreaMu: '40.00', crops: ['水稻'], livestock: '生猪 20 头', cooperative: '青山农业合作社' },
};

describe('retention', () => {
  it('defaults to five years after closing and reads RETENTION_YEARS strictly', () => {
    expect(DEFAULT_RETENTION_YEARS).toBe(5);
    expect(retentionYears({})).toBe(5);
    expect(retentionYears({ RETENTION_YEARS: ' 7 ' })).toBe(7);
    for (const bad of ['0', '2.5', 'five', '51'])
      expect(() => retentionYears({ RETENTION_YEARS: bad })).toThrow(/RETENTION_YEARS/);
  });

  it('counts calendar years back from now', () => {
    expect(retentionCutoff(new Date('2031-03-01T08:00:00Z'), 5).toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(retentionCutoff(new Date('2028-02-29T00:00:00Z'), 1).toISOString()).toBe('2027-03-01T00:00:00.000Z');
  });

  it('keeps the terms and amounts of an application and nothing that identifies a person', () => {
    const kept = redactApplication(application, '2031-03-01T08:00:00.000Z');
    expect(kept).toMatchObject({
      loanType: 'GUARANTEED',
      amount: '50000.00',
      termCount: 24,
      method: 'EQUAL_INSTALLMENT',
      purgedAt: '2031-03-01T08:00:00.000Z',
    });
    expect(kept.applicant.monthlyIncome).toBe('18000.00');
    expect(kept.guarantor?.relationship).toBe('SIBLING');
    expect(kept.collateral?.appraisedValue).toBe('600000.00');
    const text = JSON.stringify(kept);
    expect(findPlaintext(text)).toEqual([]);
    for (const personal of [
      '张伟',
      '李娜',
      '张小明',
      '文三路',
      '杭州某科技',
      '91330106MA2B3C4D5X',
      '青山农业合作社',
      '生猪',
    ])
      expect(text).not.toContain(personal);
  });

  it('leaves a bilingual notice where a document body was', () => {
    const notice = purgedNotice({ zh: '借款合同', en: 'loan contract' }, '2031-03-01T08:00:00.000Z', 5);
    expect(notice).toContain('借款合同正文已于 2031-03-01 按 5 年保存期限销毁');
    expect(notice).toContain('The loan contract text was destroyed on 2031-03-01 after the 5-year retention period');
  });
});
