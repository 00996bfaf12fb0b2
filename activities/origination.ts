// Activities of the origination phases: projections, documents, credit data, tasks, contract.
import { ApplicationFailure } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import type { LoanEvent, OriginationActivities, TaskToOpen } from '../contracts/activities.js';
import type { DocumentUploaded } from '../contracts/messages.js';
import type { Offer } from '../contracts/loan-view.js';
import type { LoanProduct } from '../domain/products.js';
import type { BureauReport, InternalHistory, LoanStatus, StatementSummary } from '../domain/types.js';
import { internalHistoryOf } from '../domain/internal-history.js';
import { applicantAgeOn, type Application } from '../domain/validation/application.js';
import { maskCard, maskIdNumber, maskName, maskPhone } from '../domain/masking.js';
import { localDateOf } from '../domain/business-time.js';
import { renderContract } from './contract-rendering.js';
import type { ActivityDeps } from './deps.js';
import { CONTRACT_CONTEXT } from '../security/encryption-contexts.js';
import { loadApplication } from './loan-records.js';
import { storeViewFields } from './view-fields.js';
import { enqueueTimelineWebhooks } from '../db/webhooks.js';

const TERMINAL = new Set(['REJECTED', 'WITHDRAWN', 'EXPIRED', 'PAID_OFF', 'WRITTEN_OFF', 'CANCELLED']);

/** The application as scoring needs it: the same facts with personal identifiers masked. */
function withoutIdentifiers(application: Application): Application {
  return {
    ...application,
    applicant: {
      ...application.applicant,
      name: maskName(application.applicant.name),
      idNumber: maskIdNumber(application.applicant.idNumber),
      phone: maskPhone(application.applicant.phone),
    },
    bankAccount: { ...application.bankAccount, cardNumber: maskCard(application.bankAccount.cardNumber) },
    ...(application.guarantor
      ? {
          guarantor: {
            ...application.guarantor,
            name: maskName(application.guarantor.name),
            idNumber: maskIdNumber(application.guarantor.idNumber),
            phone: maskPhone(application.guarantor.phone),
          },
        }
      : {}),
  };
}

/** The workflow's sequence number of an event, from its key ("<sequence>:<kind>", workflows/context.ts). */
export function eventSequence(eventKey: string): number {
  const seq = Number.parseInt(eventKey, 10);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`Event key without a sequence number: ${eventKey}`);
  return seq;
}

export function createOriginationActivities({ sql, cipher, bureau, config }: ActivityDeps): OriginationActivities {
  return {
    async recordLoanEvent(event: LoanEvent): Promise<void> {
      const p = event.projection;
      await sql.begin(async (tx) => {
        const inserted = await tx`
          insert into loan_events (loan_id, event_key, kind, actor, detail, at)
          values (${event.loanId}, ${event.eventKey}, ${event.kind}, ${event.actor ? `${event.actor.role}:${event.actor.userId}` : null},
                  ${tx.json({ ...event.detail, text: event.text, actor: event.actor ?? null } as never)}, ${event.at})
          on conflict (loan_id, event_key) do nothing
          returning id`;
        if (inserted.length === 0) return;
        // Newer than anything applied: its values win. Older (a late or retried activity): it only
        // fills what is still empty, and leaves the status alone.
        const seq = eventSequence(event.eventKey);
        const newer = tx`${seq}::int > projection_seq`;
        const field = (value: unknown, column: string) =>
          tx`case when ${newer} then coalesce(${value}, ${tx(column)}) else coalesce(${tx(column)}, ${value}) end`;
        await tx`
          update loans set
            status = case when ${newer} then ${event.status} else status end,
            assessment = ${field(p.assessment === undefined ? null : tx.json(p.assessment as never), 'assessment')},
            offer = ${field(p.offer === undefined ? null : tx.json(p.offer as never), 'offer')},
            contract_sha256 = ${field(p.contractSha256 ?? null, 'contract_sha256')},
            initial_reviewer_id = ${field(p.initialReviewerId ?? null, 'initial_reviewer_id')},
            final_reviewer_id = ${field(p.finalReviewerId ?? null, 'final_reviewer_id')},
            decided_at = case when ${event.status} in ('AWAITING_SIGNATURE', 'REJECTED') and decided_at is null then ${event.at}::timestamptz else decided_at end,
            closed_at = case when ${TERMINAL.has(event.status)} then coalesce(closed_at, ${event.at}::timestamptz) else closed_at end,
            projection_seq = greatest(projection_seq, ${seq}::int),
            updated_at = now()
          where id = ${event.loanId}`;
        await storeViewFields(tx, event.loanId, event);
        await enqueueTimelineWebhooks(
          tx,
          event.loanId,
          event.eventKey,
          { kind: event.kind, status: event.status, detail: event.detail },
          event.at,
        );
      });
    },

    async listDocuments(loanId: string): Promise<Array<DocumentUploaded & { receivedAt: string }>> {
      const rows = await sql<{ id: string; type: DocumentUploaded['type']; sha256: string; created_at: Date }[]>`
        select id, type, sha256, created_at from documents where loan_id = ${loanId} order by created_at`;
      return rows.map((r) => ({
        documentId: r.id,
        type: r.type,
        sha256: r.sha256,
        receivedAt: r.created_at.toISOString(),
      }));
    },

    async loadApplicationFacts(loanId: string): Promise<{ application: Application; applicantAge: number }> {
      const application = await loadApplication(sql, cipher, loanId);
      const today = localDateOf(Date.now(), config.BUSINESS_TIME_ZONE);
      return { application: withoutIdentifiers(application), applicantAge: applicantAgeOn(application, today) };
    },

    async fetchCreditReport({
      loanId,
      subject,
    }: {
      loanId: string;
      subject: 'APPLICANT' | 'GUARANTOR';
    }): Promise<BureauReport> {
      const [consent] = await sql<
        { id: string }[]
      >`select id from consents where loan_id = ${loanId} and kind = 'CREDIT_QUERY'`;
      if (!consent) throw ApplicationFailure.nonRetryable('No recorded consent to the credit query', 'ConsentMissing');
      const application = await loadApplication(sql, cipher, loanId);
      const person = subject === 'APPLICANT' ? application.applicant : application.guarantor;
      if (!person) throw ApplicationFailure.nonRetryable('The application has no guarantor', 'PartnerRejected');
      const report = await bureau.fetchReport({
        idNumber: person.idNumber,
        name: person.name,
        consentId: consent.id,
        purpose: 'LOAN_APPLICATION',
      });
      await sql`
        insert into credit_queries (loan_id, subject, consent_id, profile, bureau_score)
        values (${loanId}, ${subject}, ${consent.id}, ${report.profile}, ${report.score})
        on conflict (loan_id, subject) do update set profile = excluded.profile, bureau_score = excluded.bureau_score, queried_at = now()`;
      return report;
    },

    async analyzeBankStatement({ loanId }: { loanId: string }): Promise<StatementSummary> {
      const application = await loadApplication(sql, cipher, loanId);
      return bureau.analyzeStatement({
        idNumber: application.applicant.idNumber,
        declaredMonthlyIncome: application.applicant.monthlyIncome,
      });
    },

    async loadRepaymentHistory({
      borrowerId,
      excludeLoanId,
    }: {
      borrowerId: string;
      excludeLoanId: string;
    }): Promise<InternalHistory> {
      const rows = await sql<
        { status: LoanStatus; days_past_due: number; max_days_past_due: number; grace_days: number }[]
      >`
        select l.status, l.days_past_due, l.max_days_past_due,
               coalesce((p.definition -> 'penalty' ->> 'graceDays')::int, 0) as grace_days
        from loans l join products p on p.code = l.product_code
        where l.borrower_id = ${borrowerId} and l.id <> ${excludeLoanId}`;
      return internalHistoryOf(
        rows.map((r) => ({
          status: r.status,
          daysPastDue: r.days_past_due,
          maxDaysPastDue: r.max_days_past_due,
          graceDays: r.grace_days,
        })),
      );
    },

    async openTask(task: TaskToOpen): Promise<void> {
      await sql`
        insert into tasks (loan_id, kind, task_key, role, due_at, detail)
        values (${task.loanId}, ${task.kind}, ${task.taskKey}, ${task.role}, ${task.dueAt ?? null}, ${sql.json(task.detail as never)})
        on conflict (loan_id, task_key) do nothing`;
    },

    async closeTask({
      loanId,
      taskKey,
      status,
      closedBy,
    }: {
      loanId: string;
      taskKey: string;
      status: 'DONE' | 'CANCELLED';
      closedBy?: string;
    }): Promise<void> {
      await sql`
        update tasks set status = ${status}, closed_at = now(), closed_by = ${closedBy ?? null}
        where loan_id = ${loanId} and task_key = ${taskKey} and status = 'OPEN'`;
    },

    /** At payoff or write-off: every open task of the loan but a refund's, which finance still owes the borrower. */
    async closeOpenTasks({ loanId }: { loanId: string }): Promise<void> {
      await sql`
        update tasks set status = 'CANCELLED', closed_at = now()
        where loan_id = ${loanId} and status = 'OPEN' and kind not like 'REFUND%'`;
    },

    async generateContract({
      loanId,
      offer,
      product,
      generatedAt,
    }: {
      loanId: string;
      offer: Offer;
      product: LoanProduct;
      generatedAt: string;
    }): Promise<{ sha256: string; version: number; generatedAt: string }> {
      const application = await loadApplication(sql, cipher, loanId);
      const consents = await sql<{ kind: string; text_version: string; granted_at: Date }[]>`
        select kind, text_version, granted_at from consents where loan_id = ${loanId} order by kind`;
      const html = renderContract({
        loanId,
        offer,
        product,
        application,
        consents,
        generatedAt,
        companyName: config.COMPANY_NAME,
        timeZone: config.BUSINESS_TIME_ZONE,
      });
      const sha256 = createHash('sha256').update(html, 'utf8').digest('hex');
      return sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext(${loanId}))`;
        const [same] = await tx<
          { version: number; created_at: Date }[]
        >`select version, created_at from contracts where loan_id = ${loanId} and sha256 = ${sha256}`;
        if (same) return { sha256, version: same.version, generatedAt };
        const [row] = await tx<
          { next: number }[]
        >`select coalesce(max(version), 0)::int + 1 as next from contracts where loan_id = ${loanId}`;
        const next = row!.next;
        await tx`insert into contracts (loan_id, version, sha256, html_enc) values (${loanId}, ${next}, ${sha256}, ${cipher.encrypt(html, CONTRACT_CONTEXT)})`;
        return { sha256, version: next, generatedAt };
      });
    },
  };
}
