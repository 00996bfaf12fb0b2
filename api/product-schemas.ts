// A loan product as the OpenAPI document describes it (GET and PUT /v1/products/{code}): every
// field with its type, enum and bounds, the enums from domain/. The same bounds are checked again
// in depth by domain/products.ts (validateProduct), which also checks how fields relate (min below
// max, the documents a loan type must ask for, limits under the APR cap).
import { z } from '@hono/zod-openapi';
import { CREDIT_GRADES } from '../domain/credit-grade.js';
import {
  ESCALATION_ACTIONS,
  MAX_BORROWER_AGE,
  MIN_BORROWER_AGE,
  OVERPAYMENT_HANDLINGS,
  REVIEW_ROLES,
} from '../domain/products.js';
import { ALLOCATION_COMPONENTS, FEE_KINDS, LATE_FEE_KINDS } from '../domain/types.js';
import {
  AmountString,
  DayCountEnum,
  DecimalString,
  DocumentTypeEnum,
  FrequencyEnum,
  LoanTypeEnum,
  RepaymentMethodEnum,
} from './schemas.js';

export const ProductCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9_-]{1,31}$/)
  .openapi({ description: '2–32 capital letters, digits, - or _, starting with a letter', example: 'CONSUMER_STD' });

const ProductName = z.object({ zh: z.string().min(1).max(100), en: z.string().min(1).max(100) }).strict();
const Fee = z
  .object({
    kind: z.enum(FEE_KINDS),
    amount: AmountString.openapi({ description: 'Per loan (UPFRONT) or per installment' }),
  })
  .strict();
const Penalty = z
  .object({
    penaltyMarkup: DecimalString.openapi({
      description: 'Penalty interest rate = contract rate × (1 + markup); at most 0.5',
    }),
    lateFee: z
      .object({
        kind: z.enum(LATE_FEE_KINDS),
        value: DecimalString.openapi({
          description: 'An amount for FLAT (at most 1000.00), a rate for PERCENT_OF_OVERDUE_INSTALLMENT (at most 0.1)',
        }),
      })
      .strict(),
    graceDays: z.number().int().min(0).max(30),
  })
  .strict();
const Term = z.number().int().min(1).max(360);
const Age = z.number().int().min(MIN_BORROWER_AGE).max(MAX_BORROWER_AGE);

/** The terms a loan of the product is offered on: what borrowers and channels see too. */
export const productTermsShape = {
  code: ProductCode,
  loanType: LoanTypeEnum,
  name: ProductName,
  minAmount: AmountString,
  maxAmount: AmountString,
  minTerm: Term.openapi({ description: 'Fewest installments, in periods of the chosen frequency' }),
  maxTerm: Term,
  frequencies: z.array(FrequencyEnum),
  methods: z.array(RepaymentMethodEnum),
  minRate: DecimalString.openapi({ description: 'Lowest annual nominal rate' }),
  maxRate: DecimalString,
  defaultRate: DecimalString,
  dayCount: DayCountEnum,
  fees: z.array(Fee).max(10),
  penalty: Penalty,
  aprCap: DecimalString.openapi({
    description: 'Highest APR, fees included, a loan of the product may carry; at most 0.36',
  }),
  requiredDocuments: z.array(DocumentTypeEnum),
  documentDeadlineDays: z.number().int().min(1).max(90),
  offerAcceptanceDays: z.number().int().min(1).max(30),
  minAge: Age,
  maxAge: Age,
};

/** Every field of a product (domain/products.ts LoanProduct). */
export const loanProductShape = {
  ...productTermsShape,
  reminderDaysBeforeDue: z.array(z.number().int().min(0).max(30)).max(5),
  escalation: z
    .array(z.object({ daysPastDue: z.number().int().min(1).max(3650), action: z.enum(ESCALATION_ACTIONS) }).strict())
    .min(1),
  approvalAuthority: z
    .object({
      initialReviewerRoles: z.array(z.enum(REVIEW_ROLES)),
      finalApprovers: z
        .array(
          z
            .object({
              role: z.enum(REVIEW_ROLES),
              maxAmount: AmountString.nullable().openapi({ description: 'null: no limit' }),
            })
            .strict(),
        )
        .min(1),
    })
    .strict(),
  autoDecision: z
    .object({
      enabled: z.boolean(),
      maxAmount: AmountString,
      minScore: z.number().int().min(0).max(1000),
      allowedGrades: z.array(z.enum(CREDIT_GRADES)),
    })
    .strict(),
  scoreFloor: z.number().int().min(0).max(1000),
  maxLtv: DecimalString.nullable()
    .optional()
    .openapi({ description: 'Highest loan-to-value before a HIGH warning; required for COLLATERAL' }),
  allocationOrder: z.array(z.enum(ALLOCATION_COMPONENTS)),
  overpayment: z.enum(OVERPAYMENT_HANDLINGS),
  refundApprovalThreshold: AmountString.optional(),
  refundHoldDays: z.number().int().min(0).max(30).optional(),
};

export const LoanProductSchema = z.object(loanProductShape).strict().openapi('LoanProduct');
