import { describe, expect, it } from 'vitest';
import { defaultProductFor, defaultProducts } from '../../../domain/default-products.js';
import { validateProduct, type LoanProduct } from '../../../domain/products.js';
import { LOAN_TYPES } from '../../../domain/types.js';

const clone = (product: LoanProduct): Record<string, unknown> =>
  JSON.parse(JSON.stringify(product)) as Record<string, unknown>;
const codesOf = (input: unknown) => {
  const result = validateProduct(input);
  return result.ok ? [] : result.problems.map((p) => `${p.field}:${p.code}`);
};

describe('default products', () => {
  it('has one product per loan type, in LOAN_TYPES order', () => {
    expect(defaultProducts().map((p) => p.loanType)).toEqual([...LOAN_TYPES]);
    expect(new Set(defaultProducts().map((p) => p.code)).size).toBe(6);
  });

  it.each(LOAN_TYPES)('the %s default passes its own validation unchanged', (loanType) => {
    const product = defaultProductFor(loanType);
    expect(validateProduct(clone(product))).toEqual({ ok: true, value: product });
  });

  it('carries the agreed defaults', () => {
    for (const product of defaultProducts()) {
      expect(product.aprCap).toBe('0.2400');
      expect(product.penalty.penaltyMarkup).toBe('0.5000');
      expect(product.minAge).toBe(18);
      expect(product.maxAge).toBe(65);
      expect(product.escalation).toEqual([
        { daysPastDue: 1, action: 'SMS' },
        { daysPastDue: 3, action: 'COLLECTOR_CALL' },
        { daysPastDue: 15, action: 'SUPERVISOR' },
        { daysPastDue: 30, action: 'LEGAL' },
        { daysPastDue: 90, action: 'WRITE_OFF_REVIEW' },
      ]);
      expect(product.requiredDocuments).toEqual(
        expect.arrayContaining(['ID_FRONT', 'ID_BACK', 'INCOME_PROOF', 'BANK_STATEMENT']),
      );
      expect(product.approvalAuthority.finalApprovers.map((a) => a.role)).toEqual(['FINAL_REVIEWER', 'RISK_MANAGER']);
    }
    expect(defaultProductFor('INDIVIDUAL_BUSINESS').requiredDocuments).toContain('BUSINESS_LICENSE');
    expect(defaultProductFor('FARMER').requiredDocuments).toContain('LAND_CERTIFICATE');
    expect(defaultProductFor('COLLATERAL').requiredDocuments).toContain('COLLATERAL_CERTIFICATE');
    expect(defaultProductFor('GUARANTEED').requiredDocuments).toContain('GUARANTOR_ID');
    expect(defaultProductFor('COLLATERAL').maxLtv).toBe('0.7000');
  });

  it('hands out fresh objects so callers cannot change each other’s defaults', () => {
    const a = defaultProductFor('CREDIT');
    a.fees.push({ kind: 'UPFRONT', amount: '1.00' });
    a.escalation.pop();
    expect(defaultProductFor('CREDIT').fees).toHaveLength(1);
    expect(defaultProductFor('CREDIT').escalation).toHaveLength(5);
  });
});

describe('validateProduct', () => {
  const base = () => clone(defaultProductFor('PERSONAL_CONSUMER'));

  it('rejects inverted ranges', () => {
    expect(codesOf({ ...base(), minAmount: '300000.00' })).toEqual(['minAmount:MIN_ABOVE_MAX']);
    expect(codesOf({ ...base(), minTerm: 40 })).toEqual(['minTerm:MIN_ABOVE_MAX']);
    expect(codesOf({ ...base(), minRate: '0.2000' })).toEqual(['minRate:MIN_ABOVE_MAX']);
    expect(codesOf({ ...base(), minAge: 70, maxAge: 60 })).toEqual(['minAge:MIN_ABOVE_MAX']);
  });

  it('keeps rates sane: default within range, nothing above the APR cap, cap at most 36%', () => {
    expect(codesOf({ ...base(), defaultRate: '0.0500' })).toEqual(['defaultRate:OUT_OF_RANGE']);
    expect(codesOf({ ...base(), maxRate: '0.2500' })).toEqual(['maxRate:RATE_ABOVE_MAX']);
    expect(codesOf({ ...base(), aprCap: '0.4000' })).toEqual(['aprCap:RATE_ABOVE_MAX']);
    expect(codesOf({ ...base(), minRate: '0' })).toEqual(['minRate:RATE_NOT_POSITIVE']);
    expect(
      codesOf({
        ...base(),
        penalty: { penaltyMarkup: '0.8', lateFee: { kind: 'FLAT', value: '20.00' }, graceDays: 3 },
      }),
    ).toEqual(['penalty.penaltyMarkup:RATE_ABOVE_MAX']);
  });

  it('requires the documents of the loan type', () => {
    const business = clone(defaultProductFor('INDIVIDUAL_BUSINESS'));
    expect(codesOf({ ...business, requiredDocuments: ['ID_FRONT', 'ID_BACK'] })).toEqual([
      'requiredDocuments:MISSING_REQUIRED_DOCUMENTS',
    ]);
    expect(codesOf({ ...base(), requiredDocuments: ['ID_FRONT', 'ID_FRONT', 'ID_BACK'] })).toEqual([
      'requiredDocuments:DUPLICATE_VALUES',
    ]);
  });

  it('requires someone able to approve the product maximum', () => {
    const approvalAuthority = {
      initialReviewerRoles: ['INITIAL_REVIEWER'],
      finalApprovers: [{ role: 'FINAL_REVIEWER', maxAmount: '100000.00' }],
    };
    expect(codesOf({ ...base(), approvalAuthority })).toEqual([
      'approvalAuthority.finalApprovers:NO_APPROVER_FOR_MAX_AMOUNT',
    ]);
    const borrower = {
      initialReviewerRoles: ['BORROWER'],
      finalApprovers: [{ role: 'RISK_MANAGER', maxAmount: null }],
    };
    expect(codesOf({ ...base(), approvalAuthority: borrower })).toEqual([
      'approvalAuthority.initialReviewerRoles.0:INVALID_VALUE',
    ]);
  });

  it('checks escalation order, allocation order, auto-decision grades and collateral LTV', () => {
    expect(
      codesOf({
        ...base(),
        escalation: [
          { daysPastDue: 3, action: 'SMS' },
          { daysPastDue: 3, action: 'LEGAL' },
        ],
      }),
    ).toEqual(['escalation:NOT_ASCENDING']);
    expect(codesOf({ ...base(), allocationOrder: ['PENALTY', 'INTEREST', 'PRINCIPAL'] })).toEqual([
      'allocationOrder:INCOMPLETE_ORDER',
    ]);
    expect(
      codesOf({
        ...base(),
        autoDecision: { enabled: true, maxAmount: '1000.00', minScore: 700, allowedGrades: ['A', 'E'] },
      }),
    ).toEqual(['autoDecision.allowedGrades:GRADE_NOT_ALLOWED']);
    expect(codesOf({ ...clone(defaultProductFor('COLLATERAL')), maxLtv: null })).toEqual(['maxLtv:REQUIRED']);
  });

  it('normalizes reminder days largest first', () => {
    const result = validateProduct({ ...base(), reminderDaysBeforeDue: [1, 7, 3] });
    expect(result.ok && result.value.reminderDaysBeforeDue).toEqual([7, 3, 1]);
  });

  it('collects every problem of a bad product', () => {
    const codes = codesOf({ code: 'bad code', loanType: 'PAYDAY', name: { zh: '' }, fees: 'none' });
    expect(codes).toEqual(
      expect.arrayContaining([
        'code:INVALID_PRODUCT_CODE',
        'loanType:INVALID_VALUE',
        'name.zh:REQUIRED',
        'name.en:REQUIRED',
        'minAmount:REQUIRED',
        'fees:NOT_AN_ARRAY',
        'penalty:REQUIRED',
        'overpayment:REQUIRED',
      ]),
    );
    expect(codes.length).toBeGreaterThan(20);
    expect(codesOf('product')).toEqual(['(body):NOT_AN_OBJECT']);
  });
});
