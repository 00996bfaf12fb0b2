// The restructuring routes answer the borrower (request, signature) without staff details: who
// decided, the reviewer's comment, staff ids; staff see the whole request.
import { describe, expect, it } from 'vitest';
import {
  BorrowerRestructuringSchema,
  RestructuringSchema,
  restructuringAnswer,
} from '../../../api/restructuring-schemas.js';
import type { RestructuringView } from '../../../contracts/loan-view.js';

const decided: RestructuringView = {
  requestId: 'r-1',
  kind: 'RESTRUCTURING',
  status: 'AWAITING_SIGNATURE',
  installmentCount: 12,
  annualRate: '0.1000',
  reason: 'officer note: income fell',
  requestedBy: { userId: 'officer-7', role: 'LOAN_OFFICER' },
  requestedAt: '2026-01-01T00:00:00Z',
  decidedBy: { userId: 'risk-3', role: 'RISK_MANAGER' },
  decidedAt: '2026-01-02T00:00:00Z',
  comment: 'reviewer: watch this one',
  contract: { sha256: 'a'.repeat(64), issuedAt: '2026-01-02T00:00:00Z', signBy: '2026-01-09', signatureId: 'sig-1' },
};
const view = { status: 'OVERDUE' as const, restructuring: decided };

describe('the restructuring routes’ answer', () => {
  it('gives the borrower no staff ids, decider or comment', () => {
    const answer = restructuringAnswer('L-1', view, 'BORROWER');
    const text = JSON.stringify(answer);
    for (const secret of ['officer-7', 'risk-3', 'reviewer: watch', 'officer note', 'decidedBy', 'comment', 'sig-1'])
      expect(text).not.toContain(secret);
    expect(BorrowerRestructuringSchema.parse(answer.restructuring)).toEqual(answer.restructuring);
    expect(answer).toMatchObject({
      loanId: 'L-1',
      status: 'OVERDUE',
      restructuring: { contract: { signBy: '2026-01-09' } },
    });
  });

  it('gives staff the whole request', () => {
    const answer = restructuringAnswer('L-1', view, 'RISK_MANAGER');
    expect(answer.restructuring).toEqual(decided);
    expect(RestructuringSchema.parse(answer.restructuring)).toEqual(decided);
  });
});
