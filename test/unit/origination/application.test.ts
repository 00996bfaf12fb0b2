import { describe, expect, it } from 'vitest';
import { defaultProductFor } from '../../../domain/default-products.js';
import { LOAN_TYPES, type LoanType } from '../../../domain/types.js';
import { applicantAgeOn, validateApplication } from '../../../domain/validation/application.js';
import { APPLICANT_ID, applicationInput, CARD, makeId, TODAY } from './fixtures.js';

function problemsOf(loanType: LoanType, input: unknown) {
  const result = validateApplication(input, defaultProductFor(loanType), TODAY);
  return result.ok ? [] : result.problems;
}
const fieldsAndCodes = (loanType: LoanType, input: unknown) =>
  problemsOf(loanType, input).map((p) => `${p.field}:${p.code}`);

describe('validateApplication: a complete application of each loan type', () => {
  it.each(LOAN_TYPES)('%s passes and is normalized', (loanType) => {
    const result = validateApplication(applicationInput(loanType), defaultProductFor(loanType), TODAY);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    expect(result.value.applicant.phone).toBe('13800138000');
    expect(result.value.applicant.idNumber).toBe(APPLICANT_ID);
    expect(result.value.bankAccount.cardNumber).toBe(CARD);
    expect(result.value.frequency).toBe('MONTHLY');
    expect(result.value.consent).toEqual({
      creditQuery: true,
      dataProcessing: true,
      creditReporting: true,
      textVersion: 'v2026.1',
    });
  });

  it('keeps only the section the loan type uses', () => {
    const input = { ...applicationInput('PERSONAL_CONSUMER'), business: { licenseNumber: 'x' }, guarantor: {} };
    const result = validateApplication(input, defaultProductFor('PERSONAL_CONSUMER'), TODAY);
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.keys(result.value)).not.toContain('business');
  });

  it('normalizes farm and collateral figures', () => {
    const farm = validateApplication(applicationInput('FARMER'), defaultProductFor('FARMER'), TODAY);
    expect(farm.ok && farm.value.farm).toEqual({
      landAreaMu: '25.00',
      crops: ['玉米', '大豆'],
      livestock: '生猪20头',
      cooperative: '红旗农民专业合作社',
    });
    const collateral = validateApplication(applicationInput('COLLATERAL'), defaultProductFor('COLLATERAL'), TODAY);
    expect(collateral.ok && collateral.value.collateral?.existingLiens).toBe('0.00');
  });
});

describe('validateApplication: per-type required data', () => {
  it.each([
    ['INDIVIDUAL_BUSINESS', 'business'],
    ['FARMER', 'farm'],
    ['COLLATERAL', 'collateral'],
    ['GUARANTEED', 'guarantor'],
  ] as const)('%s without %s is rejected', (loanType, section) => {
    const input = applicationInput(loanType);
    delete input[section];
    expect(fieldsAndCodes(loanType, input)).toEqual([`${section}:REQUIRED`]);
  });

  it.each(['PERSONAL_CONSUMER', 'CREDIT'] as const)('%s needs no extra section', (loanType) => {
    expect(fieldsAndCodes(loanType, applicationInput(loanType))).toEqual([]);
  });

  it('checks the business section', () => {
    const input = applicationInput('INDIVIDUAL_BUSINESS', {
      business: { licenseNumber: '92110105MA01ABCD24', industry: 'GAMBLING', monthlyRevenue: '-1' },
    });
    expect(fieldsAndCodes('INDIVIDUAL_BUSINESS', input)).toEqual([
      'business.licenseNumber:INVALID_LICENSE_CHECKSUM',
      'business.industry:INVALID_VALUE',
      'business.monthlyRevenue:INVALID_AMOUNT_FORMAT',
    ]);
  });

  it('checks the farm section', () => {
    const input = applicationInput('FARMER', { farm: { landAreaMu: '0', crops: ['玉米', 3] } });
    expect(fieldsAndCodes('FARMER', input)).toEqual(['farm.landAreaMu:INVALID_LAND_AREA', 'farm.crops.1:NOT_A_STRING']);
    const noActivity = applicationInput('FARMER', { farm: { landAreaMu: '3.5', crops: [] } });
    expect(fieldsAndCodes('FARMER', noActivity)).toEqual(['farm.crops:NO_FARMING_ACTIVITY']);
    const livestockOnly = applicationInput('FARMER', { farm: { landAreaMu: '3.5', crops: [], livestock: '肉牛10头' } });
    expect(fieldsAndCodes('FARMER', livestockOnly)).toEqual([]);
  });

  it('checks the collateral section, including liens that exhaust the value', () => {
    const input = applicationInput('COLLATERAL', {
      collateral: { type: 'YACHT', description: '', appraisedValue: '0.00', existingLiens: '1.00' },
    });
    expect(fieldsAndCodes('COLLATERAL', input)).toEqual([
      'collateral.type:INVALID_VALUE',
      'collateral.description:REQUIRED',
      'collateral.appraisedValue:AMOUNT_NOT_POSITIVE',
    ]);
    const underwater = applicationInput('COLLATERAL', {
      collateral: { type: 'VEHICLE', description: '京A12345', appraisedValue: '100000.00', existingLiens: '100000.00' },
    });
    expect(fieldsAndCodes('COLLATERAL', underwater)).toEqual(['collateral.existingLiens:NO_EQUITY']);
  });

  it('requires a valid, adult guarantor who is not the applicant', () => {
    const bad = applicationInput('GUARANTEED', {
      guarantor: {
        name: '李强',
        idNumber: '440304198506151230',
        phone: '12345',
        monthlyIncome: '20000.00',
        relationship: 'FRIEND',
      },
    });
    expect(fieldsAndCodes('GUARANTEED', bad)).toEqual([
      'guarantor.idNumber:INVALID_CHECKSUM',
      'guarantor.phone:INVALID_PHONE',
    ]);

    const self = applicationInput('GUARANTEED', {
      guarantor: {
        name: '王小明',
        idNumber: APPLICANT_ID.toLowerCase(),
        phone: '13912345678',
        monthlyIncome: '15000.00',
        relationship: 'OTHER',
      },
    });
    expect(fieldsAndCodes('GUARANTEED', self)).toEqual(['guarantor.idNumber:GUARANTOR_IS_APPLICANT']);

    const minor = applicationInput('GUARANTEED', {
      guarantor: {
        name: '李小强',
        idNumber: makeId('440304', '20100101', '123'),
        phone: '13912345678',
        monthlyIncome: '1000.00',
        relationship: 'CHILD',
      },
    });
    expect(fieldsAndCodes('GUARANTEED', minor)).toEqual(['guarantor.idNumber:GUARANTOR_UNDERAGE']);
  });
});

describe('validateApplication: product limits and consent', () => {
  it('keeps the amount within the product limits', () => {
    expect(fieldsAndCodes('PERSONAL_CONSUMER', applicationInput('PERSONAL_CONSUMER', { amount: '999.99' }))).toEqual([
      'amount:AMOUNT_BELOW_MIN',
    ]);
    expect(fieldsAndCodes('PERSONAL_CONSUMER', applicationInput('PERSONAL_CONSUMER', { amount: '200000.01' }))).toEqual(
      ['amount:AMOUNT_ABOVE_MAX'],
    );
    expect(fieldsAndCodes('PERSONAL_CONSUMER', applicationInput('PERSONAL_CONSUMER', { amount: '200000.00' }))).toEqual(
      [],
    );
  });

  it('keeps the term, method and frequency to what the product offers', () => {
    expect(fieldsAndCodes('PERSONAL_CONSUMER', applicationInput('PERSONAL_CONSUMER', { termCount: 2 }))).toEqual([
      'termCount:TERM_OUT_OF_RANGE',
    ]);
    expect(fieldsAndCodes('PERSONAL_CONSUMER', applicationInput('PERSONAL_CONSUMER', { termCount: 37 }))).toEqual([
      'termCount:TERM_OUT_OF_RANGE',
    ]);
    expect(fieldsAndCodes('PERSONAL_CONSUMER', applicationInput('PERSONAL_CONSUMER', { termCount: 12.5 }))).toEqual([
      'termCount:NOT_AN_INTEGER',
    ]);
    expect(fieldsAndCodes('PERSONAL_CONSUMER', applicationInput('PERSONAL_CONSUMER', { method: 'BULLET' }))).toEqual([
      'method:METHOD_NOT_OFFERED',
    ]);
    expect(fieldsAndCodes('PERSONAL_CONSUMER', applicationInput('PERSONAL_CONSUMER', { frequency: 'WEEKLY' }))).toEqual(
      ['frequency:INVALID_VALUE'],
    );
    expect(fieldsAndCodes('FARMER', applicationInput('FARMER', { method: 'BULLET' }))).toEqual([]);
  });

  it('rejects a loan type that does not match the product', () => {
    expect(fieldsAndCodes('CREDIT', applicationInput('PERSONAL_CONSUMER'))).toEqual(['loanType:PRODUCT_MISMATCH']);
  });

  it('requires every consent to be exactly true', () => {
    const input = applicationInput('CREDIT', { consent: { creditQuery: 'yes', dataProcessing: false } });
    expect(fieldsAndCodes('CREDIT', input)).toEqual([
      'consent.creditQuery:CONSENT_REQUIRED',
      'consent.dataProcessing:CONSENT_REQUIRED',
      'consent.creditReporting:CONSENT_REQUIRED',
    ]);
  });

  it('requires the applicant to be within the product age limits on today', () => {
    const young = {
      ...(applicationInput('CREDIT').applicant as object),
      idNumber: makeId('110105', '20080616', '001'),
    };
    expect(fieldsAndCodes('CREDIT', applicationInput('CREDIT', { applicant: young }))).toEqual([
      'applicant.idNumber:AGE_OUT_OF_RANGE',
    ]);
    const justEighteen = { ...young, idNumber: makeId('110105', '20080615', '001') };
    expect(fieldsAndCodes('CREDIT', applicationInput('CREDIT', { applicant: justEighteen }))).toEqual([]);
    const sixtyFive = { ...young, idNumber: makeId('110105', '19600616', '001') };
    expect(fieldsAndCodes('CREDIT', applicationInput('CREDIT', { applicant: sixtyFive }))).toEqual([]);
    const sixtySix = { ...young, idNumber: makeId('110105', '19600615', '001') };
    expect(fieldsAndCodes('CREDIT', applicationInput('CREDIT', { applicant: sixtySix }))).toEqual([
      'applicant.idNumber:AGE_OUT_OF_RANGE',
    ]);
  });

  it('collects every problem, not just the first', () => {
    const input = {
      loanType: 'GUARANTEED',
      amount: '1.234',
      termCount: 100,
      method: 'BULLET',
      purpose: '',
      applicant: { name: '', idNumber: '110105199902300010', phone: '123', monthlyIncome: 'lots' },
      bankAccount: { cardNumber: '4111111111111112', bankName: '' },
      consent: { creditQuery: false, dataProcessing: false },
    };
    expect(fieldsAndCodes('GUARANTEED', input)).toEqual([
      'amount:INVALID_AMOUNT_FORMAT',
      'termCount:TERM_OUT_OF_RANGE',
      'method:METHOD_NOT_OFFERED',
      'purpose:REQUIRED',
      'applicant.name:REQUIRED',
      'applicant.idNumber:INVALID_BIRTH_DATE',
      'applicant.idNumber:INVALID_CHECKSUM',
      'applicant.phone:INVALID_PHONE',
      'applicant.monthlyIncome:INVALID_AMOUNT_FORMAT',
      'bankAccount.cardNumber:INVALID_CARD_CHECKSUM',
      'bankAccount.bankName:REQUIRED',
      'consent.creditQuery:CONSENT_REQUIRED',
      'consent.dataProcessing:CONSENT_REQUIRED',
      'consent.creditReporting:CONSENT_REQUIRED',
      'guarantor:REQUIRED',
    ]);
    for (const p of problemsOf('GUARANTEED', input)) {
      expect(p.message.zh.length).toBeGreaterThan(0);
      expect(p.message.en.length).toBeGreaterThan(0);
    }
  });

  it('rejects a body that is not an object', () => {
    expect(fieldsAndCodes('CREDIT', null)).toEqual(['(body):NOT_AN_OBJECT']);
    expect(fieldsAndCodes('CREDIT', [])).toEqual(['(body):NOT_AN_OBJECT']);
  });

  it('applicantAgeOn reads the age from the ID number', () => {
    const result = validateApplication(applicationInput('CREDIT'), defaultProductFor('CREDIT'), TODAY);
    expect(result.ok && applicantAgeOn(result.value, TODAY)).toBe(36);
  });
});
