// The loan as its borrower, or a channel's front end, sees it: the terms, the documents asked for,
// where the loan stands and what is owed, without what the lender keeps to itself: no reviewers'
// ids or comments, no credit assessment (score factors, signals, recommended limit, rate band), no
// bank keys (idempotency keys, transfer ids), no ops or collections internals, no event actors.
// Built field by field from the view, so a new view field stays internal until it is named here;
// BorrowerLoanDetail is the schema of exactly these fields (strict: it lists no other key).
import { BorrowerRestructuringSchema, restructuringForBorrower } from './restructuring-schemas.js';
import { z } from '@hono/zod-openapi';
import type { Application } from '../domain/validation/application.js';
import { APPLICATION_CONTEXT } from '../security/encryption-contexts.js';
import type { FieldCipher } from '../security/field-crypto.js';
import type { AuthUser } from '../security/authenticator.js';
import type { LoanView } from '../contracts/loan-view.js';
import { closedReasonForBorrower } from './borrower-closed-reason.js';
import { loanChannel, type LoanRecord } from './loan-access.js';
import { presentApplicant } from './loan-presenter.js';
import {
  Applicant,
  Balances,
  DecisionOutcomeEnum,
  DisbursementStatusEnum,
  DocumentsList,
  NextDue,
  OfferFigures,
  PaymentSummary,
  PayoutVerificationEnum,
  RefundStatusEnum,
  ReviewDecisionEnum,
  ReviewStageEnum,
  ScheduleConfirmation,
  Terms,
} from './loan-schemas.js';
import {
  AmountString,
  BilingualSchema,
  ChannelName,
  Count,
  DocumentTypeEnum,
  InstantString,
  KeyString,
  LoanIdString,
  LoanStatusEnum,
  LoanTypeEnum,
  LocalDateString,
  orNull,
  Sha256Hex,
  UuidString,
} from './schemas.js';

export const BorrowerLoanDetail = z
  .object({
    loanId: LoanIdString,
    status: LoanStatusEnum,
    loanType: LoanTypeEnum,
    productCode: z.string(),
    channel: ChannelName,
    purpose: z.string(),
    createdAt: InstantString,
    requested: Terms,
    appliedFor: Terms,
    applicant: Applicant,
    requiredDocuments: DocumentsList,
    missingDocuments: DocumentsList,
    documentDeadline: InstantString.nullable(),
    documents: z.array(z.object({ documentId: UuidString, type: DocumentTypeEnum }).strict()),
    /** The outcome of the automatic decision, without its reasons (they name scores and thresholds). */
    decision: z.object({ outcome: DecisionOutcomeEnum }).strict().nullable(),
    /** Each review's stage, decision and time; the reviewer and the internal comment stay with the lender. */
    reviews: z.array(
      z
        .object({
          stage: ReviewStageEnum,
          decision: ReviewDecisionEnum,
          at: InstantString,
          commentForBorrower: z.string().optional(),
        })
        .strict(),
    ),
    offer: z
      .object({ ...OfferFigures, expiresAt: InstantString.nullable() })
      .strict()
      .nullable(),
    contract: z
      .object({
        sha256: Sha256Hex,
        version: z.number().int().min(1),
        generatedAt: InstantString,
        signedAt: InstantString.nullable(),
      })
      .strict()
      .nullable(),
    disbursements: z.array(
      z
        .object({
          attempt: z.number().int().min(1),
          status: DisbursementStatusEnum,
          amount: AmountString,
          disbursedOn: LocalDateString.nullable(),
        })
        .strict(),
    ),
    scheduleConfirmation: orNull(ScheduleConfirmation),
    servicing: z
      .object({
        asOf: LocalDateString,
        disbursedOn: LocalDateString,
        principal: AmountString,
        autoDebit: z.boolean(),
        installmentCount: Count,
        installmentsPaid: Count,
        balances: Balances,
        payoffToday: AmountString,
        nextDue: NextDue,
        daysPastDue: Count,
        graceEndsOn: LocalDateString.nullable(),
        promisedOn: LocalDateString.nullable(),
        recentPayments: z.array(PaymentSummary),
      })
      .strict()
      .nullable(),
    closedReason: orNull(BilingualSchema),
    payoutAccount: z
      .object({
        verification: PayoutVerificationEnum,
        mismatched: z.array(z.string()),
        checkedAt: InstantString,
        changes: Count,
      })
      .strict()
      .nullable(),
    payoutFailureReason: z.string().nullable(),
    /** The latest extension or restructuring: the new schedule and the supplementary contract to sign. */
    restructuring: BorrowerRestructuringSchema.nullable(),
    refunds: z
      .array(
        z
          .object({
            refundId: KeyString,
            amount: AmountString,
            status: RefundStatusEnum,
            owedOn: LocalDateString,
            paidOn: LocalDateString.optional(),
          })
          .strict(),
      )
      .nullable(),
    /** When the application came in and when the loan reached each status (kind STATUS_<status>); the events' texts and actors stay with the lender. */
    timeline: z.array(z.object({ at: InstantString, kind: z.string() }).strict()),
  })
  .strict()
  .openapi('BorrowerLoanDetail');

export type BorrowerLoanDetailView = z.infer<typeof BorrowerLoanDetail>;

/** The events the borrower's timeline lists: the application, and each status the loan reached. */
const BORROWER_EVENT = /^(APPLICATION_RECEIVED|STATUS_[A-Z_]+|EXTENDED|RESTRUCTURED)$/;

function servicingFor(s: LoanView['servicing']): BorrowerLoanDetailView['servicing'] {
  if (!s) return null;
  return {
    asOf: s.asOf,
    disbursedOn: s.disbursedOn,
    principal: s.principal,
    autoDebit: s.autoDebit,
    installmentCount: s.installmentCount,
    installmentsPaid: s.installmentsPaid,
    balances: { ...s.balances },
    payoffToday: s.payoffToday,
    nextDue: s.nextDue ? { number: s.nextDue.number, dueDate: s.nextDue.dueDate, amount: s.nextDue.amount } : null,
    daysPastDue: s.daysPastDue,
    graceEndsOn: s.graceEndsOn ?? null,
    promisedOn: s.collections.promisedOn,
    recentPayments: s.recentPayments.map((p) => ({
      paymentId: p.paymentId,
      channel: p.channel,
      amount: p.amount,
      receivedOn: p.receivedOn,
    })),
  };
}

function offerFor(o: LoanView['offer']): BorrowerLoanDetailView['offer'] {
  if (!o) return null;
  return {
    amount: o.amount,
    termCount: o.termCount,
    method: o.method,
    frequency: o.frequency,
    annualRate: o.annualRate,
    upfrontFee: o.upfrontFee,
    netDisbursement: o.netDisbursement,
    totalInterest: o.totalInterest,
    totalFees: o.totalFees,
    totalPayment: o.totalPayment,
    apr: o.apr,
    effectiveAnnualRate: o.effectiveAnnualRate,
    installments: o.installments.map((i) => ({
      number: i.number,
      dueDate: i.dueDate,
      principal: i.principal,
      interest: i.interest,
      fee: i.fee,
      total: i.total,
    })),
    expiresAt: o.expiresAt ?? null,
  };
}

function contractFor(c: LoanView['contract']): BorrowerLoanDetailView['contract'] {
  return c ? { sha256: c.sha256, version: c.version, generatedAt: c.generatedAt, signedAt: c.signedAt ?? null } : null;
}

function confirmationFor(c: LoanView['scheduleConfirmation']): BorrowerLoanDetailView['scheduleConfirmation'] {
  if (!c) return null;
  return {
    sha256: c.sha256,
    disbursedOn: c.disbursedOn,
    issuedAt: c.issuedAt,
    firstDueDate: c.firstDueDate,
    installmentCount: c.installmentCount,
  };
}

const termsOf = (t: LoanView['requested']) => ({
  amount: t.amount,
  termCount: t.termCount,
  method: t.method,
  frequency: t.frequency,
  annualRate: t.annualRate,
});

export function borrowerLoanView(
  loan: LoanRecord,
  view: LoanView,
  cipher: FieldCipher,
  viewer: AuthUser,
): BorrowerLoanDetailView {
  const application = JSON.parse(cipher.decrypt(loan.application_enc, APPLICATION_CONTEXT)) as Application;
  return {
    loanId: view.loanId,
    status: view.status,
    loanType: view.loanType,
    productCode: view.productCode,
    channel: loanChannel(loan),
    purpose: application.purpose,
    createdAt: loan.created_at.toISOString(),
    requested: termsOf(view.requested),
    appliedFor: {
      amount: loan.amount,
      termCount: loan.term_count,
      method: loan.method as LoanView['requested']['method'],
      frequency: loan.frequency as LoanView['requested']['frequency'],
      annualRate: loan.annual_rate,
    },
    applicant: presentApplicant(application, { ...viewer, role: 'BORROWER' }),
    requiredDocuments: view.requiredDocuments,
    missingDocuments: view.missingDocuments,
    documentDeadline: view.documentDeadline ?? null,
    documents: view.documents.map((d) => ({ documentId: d.documentId, type: d.type })),
    decision: view.decision ? { outcome: view.decision.outcome } : null,
    reviews: view.reviews.map((r) => ({
      stage: r.stage,
      decision: r.decision,
      at: r.at,
      ...(r.commentForBorrower ? { commentForBorrower: r.commentForBorrower } : {}),
    })),
    offer: offerFor(view.offer),
    contract: contractFor(view.contract),
    disbursements: view.disbursements.map((d) => ({
      attempt: d.attempt,
      status: d.status,
      amount: d.amount,
      disbursedOn: d.disbursedOn ?? null,
    })),
    scheduleConfirmation: confirmationFor(view.scheduleConfirmation),
    servicing: servicingFor(view.servicing),
    closedReason: closedReasonForBorrower(view.status, view.closedReason),
    payoutAccount: view.payoutAccount
      ? {
          verification: view.payoutAccount.verification,
          mismatched: view.payoutAccount.mismatched,
          checkedAt: view.payoutAccount.checkedAt,
          changes: view.payoutAccount.changes,
        }
      : null,
    payoutFailureReason:
      view.status === 'DISBURSEMENT_FAILED' ? (view.disbursements.at(-1)?.failureReason ?? null) : null,
    refunds:
      view.refunds?.map((r) => ({
        refundId: r.refundId,
        amount: r.amount,
        status: r.status,
        owedOn: r.owedOn,
        ...(r.paidOn ? { paidOn: r.paidOn } : {}),
      })) ?? null,
    restructuring: restructuringForBorrower(view.restructuring),
    timeline: view.timeline.filter((e) => BORROWER_EVENT.test(e.kind)).map((e) => ({ at: e.at, kind: e.kind })),
  };
}
