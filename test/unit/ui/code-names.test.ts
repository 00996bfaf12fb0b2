// Every code the staff UI shows has a name in both languages in the one dictionary (ui/i18n.ts),
// so no raw enum code reaches Chinese or English text.
import { describe, expect, it } from 'vitest';
import { INDUSTRY_CODES } from '../../../domain/industries.js';
import { DOCUMENT_TYPES, LOAN_TYPES, ROLES } from '../../../domain/types.js';
import { COLLATERAL_TYPES, GUARANTOR_RELATIONSHIPS } from '../../../domain/validation/application.js';
import { roleList } from '../../../domain/labels.js';
import { DICTIONARY } from '../../../ui/i18n.js';

const CODES: Record<string, readonly string[]> = {
  role: ROLES,
  doc: DOCUMENT_TYPES,
  loanType: LOAN_TYPES,
  collateral: COLLATERAL_TYPES,
  relationship: GUARANTOR_RELATIONSHIPS,
  industry: INDUSTRY_CODES,
  element: ['cardNumber', 'name', 'idNumber', 'phone'],
};

describe('code names in the UI dictionary', () => {
  for (const [prefix, codes] of Object.entries(CODES)) {
    it(`names every ${prefix} code in Chinese and English`, () => {
      for (const code of codes) {
        const entry = DICTIONARY[`${prefix}.${code}`];
        expect(entry, `${prefix}.${code}`).toBeDefined();
        expect(entry!.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(entry!.zh).not.toContain(code);
        expect(entry!.en.length).toBeGreaterThan(0);
      }
    });
  }

  it('joins role names for a sentence without their codes', () => {
    expect(roleList(['RISK_MANAGER', 'ADMIN'])).toEqual({
      zh: '风控经理、管理员',
      en: 'Risk manager or Administrator',
    });
  });
});
