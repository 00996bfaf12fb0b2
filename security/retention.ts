// Retention of personal data. Customer identification data and transaction records are kept at
// least five years after the business relationship ends (PBoC anti-money-laundering rules on
// keeping customer identity data and transaction records); we read that as five years after the
// loan closes, the default of RETENTION_YEARS. After it, a loan's application, documents, contract,
// settlement certificate and repayment schedule confirmation bodies are removed; the ledger,
// repayments and the audit log stay, and none of them holds personal data in clear. Every purge
// is written to the audit log.
import { ConfigError } from '../config/index.js';
import type { Sql } from '../lib/db-client.js';
import type { Application } from '../domain/validation/application.js';
import {
  APPLICATION_CONTEXT,
  CERTIFICATE_CONTEXT,
  CONTRACT_CONTEXT,
  SCHEDULE_CONFIRMATION_CONTEXT,
} from './encryption-contexts.js';
import { recordAudit } from './audit.js';
import type { FieldCipher } from './field-crypto.js';

export const DEFAULT_RETENTION_YEARS = 5;
const CLOSED_STATUSES = ['REJECTED', 'WITHDRAWN', 'EXPIRED', 'PAID_OFF', 'WRITTEN_OFF', 'CANCELLED'] as const;

export function retentionYears(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RETENTION_YEARS?.trim();
  if (!raw) return DEFAULT_RETENTION_YEARS;
  const years = Number(raw);
  if (!Number.isInteger(years) || years < 1 || years > 50)
    throw new ConfigError('RETENTION_YEARS', `must be a whole number of years from 1 to 50, got "${raw.slice(0, 20)}"`);
  return years;
}

/** The instant `years` calendar years before `now`: loans closed before it are due. */
export function retentionCutoff(now: Date, years: number): Date {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - years);
  return cutoff;
}

/** What is kept of an application: the terms and amounts, nothing that identifies a person. */
export function redactApplication(a: Application, purgedAt: string): Application & { purgedAt: string } {
  return {
    loanType: a.loanType,
    amount: a.amount,
    termCount: a.termCount,
    method: a.method,
    frequency: a.frequency,
    purpose: '',
    applicant: { name: '', idNumber: '', phone: '', monthlyIncome: a.applicant.monthlyIncome },
    bankAccount: { cardNumber: '', bankName: a.bankAccount.bankName },
    consent: a.consent,
    ...(a.business ? { business: { ...a.business, licenseNumber: '' } } : {}),
    ...(a.farm ? { farm: { landAreaMu: a.farm.landAreaMu, crops: a.farm.crops } } : {}),
    ...(a.collateral ? { collateral: { ...a.collateral, description: '' } } : {}),
    ...(a.guarantor
      ? {
          guarantor: {
            name: '',
            idNumber: '',
            phone: '',
            monthlyIncome: a.guarantor.monthlyIncome,
            relationship: a.guarantor.relationship,
          },
        }
      : {}),
    purgedAt,
  };
}

export function purgedNotice(what: { zh: string; en: string }, purgedAt: string, years: number): string {
  return `<!doctype html><meta charset="utf-8"><p>${what.zh}正文已于 ${purgedAt.slice(0, 10)} 按 ${years} 年保存期限销毁。</p><p>The ${what.en} text was destroyed on ${purgedAt.slice(0, 10)} after the ${years}-year retention period.</p>`;
}

export interface PurgedLoan {
  loanId: string;
  closedAt: string;
  documents: number;
  contracts: number;
  certificate: boolean;
  scheduleConfirmation: boolean;
}

export interface RetentionRun {
  cutoff: string;
  years: number;
  purged: PurgedLoan[];
  /** Loans past the cutoff left for the next run because of `limit`. */
  remaining: number;
}

/**
 * Purges every loan closed before the cutoff whose personal data is still there, each in its
 * own transaction with its audit row. With `dryRun`, only says which loans it would purge.
 */
export async function purgeExpiredPersonalData(
  sql: Sql,
  cipher: FieldCipher,
  options: { now: Date; years: number; dryRun?: boolean; limit?: number },
): Promise<RetentionRun> {
  const cutoff = retentionCutoff(options.now, options.years);
  const limit = options.limit ?? 1000;
  const due = await sql<{ id: string; closed_at: Date }[]>`
    select id, closed_at from loans
    where closed_at < ${cutoff} and pii_purged_at is null and status in ${sql(CLOSED_STATUSES)}
    order by closed_at limit ${limit + 1}`;
  const batch = due.slice(0, limit);
  const run: RetentionRun = {
    cutoff: cutoff.toISOString(),
    years: options.years,
    purged: [],
    remaining: due.length - batch.length,
  };
  if (options.dryRun) {
    run.purged = batch.map((l) => ({
      loanId: l.id,
      closedAt: l.closed_at.toISOString(),
      documents: 0,
      contracts: 0,
      certificate: false,
      scheduleConfirmation: false,
    }));
    return run;
  }
  const purgedAt = options.now.toISOString();
  for (const loan of batch) {
    const done = await sql.begin(async (tx) => {
      const [row] = await tx<
        { application_enc: string }[]
      >`select application_enc from loans where id = ${loan.id} and pii_purged_at is null for update`;
      if (!row) return null;
      const application = JSON.parse(cipher.decrypt(row.application_enc, APPLICATION_CONTEXT)) as Application;
      await tx`update loans set application_enc = ${cipher.encrypt(JSON.stringify(redactApplication(application, purgedAt)), APPLICATION_CONTEXT)},
                                pii_purged_at = ${options.now} where id = ${loan.id}`;
      const documents = await tx<
        { id: string; type: string; sha256: string }[]
      >`delete from documents where loan_id = ${loan.id} returning id, type, sha256`;
      const contracts = await tx`
        update contracts set html_enc = ${cipher.encrypt(purgedNotice({ zh: '借款合同', en: 'loan contract' }, purgedAt, options.years), CONTRACT_CONTEXT)}
        where loan_id = ${loan.id} returning version`;
      const certificates = await tx`
        update settlement_certificates set html_enc = ${cipher.encrypt(purgedNotice({ zh: '结清证明', en: 'settlement certificate' }, purgedAt, options.years), CERTIFICATE_CONTEXT)}
        where loan_id = ${loan.id} returning loan_id`;
      const confirmations = await tx`
        update schedule_confirmations set html_enc = ${cipher.encrypt(purgedNotice({ zh: '还款计划确认书', en: 'repayment schedule confirmation' }, purgedAt, options.years), SCHEDULE_CONFIRMATION_CONTEXT)}
        where loan_id = ${loan.id} returning loan_id`;
      const result: PurgedLoan = {
        loanId: loan.id,
        closedAt: loan.closed_at.toISOString(),
        documents: documents.length,
        contracts: contracts.length,
        certificate: certificates.length > 0,
        scheduleConfirmation: confirmations.length > 0,
      };
      await recordAudit(tx, {
        action: 'PII_PURGED',
        result: 'SUCCESS',
        actorRole: 'SYSTEM',
        resourceType: 'loan',
        resourceId: loan.id,
        loanId: loan.id,
        detail: {
          retentionYears: options.years,
          closedAt: result.closedAt,
          documents: documents.map((d) => ({ id: d.id, type: d.type, sha256: d.sha256 })),
          contractVersions: contracts.length,
          certificate: result.certificate,
          scheduleConfirmation: result.scheduleConfirmation,
        },
        at: options.now,
      });
      return result;
    });
    if (done) run.purged.push(done);
  }
  return run;
}
