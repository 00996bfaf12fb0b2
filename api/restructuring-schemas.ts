// The extension / restructuring request as staff see it (the loan detail and the restructuring
// routes), and the part of it the borrower sees (api/borrower-loan-view.ts).
import { z } from '@hono/zod-openapi';
import { RESTRUCTURE_KINDS } from '../domain/classification.js';
import { RESTRUCTURING_STATUSES, type LoanView, type RestructuringView } from '../contracts/loan-view.js';
import type { Role } from '../domain/types.js';

const Actor = z.object({ userId: z.string(), role: z.string() }).strict();
const Installment = z
  .object({
    number: z.number().int(),
    dueDate: z.string(),
    principal: z.string(),
    interest: z.string(),
    fee: z.string(),
  })
  .strict();

const Plan = z
  .object({
    effectiveOn: z.string(),
    startsOn: z.string(),
    outstandingPrincipal: z.string(),
    arrears: z.object({ interest: z.string(), fee: z.string(), penalty: z.string() }).strict(),
    currentPeriodInterest: z.string(),
    newMaturityDate: z.string(),
    apr: z.string(),
    countsAsRestructuring: z.boolean(),
    installments: z.array(Installment),
  })
  .strict();

export const RestructuringSchema = z
  .object({
    requestId: z.string(),
    kind: z.enum(RESTRUCTURE_KINDS),
    status: z.enum(RESTRUCTURING_STATUSES),
    installmentCount: z.number().int(),
    annualRate: z.string(),
    reason: z.string(),
    requestedBy: Actor,
    requestedAt: z.string(),
    decidedBy: Actor.optional(),
    decidedAt: z.string().optional(),
    comment: z.string().optional(),
    plan: Plan.optional(),
    contract: z
      .object({
        sha256: z.string(),
        issuedAt: z.string(),
        signBy: z.string(),
        signedAt: z.string().optional(),
        signatureId: z.string().optional(),
      })
      .strict()
      .optional(),
    appliedAt: z.string().optional(),
  })
  .strict()
  .openapi('Restructuring');

export const BorrowerRestructuringSchema = z
  .object({
    requestId: z.string(),
    kind: z.enum(RESTRUCTURE_KINDS),
    status: z.enum(RESTRUCTURING_STATUSES),
    installmentCount: z.number().int(),
    annualRate: z.string(),
    requestedAt: z.string(),
    plan: Plan.optional(),
    contract: z.object({ sha256: z.string(), signBy: z.string(), signedAt: z.string().optional() }).strict().optional(),
    appliedAt: z.string().optional(),
  })
  .strict()
  .openapi('BorrowerRestructuring');

/** What the borrower sees: the terms, the new schedule and the contract to sign; not who decided or their comment. */
export function restructuringForBorrower(
  r: RestructuringView | undefined,
): z.infer<typeof BorrowerRestructuringSchema> | null {
  if (!r) return null;
  return {
    requestId: r.requestId,
    kind: r.kind,
    status: r.status,
    installmentCount: r.installmentCount,
    annualRate: r.annualRate,
    requestedAt: r.requestedAt,
    ...(r.plan ? { plan: r.plan } : {}),
    ...(r.contract
      ? {
          contract: {
            sha256: r.contract.sha256,
            signBy: r.contract.signBy,
            ...(r.contract.signedAt ? { signedAt: r.contract.signedAt } : {}),
          },
        }
      : {}),
    ...(r.appliedAt ? { appliedAt: r.appliedAt } : {}),
  };
}

/**
 * The restructuring routes' answer: staff see the whole request; the borrower (asking or signing)
 * sees only their part, never who decided, the reviewer's comment or staff ids.
 */
export function restructuringAnswer(
  loanId: string,
  view: Pick<LoanView, 'status' | 'restructuring'>,
  role: Role,
): {
  loanId: string;
  status: LoanView['status'];
  restructuring: RestructuringView | z.infer<typeof BorrowerRestructuringSchema>;
} {
  const restructuring = role === 'BORROWER' ? restructuringForBorrower(view.restructuring)! : view.restructuring!;
  return { loanId, status: view.status, restructuring };
}
