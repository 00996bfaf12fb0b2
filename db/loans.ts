import { randomBytes } from 'node:crypto';
import type { Application } from '../domain/validation/application.js';
import type { LoanProduct } from '../domain/products.js';
import { APPLICATION_CONTEXT } from '../security/encryption-contexts.js';
import type { FieldCipher } from '../security/field-crypto.js';
import type { Sql } from '../lib/db-client.js';

export const CONSENT_TEXT_VERSION = 'consent-2026-01';

/** Loan ids are the workflow ids: short, unguessable, sortable by day. */
export function newLoanId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `loan-${day}-${randomBytes(5).toString('hex')}`;
}

export interface NewLoan {
  loanId: string;
  borrowerId: string;
  createdBy: string;
  channel: 'ONLINE' | 'OFFLINE';
  product: LoanProduct;
  application: Application;
  annualRate: string;
  idempotencyKey?: string;
  /** sha256 of the canonical JSON of the request body, kept with the key. */
  idempotencyBodySha256?: string;
  sourceIp?: string;
  /** The view fields the loan's workflow starts with (loans.view_fields); its events update them. */
  viewFields: Record<string, unknown>;
}

export type InsertLoanResult =
  | { kind: 'CREATED'; loanId: string }
  | { kind: 'REPLAYED'; loanId: string; status: string }
  /** The key was used before with another body. */
  | { kind: 'KEY_REUSED'; loanId: string }
  | { kind: 'IN_FLIGHT'; loanId: string };

/**
 * Stores an application and its consents in one transaction. A repeated idempotency key
 * with the same body returns the loan it created, with another body is refused; a second
 * application in flight for the borrower is refused.
 */
export async function insertLoanApplication(sql: Sql, cipher: FieldCipher, loan: NewLoan): Promise<InsertLoanResult> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${loan.borrowerId}))`;
    if (loan.idempotencyKey) {
      const [same] = await tx<{ id: string; status: string; idempotency_body_sha256: string | null }[]>`
        select id, status, idempotency_body_sha256 from loans
        where created_by = ${loan.createdBy} and idempotency_key = ${loan.idempotencyKey}`;
      if (same && same.idempotency_body_sha256 !== null && same.idempotency_body_sha256 !== loan.idempotencyBodySha256)
        return { kind: 'KEY_REUSED', loanId: same.id } as const;
      if (same) return { kind: 'REPLAYED', loanId: same.id, status: same.status } as const;
    }
    const [inFlight] = await tx<{ id: string }[]>`
      select id from loans where borrower_id = ${loan.borrowerId}
      and status in ('AWAITING_DOCUMENTS', 'ASSESSING', 'INITIAL_REVIEW', 'FINAL_REVIEW', 'AWAITING_SIGNATURE', 'DISBURSING')`;
    if (inFlight) return { kind: 'IN_FLIGHT', loanId: inFlight.id } as const;

    const a = loan.application;
    await tx`
      insert into loans (id, borrower_id, loan_type, product_code, amount, term_count, method, frequency, annual_rate,
                         channel, created_by, status, application_enc, idempotency_key, idempotency_body_sha256, view_fields)
      values (${loan.loanId}, ${loan.borrowerId}, ${a.loanType}, ${loan.product.code}, ${a.amount}, ${a.termCount}, ${a.method},
              ${a.frequency}, ${loan.annualRate}, ${loan.channel}, ${loan.createdBy}, 'AWAITING_DOCUMENTS',
              ${cipher.encrypt(JSON.stringify(a), APPLICATION_CONTEXT)}, ${loan.idempotencyKey ?? null},
              ${loan.idempotencyKey ? (loan.idempotencyBodySha256 ?? null) : null}, ${tx.json(loan.viewFields as never)})`;
    const version = a.consent.textVersion ?? CONSENT_TEXT_VERSION;
    for (const kind of ['CREDIT_QUERY', 'DATA_PROCESSING', 'CREDIT_REPORTING'] as const) {
      await tx`
        insert into consents (loan_id, user_id, kind, text_version, source_ip)
        values (${loan.loanId}, ${loan.borrowerId}, ${kind}, ${version}, ${loan.sourceIp ?? null})`;
    }
    return { kind: 'CREATED', loanId: loan.loanId } as const;
  });
}
