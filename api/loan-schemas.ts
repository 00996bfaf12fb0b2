// The parts of a loan's detail (GET /v1/loans/{loanId}) as the OpenAPI document describes them:
// every field with its type, format and enum, the enums taken from the lists in domain/ and
// contracts/. LoanDetail (staff) is built from them here; BorrowerLoanDetail
// (api/borrower-loan-view.ts) takes the borrower's part of each.
import { RestructuringSchema } from './restructuring-schemas.js';
import { z } from '@hono/zod-openapi';
import { CREDIT_GRADES } from '../domain/credit-grade.js';
import { DECISION_OUTCOMES } from '../domain/decision.js';
import { INDUSTRY_CODES } from '../domain/industries.js';
import { WARNING_SEVERITIES } from '../domain/scoring.js';
import { LOAN_CLASSES, ROLES } from '../domain/types.js';
import { COLLATERAL_TYPES, GUARANTOR_RELATIONSHIPS } from '../domain/validation/application.js';
import {
  DISBURSEMENT_STATUSES,
  PAYOUT_VERIFICATIONS,
  REFUND_STATUSES,
  WRITE_OFF_REVIEWS,
} from '../contracts/loan-view.js';
import { REPAYMENT_CHANNELS, REVIEW_DECISIONS, REVIEW_STAGES } from '../contracts/messages.js';
import {
  AmountString,
  BilingualSchema,
  ChannelName,
  Count,
  DecimalString,
  DocumentTypeEnum,
  FrequencyEnum,
  InstantString,
  KeyString,
  LoanIdString,
  LoanStatusEnum,
  LoanTypeEnum,
  LocalDateString,
  orNull,
  RepaymentMethodEnum,
  Sha256Hex,
  UuidString,
} from './schemas.js';

export const ReviewStageEnum = z.enum(REVIEW_STAGES);
export const ReviewDecisionEnum = z.enum(REVIEW_DECISIONS);
export const RepaymentChannelEnum = z.enum(REPAYMENT_CHANNELS);
export const LoanClassEnum = z.enum(LOAN_CLASSES).openapi({ description: 'Five-category classification (五级分类)' });
export const RoleEnum = z.enum(ROLES);

export const Terms = z
  .object({
    amount: AmountString,
    termCount: z.number().int().min(1),
    method: RepaymentMethodEnum,
    frequency: FrequencyEnum,
    annualRate: DecimalString,
  })
  .strict()
  .openapi('LoanTerms');

export const Actor = z.object({ userId: KeyString, role: RoleEnum }).strict().openapi('Actor');

const PersonFields = {
  name: z.string().openapi({ description: 'Masked (张*) unless the viewer may see personal data in clear' }),
  idNumber: z.string().openapi({ description: 'Masked unless the viewer may see personal data in clear' }),
  phone: z.string().openapi({ description: 'Masked unless the viewer may see personal data in clear' }),
  monthlyIncome: AmountString,
};

export const Applicant = z
  .object({
    ...PersonFields,
    employer: z.string().nullable(),
    bankAccount: z
      .object({
        bankName: z.string(),
        cardNumber: z.string().openapi({ description: 'Masked unless the viewer may see personal data in clear' }),
      })
      .strict(),
    business: z
      .object({ licenseNumber: z.string(), industry: z.enum(INDUSTRY_CODES), monthlyRevenue: AmountString })
      .strict()
      .nullable(),
    farm: z
      .object({
        landAreaMu: DecimalString.openapi({ description: 'Land farmed, in mu (亩)' }),
        crops: z.array(z.string()),
        livestock: z.string().optional(),
        cooperative: z.string().optional(),
      })
      .strict()
      .nullable(),
    collateral: z
      .object({
        type: z.enum(COLLATERAL_TYPES),
        description: z.string(),
        appraisedValue: AmountString,
        existingLiens: AmountString,
      })
      .strict()
      .nullable(),
    guarantor: z
      .object({ ...PersonFields, relationship: z.enum(GUARANTOR_RELATIONSHIPS) })
      .strict()
      .nullable(),
  })
  .strict()
  .openapi('LoanApplicant');

export const Installment = z
  .object({
    number: z.number().int().min(1),
    dueDate: LocalDateString,
    principal: AmountString,
    interest: AmountString,
    fee: AmountString,
    total: AmountString,
  })
  .strict()
  .openapi('OfferInstallment');

export const OfferFigures = {
  ...Terms.shape,
  upfrontFee: AmountString,
  netDisbursement: AmountString,
  totalInterest: AmountString,
  totalFees: AmountString,
  totalPayment: AmountString,
  apr: DecimalString,
  effectiveAnnualRate: DecimalString,
  installments: z.array(Installment),
};

export const ScheduleConfirmation = z
  .object({
    sha256: Sha256Hex,
    disbursedOn: LocalDateString,
    issuedAt: InstantString,
    firstDueDate: LocalDateString,
    installmentCount: z.number().int().min(1),
  })
  .strict()
  .openapi('ScheduleConfirmationRecord');

export const Balances = z
  .object({
    principal: AmountString,
    interest: AmountString,
    fees: AmountString,
    penalty: AmountString,
    credit: AmountString,
    totalDue: AmountString,
  })
  .strict()
  .openapi('Balances');

export const NextDue = z
  .object({ number: z.number().int().min(1), dueDate: LocalDateString, amount: AmountString })
  .strict()
  .nullable();

export const PaymentSummary = z
  .object({ paymentId: KeyString, channel: RepaymentChannelEnum, amount: AmountString, receivedOn: LocalDateString })
  .strict()
  .openapi('PaymentSummary');

export const DocumentsList = z.array(DocumentTypeEnum);

const CreditWarning = z
  .object({ code: z.string(), severity: z.enum(WARNING_SEVERITIES), message: BilingualSchema })
  .strict()
  .openapi('CreditWarning');

const CreditAssessment = z
  .object({
    score: z.number().int().min(0).max(1000),
    grade: z.enum(CREDIT_GRADES),
    factors: z.array(
      z
        .object({
          code: z.string(),
          label: BilingualSchema,
          contribution: z.number().int(),
          detail: BilingualSchema,
        })
        .strict(),
    ),
    warnings: z.array(CreditWarning),
    recommendedLimit: AmountString,
    rateBand: z.object({ min: DecimalString, max: DecimalString }).strict(),
    dti: DecimalString,
    signals: z
      .object({
        blacklisted: z.boolean(),
        bureauCurrentOverdue: AmountString,
        internalCurrentlyOverdue: z.boolean(),
        thinFile: z.boolean(),
        assessedMonthlyIncome: AmountString,
        ltv: DecimalString.nullable(),
      })
      .strict(),
  })
  .strict()
  .openapi('CreditAssessment');

const Review = z
  .object({
    stage: ReviewStageEnum,
    decision: ReviewDecisionEnum,
    comment: z.string(),
    commentForBorrower: z.string().optional(),
    reviewer: Actor,
    at: InstantString,
    changes: z
      .object({
        amount: AmountString.optional(),
        annualRate: DecimalString.optional(),
        termCount: z.number().int().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .openapi('ReviewRecord');

const Refund = z
  .object({
    refundId: KeyString,
    amount: AmountString,
    status: z.enum(REFUND_STATUSES),
    paymentId: KeyString,
    requestedBy: KeyString,
    owedOn: LocalDateString,
    attempt: z.number().int().min(1),
    idempotencyKey: KeyString,
    heldUntil: InstantString.optional(),
    approvedBy: KeyString.optional(),
    retriedBy: KeyString.optional(),
    failureReason: z.string().optional(),
    paidOn: LocalDateString.optional(),
    cancelledOn: LocalDateString.optional(),
  })
  .strict()
  .openapi('RefundRecord');

/** The reviews and the decision reasons as a reviewer reads them. */
export const ReviewRecordList = z.array(Review);

export const DisbursementStatusEnum = z.enum(DISBURSEMENT_STATUSES);
export const PayoutVerificationEnum = z.enum(PAYOUT_VERIFICATIONS);
export const RefundStatusEnum = z.enum(REFUND_STATUSES);
export const DecisionOutcomeEnum = z.enum(DECISION_OUTCOMES);

/** The loan as staff see it: the workflow's view with the applicant masked for the viewer's role. */
export const LoanDetail = z
  .object({
    loanId: LoanIdString,
    status: LoanStatusEnum,
    loanType: LoanTypeEnum,
    productCode: z.string(),
    channel: ChannelName,
    purpose: z.string(),
    createdAt: InstantString,
    createdBy: KeyString.nullable().openapi({
      description:
        'The staff user who applied on the borrower’s behalf (a loan officer); null when the borrower applied',
    }),
    people: z.record(KeyString, z.object({ name: z.string(), role: RoleEnum }).strict()).openapi({
      description: 'Names of the staff in createdBy, reviews[].reviewer and timeline[].actor, by user id',
    }),
    requested: Terms.openapi({ description: "The terms under review; a final reviewer's changes included" }),
    appliedFor: Terms.openapi({ description: 'The terms as applied for' }),
    applicant: Applicant,
    requiredDocuments: DocumentsList,
    missingDocuments: DocumentsList,
    documentDeadline: InstantString.nullable(),
    documents: z
      .array(z.object({ documentId: UuidString, type: DocumentTypeEnum, sha256: Sha256Hex }).strict())
      .openapi({
        description: 'The newest upload of each type (every 其他资料); the older ones are in supersededDocuments',
      }),
    supersededDocuments: z
      .array(
        z
          .object({
            documentId: UuidString,
            type: DocumentTypeEnum,
            sha256: Sha256Hex,
            uploadedAt: InstantString.nullable(),
            supersededBy: UuidString,
          })
          .strict(),
      )
      .openapi({
        description: 'Older uploads a newer one of the same type replaced: kept, not what the loan is judged on',
      }),
    reviewWarnings: z.array(CreditWarning).openapi({
      description: 'What a reviewer should look at beyond the assessment, e.g. one file uploaded as two document types',
    }),
    assessment: orNull(CreditAssessment),
    decision: z
      .object({ outcome: DecisionOutcomeEnum, reasons: z.array(BilingualSchema) })
      .strict()
      .nullable(),
    reviews: ReviewRecordList,
    offer: z
      .object({
        ...OfferFigures,
        expiresAt: InstantString.optional(),
        rulesVersion: z.number().int().min(1).optional(),
      })
      .strict()
      .nullable(),
    contract: z
      .object({
        sha256: Sha256Hex,
        version: z.number().int().min(1),
        generatedAt: InstantString,
        signedAt: InstantString.optional(),
        signedBy: KeyString.optional(),
      })
      .strict()
      .nullable(),
    disbursements: z.array(
      z
        .object({
          attempt: z.number().int().min(1),
          idempotencyKey: KeyString,
          transferId: KeyString.optional(),
          status: DisbursementStatusEnum,
          amount: AmountString,
          failureReason: z.string().optional(),
          disbursedOn: LocalDateString.optional(),
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
        maxDaysPastDue: Count,
        classification: LoanClassEnum,
        graceEndsOn: LocalDateString.optional(),
        collections: z
          .object({
            episodeStart: LocalDateString.nullable(),
            stepsTaken: z.array(Count),
            writeOffReview: z.enum(WRITE_OFF_REVIEWS),
            promisedOn: LocalDateString.nullable(),
          })
          .strict(),
        recentPayments: z.array(PaymentSummary),
        run: Count,
      })
      .strict()
      .nullable(),
    closedReason: orNull(BilingualSchema),
    payoutAccount: z
      .object({
        verification: PayoutVerificationEnum,
        mismatched: z.array(z.string()),
        accountId: UuidString.optional(),
        checkedAt: InstantString,
        changes: Count,
      })
      .strict()
      .nullable(),
    payoutFailureReason: z.string().nullable(),
    openReview: z
      .object({ stage: ReviewStageEnum, round: z.number().int().min(1), since: InstantString })
      .strict()
      .nullable(),
    attention: z
      .object({
        number: z.number().int().min(1),
        step: z.string(),
        cause: z.string(),
        since: InstantString,
        resumeStatus: LoanStatusEnum,
      })
      .strict()
      .nullable(),
    refunds: z.array(Refund).nullable(),
    restructuring: RestructuringSchema.nullable(),
    timeline: z.array(
      z.object({ at: InstantString, kind: z.string(), actor: Actor.optional(), text: BilingualSchema }).strict(),
    ),
    recoveredAfterWriteOff: z.string().optional().openapi({
      description:
        'On a written-off loan: the total received since the write-off and booked as recovery income (核销后收回), e.g. "300.00"',
    }),
  })
  .strict()
  .openapi('LoanDetail');
