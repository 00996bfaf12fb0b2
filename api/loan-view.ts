// The loan view as the workflow keeps it, read from PostgreSQL alone, so a loan's page answers
// whether its workflow sleeps, runs elsewhere or is long gone from Temporal: the loans row with
// its view fields (workflows/view-projection.ts), the timeline (loan_events), the documents
// received since the workflow last handed its fields over, and the latest repayments.
import type { Sql } from '../lib/db-client.js';
import type { DocumentType } from '../domain/types.js';
import {
  RECENT_PAYMENTS_KEPT,
  type LoanView,
  type RepaymentResult,
  type ServicingView,
  type TimelineEntry,
} from '../contracts/loan-view.js';
import type { LoanRecord } from './loan-access.js';

type ViewFields = Partial<
  Pick<
    LoanView,
    | 'requested'
    | 'requiredDocuments'
    | 'missingDocuments'
    | 'documents'
    | 'documentDeadline'
    | 'decision'
    | 'reviews'
    | 'contract'
    | 'disbursements'
    | 'scheduleConfirmation'
    | 'closedReason'
    | 'openReview'
    | 'attention'
    | 'refunds'
    | 'payoutAccount'
    | 'restructuring'
  >
> & {
  servicing?: Omit<ServicingView, 'recentPayments'>;
};

interface DocumentRow {
  id: string;
  type: DocumentType;
  sha256: string;
  /** False while the workflow has not been told of it (api/routes/documents.ts). */
  delivered: boolean;
}

/**
 * Documents the workflow had not yet taken when it last wrote its fields (an upload between two
 * events) are added, and satisfy what is missing of their type: a document received after a
 * reviewer's request satisfies the request too (workflows/intake.ts). A document the workflow was
 * never told of (Temporal was away) is listed but satisfies nothing, so the client uploads again.
 */
export function withNewDocuments(
  fields: Pick<LoanView, 'documents' | 'missingDocuments'>,
  stored: readonly DocumentRow[],
): Pick<LoanView, 'documents' | 'missingDocuments'> {
  const known = new Set(fields.documents.map((d) => d.documentId));
  const added = stored
    .filter((d) => !known.has(d.id))
    .map((d) => ({ documentId: d.id, type: d.type, sha256: d.sha256 }));
  return {
    documents: [...fields.documents, ...added],
    missingDocuments: fields.missingDocuments.filter(
      (type) => !stored.some((d) => d.delivered && !known.has(d.id) && d.type === type),
    ),
  };
}

function eventOrder(eventKey: string): number {
  const sequence = Number.parseInt(eventKey, 10);
  return Number.isSafeInteger(sequence) ? sequence : Number.MAX_SAFE_INTEGER;
}

export async function readLoanView(sql: Sql, loan: LoanRecord): Promise<LoanView> {
  const [events, stored, payments] = await Promise.all([
    sql<
      {
        event_key: string;
        kind: string;
        at: Date;
        detail: { text: TimelineEntry['text']; actor?: TimelineEntry['actor'] | null };
      }[]
    >`
      select event_key, kind, at, detail from loan_events where loan_id = ${loan.id} order by id`,
    sql<
      DocumentRow[]
    >`select id, type, sha256, delivered_at is not null as delivered from documents where loan_id = ${loan.id} order by created_at, id`,
    sql<{ result: RepaymentResult }[]>`
      select result from repayments where loan_id = ${loan.id} order by created_at desc, payment_id desc limit ${RECENT_PAYMENTS_KEPT}`,
  ]);
  const f = loan.view_fields as ViewFields;
  const timeline = events
    .sort((a, b) => eventOrder(a.event_key) - eventOrder(b.event_key))
    .map((e): TimelineEntry => ({
      at: e.at.toISOString(),
      kind: e.kind,
      ...(e.detail.actor ? { actor: e.detail.actor } : {}),
      text: e.detail.text,
    }));
  const documents = withNewDocuments(
    { documents: f.documents ?? [], missingDocuments: f.missingDocuments ?? [] },
    stored,
  );
  return {
    loanId: loan.id,
    status: loan.status as LoanView['status'],
    loanType: loan.loan_type as LoanView['loanType'],
    productCode: loan.product_code,
    borrowerId: loan.borrower_id,
    channel: loan.channel as LoanView['channel'],
    requested: f.requested ?? {
      amount: loan.amount,
      termCount: loan.term_count,
      method: loan.method as LoanView['requested']['method'],
      frequency: loan.frequency as LoanView['requested']['frequency'],
      annualRate: loan.annual_rate,
    },
    requiredDocuments: f.requiredDocuments ?? [],
    ...documents,
    ...(f.documentDeadline ? { documentDeadline: f.documentDeadline } : {}),
    ...(loan.assessment ? { assessment: loan.assessment as LoanView['assessment'] } : {}),
    ...(f.decision ? { decision: f.decision } : {}),
    reviews: f.reviews ?? [],
    ...(loan.offer ? { offer: loan.offer as LoanView['offer'] } : {}),
    ...(f.contract ? { contract: f.contract } : {}),
    disbursements: f.disbursements ?? [],
    ...(f.scheduleConfirmation ? { scheduleConfirmation: f.scheduleConfirmation } : {}),
    ...(f.servicing
      ? {
          servicing: {
            ...f.servicing,
            recentPayments: payments.reverse().map(({ result: p }) => ({
              paymentId: p.paymentId,
              channel: p.channel,
              amount: p.amount,
              receivedOn: p.receivedOn,
            })),
          },
        }
      : {}),
    timeline,
    ...(f.closedReason ? { closedReason: f.closedReason } : {}),
    ...(f.openReview ? { openReview: f.openReview } : {}),
    ...(f.attention ? { attention: f.attention } : {}),
    ...(f.refunds ? { refunds: f.refunds } : {}),
    ...(f.payoutAccount ? { payoutAccount: f.payoutAccount } : {}),
    ...(f.restructuring ? { restructuring: f.restructuring } : {}),
  };
}
