// Payout accounts a borrower gives in place of the application's (migration 0019). The account is
// stored encrypted; a verified one replaces the application's bank account in the same transaction
// that records the bank's answer, so payouts and refunds always go to the current verified account.
import type { Sql } from '../lib/db-client.js';
import type { Application, BankAccount } from '../domain/validation/application.js';
import type { FieldCipher } from '../security/field-crypto.js';
import { APPLICATION_CONTEXT } from '../security/encryption-contexts.js';

export interface NewPayoutAccount {
  loanId: string;
  account: Required<BankAccount>;
  requestedBy: string;
  smsVerificationId: string;
  consentTextVersion: string;
}

export async function insertPayoutAccount(sql: Sql, cipher: FieldCipher, account: NewPayoutAccount): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into payout_accounts (loan_id, account_enc, card_last4, requested_by, sms_verification_id, consent_text_version)
    values (${account.loanId}, ${cipher.encrypt(JSON.stringify(account.account), APPLICATION_CONTEXT)},
            ${account.account.cardNumber.slice(-4)}, ${account.requestedBy}, ${account.smsVerificationId},
            ${account.consentTextVersion})
    returning id`;
  return row!.id;
}

export interface StoredPayoutAccount {
  id: string;
  loanId: string;
  account: Required<BankAccount>;
  status: 'PENDING' | 'VERIFIED' | 'MISMATCH';
  mismatched: string[];
}

export async function loadPayoutAccount(
  sql: Sql,
  cipher: FieldCipher,
  loanId: string,
  accountId: string,
): Promise<StoredPayoutAccount | null> {
  const [row] = await sql<
    { id: string; account_enc: string; status: StoredPayoutAccount['status']; mismatched: string[] }[]
  >`
    select id, account_enc, status, mismatched from payout_accounts where id = ${accountId} and loan_id = ${loanId}`;
  if (!row) return null;
  return {
    id: row.id,
    loanId,
    account: JSON.parse(cipher.decrypt(row.account_enc, APPLICATION_CONTEXT)) as Required<BankAccount>,
    status: row.status,
    mismatched: row.mismatched,
  };
}

/**
 * Records the bank's answer for a pending account; a match makes it the application's bank account.
 * Idempotent: an account already answered keeps its first answer.
 */
export async function settlePayoutAccount(
  sql: Sql,
  cipher: FieldCipher,
  stored: StoredPayoutAccount,
  answer: { match: boolean; mismatched: string[] },
): Promise<void> {
  await sql.begin(async (tx) => {
    const [updated] = await tx<{ id: string }[]>`
      update payout_accounts
      set status = ${answer.match ? 'VERIFIED' : 'MISMATCH'}, mismatched = ${tx.json(answer.mismatched)}, checked_at = now()
      where id = ${stored.id} and status = 'PENDING'
      returning id`;
    if (!updated || !answer.match) return;
    const [loan] = await tx<{ application_enc: string }[]>`
      select application_enc from loans where id = ${stored.loanId} for update`;
    const application = JSON.parse(cipher.decrypt(loan!.application_enc, APPLICATION_CONTEXT)) as Application;
    application.bankAccount = stored.account;
    await tx`update loans set application_enc = ${cipher.encrypt(JSON.stringify(application), APPLICATION_CONTEXT)}
             where id = ${stored.loanId}`;
  });
}
