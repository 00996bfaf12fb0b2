import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOAN_STATUSES } from '../../../domain/types.js';
import {
  dateWords,
  isWaiting,
  missingNames,
  percent,
  placeErrors,
  setPath,
  statusWords,
  yuan,
} from '../../../ui/assets/m-words.js';

describe('the borrower app’s words', () => {
  it('has plain Chinese words and a hint for every loan status', () => {
    for (const status of LOAN_STATUSES) {
      const { words, hint } = statusWords(status);
      expect(words, status).toMatch(/^[\u4e00-\u9fff，]+$/);
      expect(hint, status).toMatch(/[\u4e00-\u9fff]/);
      // Each status has its own words, not the fallback for a status the app does not know.
      expect(hint, status).not.toBe(statusWords('NO_SUCH_STATUS').hint);
    }
    expect(statusWords('AWAITING_SIGNATURE').words).toBe('审批通过，待签合同');
  });

  it('waits for the statuses that change by themselves, and for documents only once none is missing', () => {
    expect(isWaiting('ASSESSING')).toBe(true);
    expect(isWaiting('DISBURSING')).toBe(true);
    expect(isWaiting('AWAITING_DOCUMENTS', ['ID_FRONT'])).toBe(false);
    expect(isWaiting('AWAITING_DOCUMENTS', [])).toBe(true);
    expect(isWaiting('AWAITING_SIGNATURE')).toBe(false);
    expect(isWaiting('ACTIVE')).toBe(false);
    expect(isWaiting('PAID_OFF')).toBe(false);
  });

  it('formats money strings in yuan without going through floating point', () => {
    expect(yuan('10000.00')).toBe('¥10,000.00');
    expect(yuan('888.5')).toBe('¥888.50');
    expect(yuan('0')).toBe('¥0.00');
    expect(yuan('-1234567.89')).toBe('-¥1,234,567.89');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), (cents) => {
        const text = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
        const shown = yuan(text);
        expect(shown.replace(/[¥,]/g, '')).toBe(text);
        expect(shown).toMatch(/^¥\d{1,3}(,\d{3})*\.\d{2}$/);
      }),
    );
  });

  it('shows rates as percentages to two places, rounding half up', () => {
    expect(percent('0.1825')).toBe('18.25%');
    expect(percent('0.123456')).toBe('12.35%');
    expect(percent('0.123449')).toBe('12.34%');
    expect(percent('0.24')).toBe('24.00%');
    expect(percent('0.005')).toBe('0.50%');
    expect(percent('1')).toBe('100.00%');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), (bp) => {
        const rate = `0.${String(bp).padStart(5, '0')}`;
        // Rounding half up on exact decimals: compare with integer arithmetic.
        const hundredths = Math.floor(bp / 10) + (bp % 10 >= 5 ? 1 : 0);
        expect(percent(rate)).toBe(`${(hundredths / 100).toFixed(2)}%`);
      }),
    );
  });

  it('writes dates the Chinese way', () => {
    expect(dateWords('2027-01-05')).toBe('2027年1月5日');
    expect(dateWords('2026-12-07T08:00:00.000Z')).toBe('2026年12月7日');
    expect(dateWords('someday')).toBe('someday');
  });
});

describe('where the API’s errors are shown', () => {
  const fields = ['amount', 'applicant.idNumber', 'consent.creditQuery', 'business'];

  it('puts each field problem in Chinese next to the field it names', () => {
    const placed = placeErrors(
      {
        error: {
          code: 'VALIDATION_FAILED',
          message: { zh: '请求参数有误', en: 'Invalid request fields' },
          fields: [
            { field: 'applicant.idNumber', code: 'INVALID_CHECKSUM', message: { zh: '身份证号校验位错误', en: 'bad' } },
            { field: 'consent.creditQuery', code: 'REQUIRED', message: { zh: '须同意征信查询', en: 'required' } },
          ],
        },
      },
      fields,
    );
    expect(placed.get('applicant.idNumber')).toEqual(['身份证号校验位错误']);
    expect(placed.get('consent.creditQuery')).toEqual(['须同意征信查询']);
    expect(placed.has('')).toBe(false);
  });

  it('puts a nested field under the section the form has, and a field the form lacks under the form, named', () => {
    const placed = placeErrors(
      {
        error: {
          code: 'VALIDATION_FAILED',
          message: { zh: '请求参数有误', en: 'x' },
          fields: [
            { field: 'business.monthlyRevenue', code: 'X', message: { zh: '金额格式不正确', en: 'x' } },
            { field: 'termCount', code: 'OUT_OF_RANGE', message: { zh: '期数超出范围', en: 'x' } },
          ],
        },
      },
      fields,
    );
    expect(placed.get('business')).toEqual(['金额格式不正确']);
    expect(placed.get('')).toEqual(['termCount：期数超出范围']);
  });

  it('shows an error without fields under the form, in Chinese', () => {
    const placed = placeErrors(
      { error: { code: 'APR_ABOVE_CAP', message: { zh: '年化利率超过上限', en: 'APR above the cap' } } },
      fields,
    );
    expect([...placed]).toEqual([['', ['年化利率超过上限']]]);
    expect(placeErrors(null, fields).get('')).toEqual(['请求失败，请稍后重试']);
  });
});

describe('the application body and the documents', () => {
  it('builds the nested body from dotted names', () => {
    const body = {};
    setPath(body, 'applicant.name', '张伟');
    setPath(body, 'applicant.phone', '13900000000');
    setPath(body, 'amount', '100.00');
    expect(body).toEqual({ applicant: { name: '张伟', phone: '13900000000' }, amount: '100.00' });
  });

  it('names the missing documents in the order the loan asks for them', () => {
    const names = { ID_FRONT: '身份证人像面', BANK_STATEMENT: '银行流水' };
    expect(missingNames({ missingDocuments: ['BANK_STATEMENT', 'ID_FRONT'] }, names)).toEqual([
      '银行流水',
      '身份证人像面',
    ]);
    expect(missingNames({}, names)).toEqual([]);
  });
});
