// A borrower as staff search and the borrower 360 show them: identity always masked (the full
// values only through audited unmasking, api/routes/unmask.ts). Separate from what borrowers see.
import { maskIdNumber, maskName, maskPhone } from '../domain/masking.js';
import { USER_FIELDS } from '../security/encryption-contexts.js';
import type { FieldCipher } from '../security/field-crypto.js';

export interface BorrowerIdentityRow {
  borrower_id: string;
  name_enc: string | null;
  phone_enc: string | null;
  id_number_enc: string | null;
}

export interface MaskedBorrower {
  borrowerId: string;
  name: string | null;
  phone: string | null;
  idNumber: string | null;
}

export function maskedBorrower(cipher: FieldCipher, row: BorrowerIdentityRow): MaskedBorrower {
  const open = (value: string | null, context: string, mask: (s: string) => string) =>
    value ? mask(cipher.decrypt(value, context)) : null;
  return {
    borrowerId: row.borrower_id,
    name: open(row.name_enc, USER_FIELDS.name, maskName),
    phone: open(row.phone_enc, USER_FIELDS.phone, maskPhone),
    idNumber: open(row.id_number_enc, USER_FIELDS.idNumber, maskIdNumber),
  };
}
