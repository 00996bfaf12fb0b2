// Reading and writing the loan's own rows: the encrypted application, documents and history.
import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../lib/db-client.js';
import type { Application } from '../domain/validation/application.js';
import type { FieldCipher } from '../security/field-crypto.js';
import { APPLICATION_CONTEXT } from '../security/encryption-contexts.js';

export interface LoanRow {
  id: string;
  borrower_id: string;
  product_code: string;
  status: string;
  application_enc: string;
  created_at: Date;
}

export async function loadLoan(sql: Sql, loanId: string): Promise<LoanRow> {
  const [row] = await sql<
    LoanRow[]
  >`select id, borrower_id, product_code, status, application_enc, created_at from loans where id = ${loanId}`;
  if (!row) throw ApplicationFailure.nonRetryable(`Loan ${loanId} has no database record`, 'LoanMissing');
  return row;
}

export async function loadApplication(sql: Sql, cipher: FieldCipher, loanId: string): Promise<Application> {
  const loan = await loadLoan(sql, loanId);
  return JSON.parse(cipher.decrypt(loan.application_enc, APPLICATION_CONTEXT)) as Application;
}
