// What a staff search text is: a loan id, an ID number, a mobile number or a name. The kind picks
// the one column searched (a blind index for the personal ones), so a name never meets a phone.
import { normalizePhone } from './validation/phone.js';

export type SearchKind = 'loanId' | 'idNumber' | 'phone' | 'name';

export type SearchQuery = { kind: SearchKind; value: string } | { kind: 'invalid' };

const LOAN_ID = /^loan-\d{8}-[0-9a-f]{10}$/i;
const ID_NUMBER = /^\d{17}[\dX]$/;
/** Chinese names (with a middle dot for minority names) or Latin-script names. */
const NAME = /^[\p{Script=Han}·•.\p{L}' -]{2,30}$/u;

export function classifySearch(text: string): SearchQuery {
  const value = text.normalize('NFKC').trim();
  if (LOAN_ID.test(value)) return { kind: 'loanId', value: value.toLowerCase() };
  const compact = value.replace(/[\s-]/g, '').toUpperCase();
  if (ID_NUMBER.test(compact)) return { kind: 'idNumber', value: compact };
  const phone = normalizePhone(value);
  if (phone) return { kind: 'phone', value: phone };
  if (NAME.test(value) && /\p{L}/u.test(value)) return { kind: 'name', value: value.replace(/\s+/g, ' ') };
  return { kind: 'invalid' };
}
