// An application whose applicant or guarantor matched a name-only screening entry waits for a
// compliance officer (the AML review queue) instead of being refused: a name alone may be someone
// else's. Nothing reaches the loan's workflow until the hit is cleared, so workflow code is untouched.
import type { Context } from 'hono';
import { holdApplication } from '../db/aml-reviews.js';
import type { Application } from '../domain/validation/application.js';
import type { LoanProduct } from '../domain/products.js';
import { blindIndex } from '../security/blind-index.js';
import type { ScreeningHit } from '../security/screening.js';
import type { ApiDeps, AppEnv } from './env.js';
import { ApiError } from './errors.js';
import { auditRequest, sourceIp } from './middleware/audit.js';
import { currentUser } from './middleware/auth.js';

export interface HoldRequest {
  hit: ScreeningHit;
  application: Application;
  product: LoanProduct;
  borrowerId: string;
  channel: 'ONLINE' | 'OFFLINE';
  idempotencyKey?: string;
  bodySha256: string;
  loanId: string;
}

export interface HeldAnswer {
  reviewId: string;
  loanId: string;
  status: 'COMPLIANCE_REVIEW' | 'CLEARED' | 'CONFIRMED';
  replayed: boolean;
}

export async function holdForCompliance(c: Context<AppEnv>, deps: ApiDeps, req: HoldRequest): Promise<HeldAnswer> {
  const user = currentUser(c);
  const person = req.hit.subject === 'APPLICANT' ? req.application.applicant : req.application.guarantor!;
  const result = await holdApplication(deps.sql, deps.cipher, {
    loanId: req.loanId,
    entryId: req.hit.entryId,
    subject: req.hit.subject,
    field: req.hit.field,
    subjectIdHash: blindIndex(deps.keyring, 'idNumber', person.idNumber),
    borrowerId: req.borrowerId,
    createdBy: user.userId,
    channel: req.channel,
    product: req.product,
    application: req.application,
    idempotencyKey: req.idempotencyKey,
    idempotencyBodySha256: req.bodySha256,
    sourceIp: sourceIp(c),
  });
  switch (result.kind) {
    case 'IN_FLIGHT':
      throw ApiError.conflict('APPLICATION_IN_FLIGHT', {
        zh: `该借款人已有一笔在途申请（${result.loanId}），请等待其结束或撤回后再申请`,
        en: `The borrower already has an application in progress (${result.loanId}); wait for it to finish or withdraw it first`,
      });
    case 'HOLD_OPEN':
      throw ApiError.conflict('APPLICATION_IN_FLIGHT', {
        zh: '该借款人已有一笔申请正在合规复核，请等待复核结束后再申请',
        en: 'The borrower already has an application in compliance review; wait for the review to finish first',
      });
    case 'KEY_REUSED':
      throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', {
        zh: '该 Idempotency-Key 已用于另一份申请，请为新申请使用新的 Idempotency-Key',
        en: 'This Idempotency-Key was used for a different application; use a new key for a new application',
      });
    case 'REPLAYED':
      return {
        reviewId: result.reviewId,
        loanId: result.loanId,
        status: result.status === 'OPEN' ? 'COMPLIANCE_REVIEW' : result.status,
        replayed: true,
      };
    case 'HELD':
      await auditRequest(c, deps.sql, {
        action: 'APPLICATION_HELD_FOR_AML_REVIEW',
        result: 'SUCCESS',
        resourceType: 'aml_review',
        resourceId: result.reviewId,
        detail: {
          loanId: result.loanId,
          entryId: req.hit.entryId,
          subject: req.hit.subject,
          field: req.hit.field,
          list: req.hit.list,
          borrowerId: req.borrowerId,
        },
      });
      return { reviewId: result.reviewId, loanId: result.loanId, status: 'COMPLIANCE_REVIEW', replayed: false };
  }
}
