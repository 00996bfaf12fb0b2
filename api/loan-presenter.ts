// What a viewer sees of a loan: its view (read from the database, api/loan-view.ts), with the applicant masked for the role.
import type { z } from '@hono/zod-openapi';
import { documentWarnings } from '../domain/document-warnings.js';
import { maskCard, maskIdNumber, maskName, maskPhone } from '../domain/masking.js';
import type { Application } from '../domain/validation/application.js';
import { APPLICATION_CONTEXT } from '../security/encryption-contexts.js';
import { can } from '../security/permissions.js';
import type { FieldCipher } from '../security/field-crypto.js';
import type { LoanView } from '../contracts/loan-view.js';
import type { AuthUser } from '../security/authenticator.js';
import { loanChannel, type LoanRecord } from './loan-access.js';
import type { LoanDocuments } from './loan-documents.js';
import type { LoanDetail } from './loan-schemas.js';
import type { StaffPerson } from './staff-names.js';

export type LoanDetailView = z.infer<typeof LoanDetail>;

export function presentApplicant(application: Application, viewer: AuthUser) {
  const clear = can(viewer.role, 'pii:unmasked');
  const own = viewer.role === 'BORROWER';
  const a = application;
  return {
    name: clear || own ? a.applicant.name : maskName(a.applicant.name),
    idNumber: clear ? a.applicant.idNumber : maskIdNumber(a.applicant.idNumber),
    phone: clear ? a.applicant.phone : maskPhone(a.applicant.phone),
    monthlyIncome: a.applicant.monthlyIncome,
    employer: a.applicant.employer ?? null,
    bankAccount: {
      bankName: a.bankAccount.bankName,
      cardNumber: clear ? a.bankAccount.cardNumber : maskCard(a.bankAccount.cardNumber),
    },
    business: a.business ?? null,
    farm: a.farm ?? null,
    collateral: a.collateral ?? null,
    guarantor: a.guarantor
      ? {
          name: clear ? a.guarantor.name : maskName(a.guarantor.name),
          idNumber: clear ? a.guarantor.idNumber : maskIdNumber(a.guarantor.idNumber),
          phone: clear ? a.guarantor.phone : maskPhone(a.guarantor.phone),
          monthlyIncome: a.guarantor.monthlyIncome,
          relationship: a.guarantor.relationship,
        }
      : null,
  };
}

/** The staff whose names a loan's page shows: who applied on the borrower's behalf, reviewed it or acted in its timeline. */
export function loanPeopleIds(loan: LoanRecord, view: LoanView): string[] {
  return [
    loan.created_by,
    ...view.reviews.map((r) => r.reviewer.userId),
    ...view.timeline.map((e) => e.actor?.userId),
  ].filter((id): id is string => typeof id === 'string');
}

export interface LoanPageExtras {
  /** Names of the staff in the loan's reviews and timeline (api/staff-names.ts). */
  people: Readonly<Record<string, StaffPerson>>;
  /** The current and the replaced documents (api/loan-documents.ts). */
  documents: LoanDocuments;
}

/** The staff's view of a loan; borrowers and channels get api/borrower-loan-view.ts. */
export function presentLoan(
  loan: LoanRecord,
  view: LoanView,
  cipher: FieldCipher,
  viewer: AuthUser,
  { people, documents }: LoanPageExtras,
): LoanDetailView {
  const application = JSON.parse(cipher.decrypt(loan.application_enc, APPLICATION_CONTEXT)) as Application;
  return {
    loanId: view.loanId,
    status: view.status,
    loanType: view.loanType,
    productCode: view.productCode,
    channel: loanChannel(loan),
    purpose: application.purpose,
    createdAt: loan.created_at.toISOString(),
    /** The staff user who applied on the borrower's behalf (a loan officer); null when the borrower applied. */
    createdBy: people[loan.created_by] ? loan.created_by : null,
    /** Names of the staff in createdBy, reviews[].reviewer and timeline[].actor, by user id. */
    people,
    requested: view.requested,
    /** The terms as applied for; `requested` takes a final reviewer's changes. */
    appliedFor: {
      amount: loan.amount,
      termCount: loan.term_count,
      method: loan.method as LoanView['requested']['method'],
      frequency: loan.frequency as LoanView['requested']['frequency'],
      annualRate: loan.annual_rate,
    },
    applicant: presentApplicant(application, viewer),
    requiredDocuments: view.requiredDocuments,
    missingDocuments: view.missingDocuments,
    documentDeadline: view.documentDeadline ?? null,
    /** The newest upload of each type (every 其他资料); the older ones are in supersededDocuments. */
    documents: documents.documents,
    /** Older uploads a newer one of the same type replaced: kept, not what the loan is judged on. */
    supersededDocuments: documents.supersededDocuments,
    /** For staff: what a reviewer should look at beyond the credit assessment, e.g. one file uploaded as two document types, or again as the same type. */
    reviewWarnings: documentWarnings(view.documents),
    assessment: view.assessment ?? null,
    decision: view.decision ?? null,
    reviews: view.reviews,
    offer: view.offer ?? null,
    contract: view.contract ?? null,
    disbursements: view.disbursements,
    /** The 还款计划确认书 issued at payout (GET /v1/loans/{id}/schedule-confirmation). */
    scheduleConfirmation: view.scheduleConfirmation ?? null,
    servicing: view.servicing ?? null,
    closedReason: view.closedReason ?? null,
    /** The bank's four-element check of the payout account: VERIFIED or MISMATCH, with the elements that did not match. */
    payoutAccount: view.payoutAccount ?? null,
    /** Why the last payout failed, in the bank's words (DISBURSEMENT_FAILED). */
    payoutFailureReason:
      view.status === 'DISBURSEMENT_FAILED' ? (view.disbursements.at(-1)?.failureReason ?? null) : null,
    /** The review round waiting for a decision; a decision names it as `round`. */
    openReview: view.openReview ?? null,
    /** Why the loan is parked for ops (NEEDS_ATTENTION); internal, so not in the borrower's view. */
    attention: view.attention ?? null,
    /** Money owed back and how paying it stands, with the bank keys. */
    refunds: view.refunds ?? null,
    /** The latest extension or restructuring request: its plan, the supplementary contract and how it stands. */
    restructuring: view.restructuring ?? null,
    timeline: view.timeline,
  };
}
