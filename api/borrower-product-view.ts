// The products as a borrower or a channel sees them: the terms a loan of the product is offered on,
// without the policy that decides it (auto-decision thresholds, score floor, approval authorities,
// collection ladder, refund approval limits). Built field by field, so a new product field stays
// internal until it is named here.
import { z } from '@hono/zod-openapi';
import type { LoanProduct } from '../domain/products.js';
import { productTermsShape } from './product-schemas.js';

export function borrowerProductView(p: LoanProduct) {
  return {
    code: p.code,
    loanType: p.loanType,
    name: p.name,
    minAmount: p.minAmount,
    maxAmount: p.maxAmount,
    minTerm: p.minTerm,
    maxTerm: p.maxTerm,
    frequencies: p.frequencies,
    methods: p.methods,
    minRate: p.minRate,
    maxRate: p.maxRate,
    defaultRate: p.defaultRate,
    dayCount: p.dayCount,
    fees: p.fees.map((f) => ({ kind: f.kind, amount: f.amount })),
    penalty: {
      penaltyMarkup: p.penalty.penaltyMarkup,
      lateFee: { kind: p.penalty.lateFee.kind, value: p.penalty.lateFee.value },
      graceDays: p.penalty.graceDays,
    },
    aprCap: p.aprCap,
    requiredDocuments: p.requiredDocuments,
    documentDeadlineDays: p.documentDeadlineDays,
    offerAcceptanceDays: p.offerAcceptanceDays,
    minAge: p.minAge,
    maxAge: p.maxAge,
  };
}

export type BorrowerProductView = ReturnType<typeof borrowerProductView>;

/** Exactly the fields of borrowerProductView (strict: no other key). */
export const BorrowerProduct = z.object(productTermsShape).strict().openapi('BorrowerProduct');
