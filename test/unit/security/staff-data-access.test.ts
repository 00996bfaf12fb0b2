// Who may unmask which fields, and what a staff search text is looked up as.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusedFields, UNMASKABLE_FIELDS, unmaskableFields } from '../../../domain/unmasking.js';
import { classifySearch } from '../../../domain/staff-search-query.js';
import { ROLES } from '../../../domain/types.js';
import { can } from '../../../security/permissions.js';
import { idNumberCheckChar } from '../../../domain/validation/id-number.js';

describe('audited unmasking: fields by role', () => {
  it('reviewers may see name, ID number and phone; collectors the phone only', () => {
    expect(unmaskableFields('INITIAL_REVIEWER')).toEqual(['name', 'idNumber', 'phone']);
    expect(unmaskableFields('FINAL_REVIEWER')).toEqual(['name', 'idNumber', 'phone']);
    expect(unmaskableFields('COLLECTOR')).toEqual(['phone']);
    expect(refusedFields('COLLECTOR', ['phone', 'idNumber', 'name'])).toEqual(['idNumber', 'name']);
    expect(refusedFields('INITIAL_REVIEWER', ['phone', 'idNumber'])).toEqual([]);
  });

  it('every other role may unmask nothing, and only roles with fields hold the permission', () => {
    for (const role of ROLES) {
      const fields = unmaskableFields(role);
      expect(can(role, 'pii:unmask-own')).toBe(fields.length > 0);
      if (fields.length === 0) expect(refusedFields(role, UNMASKABLE_FIELDS)).toEqual([...UNMASKABLE_FIELDS]);
    }
    expect(can('ADMIN', 'borrower:search')).toBe(false);
    expect(can('BORROWER', 'borrower:read')).toBe(false);
  });

  it('refuses exactly what is not allowed, whatever is asked', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROLES), fc.subarray([...UNMASKABLE_FIELDS]), (role, asked) => {
        const refused = refusedFields(role, asked);
        for (const field of asked) expect(refused.includes(field)).toBe(!unmaskableFields(role).includes(field));
      }),
    );
  });
});

describe('staff search: what the text is', () => {
  const first17 = '11010519900101002';
  const idNumber = first17 + idNumberCheckChar(first17);

  it('a loan id, an ID number, a phone, a name', () => {
    expect(classifySearch(' LOAN-20261128-0A1B2C3D4E ')).toEqual({ kind: 'loanId', value: 'loan-20261128-0a1b2c3d4e' });
    expect(classifySearch(idNumber.toLowerCase())).toEqual({ kind: 'idNumber', value: idNumber });
    expect(classifySearch('110105 19900101 0021')).toEqual({ kind: 'idNumber', value: '110105199001010021' });
    expect(classifySearch('+86 138-1234-5678')).toEqual({ kind: 'phone', value: '13812345678' });
    expect(classifySearch('张伟')).toEqual({ kind: 'name', value: '张伟' });
    expect(classifySearch('阿依古丽·买买提')).toEqual({ kind: 'name', value: '阿依古丽·买买提' });
    expect(classifySearch('Li Wei')).toEqual({ kind: 'name', value: 'Li Wei' });
  });

  it('anything else is refused, never searched as a name', () => {
    for (const text of ['12345', '1381234', "'; drop table users; --", '%', '**', '2026-01-01']) {
      expect(classifySearch(text)).toEqual({ kind: 'invalid' });
    }
  });

  it('eleven-digit mobile numbers are phones, never names or ID numbers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 9 }), fc.stringMatching(/^\d{9}$/), (second, rest) => {
        expect(classifySearch(`1${second}${rest}`).kind).toBe('phone');
      }),
    );
  });
});
