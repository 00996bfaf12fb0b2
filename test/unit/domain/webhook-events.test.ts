import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOAN_STATUSES } from '../../../domain/types.js';
import {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_MAX_ATTEMPTS,
  webhookEventsOf,
  webhookRetryDelaySeconds,
} from '../../../domain/webhook-events.js';

const types = (kind: string, status = 'ACTIVE', detail: Record<string, unknown> = {}) =>
  webhookEventsOf({ kind, status, detail }).map((e) => e.type);

describe('webhook events of a timeline entry', () => {
  it('raises status_changed for every status, and the specific event where there is one', () => {
    expect(types('STATUS_AWAITING_SIGNATURE')).toEqual(['loan.status_changed', 'loan.offer_ready']);
    expect(types('STATUS_DISBURSEMENT_FAILED')).toEqual(['loan.status_changed', 'loan.payout_failed']);
    expect(types('STATUS_PAYOUT_ACCOUNT_INVALID')).toEqual(['loan.status_changed', 'loan.payout_failed']);
    expect(types('STATUS_OVERDUE')).toEqual(['loan.status_changed', 'loan.overdue']);
    expect(types('STATUS_PAID_OFF')).toEqual(['loan.status_changed', 'loan.paid_off']);
    expect(types('STATUS_ASSESSING')).toEqual(['loan.status_changed']);
    for (const status of LOAN_STATUSES) expect(types(`STATUS_${status}`)[0]).toBe('loan.status_changed');
  });

  it('makes ACTIVE a disbursement once per loan (a cure from OVERDUE is ACTIVE again)', () => {
    const [, disbursed] = webhookEventsOf({ kind: 'STATUS_ACTIVE', status: 'ACTIVE', detail: {} });
    expect(disbursed).toEqual({ type: 'loan.disbursed', data: { status: 'ACTIVE' }, once: true });
  });

  it('names the review stage that asked for documents, and the signature once', () => {
    expect(webhookEventsOf({ kind: 'REVIEW_FINAL_REQUEST_DOCUMENTS', status: 'FINAL_REVIEW', detail: {} })).toEqual([
      { type: 'loan.documents_requested', data: { stage: 'FINAL' }, once: false },
    ]);
    expect(types('REVIEW_INITIAL_APPROVE')).toEqual([]);
    expect(webhookEventsOf({ kind: 'CONTRACT_SIGNED', status: 'AWAITING_SIGNATURE', detail: {} })).toEqual([
      { type: 'loan.signed', data: {}, once: true },
    ]);
  });

  it('carries the payment id and allocation of a repayment, and nothing else from its detail', () => {
    const allocation = { principal: '100.00', interest: '3.00' };
    expect(
      webhookEventsOf({
        kind: 'REPAYMENT_RECEIVED',
        status: 'ACTIVE',
        detail: { paymentId: 'p-1', allocation, actor: { userId: 'u' }, text: 'x' },
      }),
    ).toEqual([{ type: 'payment.received', data: { paymentId: 'p-1', allocation, status: 'ACTIVE' }, once: false }]);
  });

  it('raises only documented types, and none for other entries', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...LOAN_STATUSES), (kind, status) => {
        for (const e of webhookEventsOf({ kind, status, detail: {} })) expect(WEBHOOK_EVENT_TYPES).toContain(e.type);
      }),
    );
    expect(types('ASSESSED')).toEqual([]);
    expect(types('COLLECTION_CALL')).toEqual([]);
  });
});

describe('webhook retry backoff', () => {
  it('doubles from 2 s, caps at an hour, and stops after the last attempt', () => {
    expect([1, 2, 3, 4].map(webhookRetryDelaySeconds)).toEqual([2, 4, 8, 16]);
    expect(webhookRetryDelaySeconds(11)).toBe(2048);
    expect(webhookRetryDelaySeconds(WEBHOOK_MAX_ATTEMPTS)).toBeNull();
    expect(() => webhookRetryDelaySeconds(0)).toThrow(RangeError);
  });

  it('never shrinks and never exceeds an hour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: WEBHOOK_MAX_ATTEMPTS - 2 }), (n) => {
        const a = webhookRetryDelaySeconds(n)!;
        const b = webhookRetryDelaySeconds(n + 1)!;
        expect(b).toBeGreaterThanOrEqual(a);
        expect(b).toBeLessThanOrEqual(3600);
      }),
    );
  });
});
