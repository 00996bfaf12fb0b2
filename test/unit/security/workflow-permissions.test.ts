// One source of permissions: every workflow update's validator decides who may send it with the
// table the API's routes check (domain/permissions.ts). For every (message, role) this walks the
// validator with a state in which nothing but the role can be wrong: the validator refuses the role
// for lack of the permission exactly when the table (and so the route, see the route × role matrix
// test) refuses it, and accepts it otherwise.
import type { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { localDateOf } from '../../../domain/business-time.js';
import { defaultProductFor } from '../../../domain/default-products.js';
import { PERMISSIONS, ROLE_PERMISSIONS, can } from '../../../domain/permissions.js';
import type { LoanProduct } from '../../../domain/products.js';
import { LOAN_TYPES, ROLES, type Role } from '../../../domain/types.js';
import type { LoanView } from '../../../contracts/loan-view.js';
import { MESSAGE_PERMISSIONS, type MessageAction } from '../../../contracts/message-permissions.js';
import type { Actor } from '../../../contracts/messages.js';
import * as security from '../../../security/permissions.js';
import {
  validateAttentionDecision,
  validateCancel,
  validateDisbursementRetry,
  validatePayoutAccountChange,
  validateReview,
  validateSignature,
  validateWithdrawal,
} from '../../../workflows/validators.js';
import {
  validateCollectionNote,
  validateRefundDecision,
  validateRepayment,
  validateWriteOff,
} from '../../../workflows/servicing-validators.js';
import { validateReversal } from '../../../workflows/servicing-reversal.js';
import {
  plannedTerms,
  validateRestructureDecision,
  validateRestructureRequest,
  validateSupplementarySignature,
} from '../../../workflows/servicing-restructuring.js';
import { openAccount } from '../../../domain/servicing-account.js';
import { planRestructuring } from '../../../domain/loan-restructuring.js';
import { addDays } from '../../../domain/dates.js';
import type { RestructuringView } from '../../../contracts/loan-view.js';
import type { ServicingState } from '../../../workflows/servicing-state.js';

const borrowerId = 'borrower-1';
const TIME_ZONE = 'Asia/Shanghai';
const today = localDateOf(Date.now(), TIME_ZONE);

/** The actor of a role: a borrower is the loan's own, so only the role can be wrong. */
const actorOf = (role: Role): Actor => ({ userId: role === 'BORROWER' ? borrowerId : `user-${role}`, role });

function view(status: LoanView['status'], extra: Partial<LoanView> = {}): LoanView {
  return {
    status,
    requested: { amount: '10000.00' },
    reviews: [],
    payoutAccount: {
      verification: 'MISMATCH',
      mismatched: ['cardNumber'],
      checkedAt: '2026-01-01T00:00:00Z',
      changes: 0,
    },
    ...extra,
  } as unknown as LoanView;
}

/** A product whose review authority names every review role, so the walk tests the table, not the product. */
const product: LoanProduct = (() => {
  const base = defaultProductFor(LOAN_TYPES[0]);
  return {
    ...base,
    approvalAuthority: {
      initialReviewerRoles: ['INITIAL_REVIEWER', 'FINAL_REVIEWER', 'RISK_MANAGER', 'ADMIN'],
      finalApprovers: ['INITIAL_REVIEWER', 'FINAL_REVIEWER', 'RISK_MANAGER', 'ADMIN'].map((role) => ({
        role,
        maxAmount: null,
      })),
    },
  } as LoanProduct;
})();

const unpaidInstallment = {
  number: 1,
  dueDate: today,
  principal: '1000.00',
  interest: '10.00',
  fee: '0.00',
  paidPrincipal: '0.00',
  paidInterest: '0.00',
  paidFee: '0.00',
  paidPenalty: '0.00',
  penaltyCharged: '0.00',
  lateFee: '0.00',
};

function servicing(status: LoanView['status'], extra: Partial<LoanView> = {}): ServicingState {
  return {
    input: { borrowerId, product },
    options: { timeZone: TIME_ZONE },
    ctx: { view: view(status, extra) },
    recentPayments: [],
    inFlight: new Map(),
    closed: false,
    accruedThrough: today,
    collections: { writeOffReview: 'PENDING' },
    writeOffDecision: null,
    account: { writtenOffOn: null, installments: [unpaidInstallment] },
    refundsDeciding: new Set(),
  } as unknown as ServicingState;
}

/** A loan just paid out, with a real account, for the 展期 / 重组 messages. */
function restructurable(r?: Partial<RestructuringView>): ServicingState {
  const s = servicing('ACTIVE');
  const account = openAccount(
    'L',
    {
      principal: '10000.00',
      annualRate: '0.1200',
      termCount: 12,
      frequency: 'MONTHLY',
      method: 'EQUAL_INSTALLMENT',
      fees: [],
      dayCount: 'ACT/365',
      penalty: product.penalty,
      chargesCap: product.aprCap,
      allocationOrder: product.allocationOrder,
      overpayment: 'CARRY_FORWARD',
      rulesVersion: 2,
    },
    today,
  );
  const state = { ...s, account, overdueRule: 'AFTER_GRACE' } as ServicingState;
  if (r) {
    const request = {
      requestId: 'r-1',
      kind: 'RESTRUCTURING',
      installmentCount: 12,
      annualRate: '0.1200',
      reason: 'hardship',
      requestedBy: { userId: 'officer-1', role: 'LOAN_OFFICER' },
      requestedAt: '2026-01-01T00:00:00Z',
      ...r,
    } as RestructuringView;
    request.plan = plannedTerms(state, request, today);
    state.ctx.view.restructuring = request;
  }
  return state;
}

const refund = (status: string) => ({ refundId: 'refund-1', status, requestedBy: 'maker-1', retriedBy: null });

/** Each update's validator, called by `actor` on a state where it would otherwise be accepted. */
const SENDS: Record<MessageAction, (actor: Actor) => void> = {
  review: (reviewer) =>
    validateReview(
      view('INITIAL_REVIEW', { openReview: { stage: 'INITIAL', round: 1 } } as Partial<LoanView>),
      product,
      {
        stage: 'INITIAL',
        decision: 'APPROVE',
        comment: 'ok',
        reviewer,
      } as never,
    ),
  signContract: (signer) =>
    validateSignature(
      view('AWAITING_SIGNATURE', { contract: { sha256: 'abc' } } as unknown as Partial<LoanView>),
      borrowerId,
      {
        signer,
        contractSha256: 'abc',
      },
    ),
  withdraw: (by) => validateWithdrawal(view('INITIAL_REVIEW'), borrowerId, { by }),
  cancelLoan: (by) => validateCancel(view('DISBURSEMENT_FAILED'), borrowerId, { by }, false, true),
  changePayoutAccount: (by) =>
    validatePayoutAccountChange(view('PAYOUT_ACCOUNT_INVALID'), borrowerId, { accountId: 'a', by }, false, true),
  retryDisbursement: (actor) => validateDisbursementRetry(view('DISBURSEMENT_FAILED'), actor),
  resolveAttention: (by) =>
    validateAttentionDecision(
      view('NEEDS_ATTENTION', { attention: { number: 1 } } as unknown as Partial<LoanView>),
      { action: 'RETRY', reason: 'retry it', by } as never,
      true,
    ),
  'repay:ONLINE': (recordedBy) =>
    validateRepayment(servicing('ACTIVE'), {
      paymentId: 'p-1',
      amount: '100.00',
      channel: 'ONLINE',
      receivedOn: today,
      recordedBy,
    }),
  'repay:CASH': (recordedBy) =>
    validateRepayment(servicing('ACTIVE'), {
      paymentId: 'p-1',
      amount: '100.00',
      channel: 'CASH',
      receivedOn: today,
      recordedBy,
    }),
  'repay:BANK_TRANSFER': (recordedBy) =>
    validateRepayment(servicing('OVERDUE'), {
      paymentId: 'p-1',
      amount: '100.00',
      channel: 'BANK_TRANSFER',
      receivedOn: today,
      recordedBy,
    }),
  reversePayment: (approvedBy) =>
    validateReversal(servicing('ACTIVE'), { paymentId: 'p-1', reason: 'bounced', requestedBy: 'maker-1', approvedBy }),
  decideWriteOff: (by) => validateWriteOff(servicing('OVERDUE'), { approve: true, comment: 'uncollectable', by }),
  recordCollectionNote: (by) =>
    validateCollectionNote(servicing('OVERDUE'), { outcome: 'NO_ANSWER', note: 'called twice', by } as never),
  requestRestructuring: (by) =>
    validateRestructureRequest(restructurable(), {
      requestId: 'r-1',
      kind: 'RESTRUCTURING',
      installmentCount: 12,
      annualRate: '0.1200',
      reason: 'hardship',
      by,
    }),
  decideRestructuring: (by) =>
    validateRestructureDecision(restructurable({ status: 'PENDING_APPROVAL' }), {
      requestId: 'r-1',
      approve: true,
      comment: 'ok',
      by,
    }),
  signSupplementaryContract: (by) =>
    validateSupplementarySignature(
      restructurable({
        status: 'AWAITING_SIGNATURE',
        contract: { sha256: 'abc', issuedAt: '2026-01-01T00:00:00Z', signBy: addDays(today, 7) },
      }),
      { requestId: 'r-1', sha256: 'abc', signatureId: 'sig', by },
    ),
  decideRefund: (by) =>
    validateRefundDecision(servicing('ACTIVE', { refunds: [refund('APPROVAL')] } as unknown as Partial<LoanView>), {
      refundId: 'refund-1',
      action: 'APPROVE',
      by,
    } as never),
};

/** ACCEPTED, NO_PERMISSION (the table's refusal), or any other refusal as type and message. */
function verdict(send: () => void): string {
  try {
    send();
    return 'ACCEPTED';
  } catch (err) {
    const failure = err as ApplicationFailure;
    if (failure.type === 'FORBIDDEN' && /lacks the permission/.test(failure.message)) return 'NO_PERMISSION';
    return `${failure.type ?? 'ERROR'}: ${failure.message}`;
  }
}

describe('workflow validators and API routes decide with one permission table', () => {
  it('security/permissions.ts is the domain table, not a copy', () => {
    expect(security.ROLE_PERMISSIONS).toBe(ROLE_PERMISSIONS);
    expect(security.PERMISSIONS).toBe(PERMISSIONS);
    expect(security.can).toBe(can);
  });

  const cases = (Object.keys(SENDS) as MessageAction[]).flatMap((action) =>
    ROLES.map((role) => [action, role] as const),
  );
  it.each(cases)('%s as %s: the validator agrees with the table', (action, role) => {
    const permitted = can(role, MESSAGE_PERMISSIONS[action]);
    expect(verdict(() => SENDS[action](actorOf(role)))).toBe(permitted ? 'ACCEPTED' : 'NO_PERMISSION');
  });

  it('every action some role may send is accepted for at least one role (the walk is not vacuous)', () => {
    for (const action of Object.keys(SENDS) as MessageAction[]) {
      expect(
        ROLES.some((role) => can(role, MESSAGE_PERMISSIONS[action])),
        action,
      ).toBe(true);
    }
  });

  it('the drift the API never allowed is gone: ops record no cash, risk managers write no collection notes', () => {
    expect(verdict(() => SENDS['repay:CASH'](actorOf('OPS')))).toBe('NO_PERMISSION');
    expect(verdict(() => SENDS['repay:BANK_TRANSFER'](actorOf('OPS')))).toBe('NO_PERMISSION');
    expect(verdict(() => SENDS.recordCollectionNote(actorOf('RISK_MANAGER')))).toBe('NO_PERMISSION');
    expect(verdict(() => SENDS.review(actorOf('ADMIN')))).toBe('NO_PERMISSION');
  });

  it('a role the table does not name (a forged message) is refused, not crashed on', () => {
    for (const action of Object.keys(SENDS) as MessageAction[]) {
      expect(
        verdict(() => SENDS[action]({ userId: 'x', role: 'ROOT' as Role })),
        action,
      ).toBe('NO_PERMISSION');
      expect(
        verdict(() => SENDS[action]({ userId: 'x', role: 'constructor' as Role })),
        action,
      ).toBe('NO_PERMISSION');
    }
  });

  it("a borrower acting on another borrower's loan is still refused where the message is the borrower's own", () => {
    const other = { userId: 'borrower-2', role: 'BORROWER' as const };
    for (const action of [
      'signContract',
      'withdraw',
      'cancelLoan',
      'changePayoutAccount',
      'repay:ONLINE',
      'requestRestructuring',
      'signSupplementaryContract',
    ] as const) {
      expect(
        verdict(() => SENDS[action](other)),
        action,
      ).toMatch(/^FORBIDDEN: /);
    }
  });
});

describe('reversals and 展期 / 重组', () => {
  it('a reversal on an extended or restructured loan is refused (409 LOAN_RESTRUCTURED): the rebuild would drop the new schedule', () => {
    const finance = { userId: 'checker-1', role: 'FINANCE' as Role };
    const s = restructurable();
    const send = (state: ServicingState) => () =>
      validateReversal(state, { paymentId: 'p-1', reason: 'bounced', requestedBy: 'maker-1', approvedBy: finance });
    expect(verdict(send(s))).toBe('ACCEPTED');
    const plan = planRestructuring(
      s.account,
      { kind: 'RESTRUCTURING', installmentCount: 18, annualRate: '0.1000' },
      today,
      product,
      s.overdueRule,
    );
    const restructured: ServicingState = { ...s, account: plan.account };
    expect(verdict(send(restructured))).toMatch(/^LOAN_RESTRUCTURED: .*extended or restructured/);
  });
});
