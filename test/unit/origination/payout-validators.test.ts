// Who may change the payout account or cancel, and when: only a loan running the verified payout,
// only while its payout is blocked, one request at a time, and at most MAX_PAYOUT_ACCOUNT_CHANGES accounts.
import type { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { LoanView } from '../../../contracts/loan-view.js';
import {
  MAX_PAYOUT_ACCOUNT_CHANGES,
  validateCancel,
  validatePayoutAccountChange,
} from '../../../workflows/validators.js';

const borrowerId = 'borrower-1';
const by = { userId: borrowerId, role: 'BORROWER' as const };

function view(status: LoanView['status'], changes = 0): LoanView {
  return {
    status,
    payoutAccount: { verification: 'MISMATCH', mismatched: ['cardNumber'], checkedAt: '2026-01-01T00:00:00Z', changes },
  } as LoanView;
}

function refusal(run: () => void): { type: string | undefined; field: unknown } | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    const failure = err as ApplicationFailure;
    return { type: failure.type ?? undefined, field: (failure.details?.[0] as { field?: unknown })?.field };
  }
}

describe('payout account change and cancel validators', () => {
  it('refuse both on a loan whose payout began before the verified payout (inbox not enabled)', () => {
    const v = view('DISBURSEMENT_FAILED');
    expect(refusal(() => validatePayoutAccountChange(v, borrowerId, { accountId: 'a', by }, false, false))).toEqual({
      type: 'WRONG_STAGE',
      field: 'cardNumber',
    });
    expect(refusal(() => validateCancel(v, borrowerId, { by }, false, false))?.type).toBe('WRONG_STAGE');
    expect(
      refusal(() => validatePayoutAccountChange(v, borrowerId, { accountId: 'a', by }, false, true)),
    ).toBeUndefined();
    expect(refusal(() => validateCancel(v, borrowerId, { by }, false, true))).toBeUndefined();
  });

  it('refuse a change while another request is being handled', () => {
    const v = view('PAYOUT_ACCOUNT_INVALID');
    expect(refusal(() => validatePayoutAccountChange(v, borrowerId, { accountId: 'a', by }, true, true))?.type).toBe(
      'WRONG_STAGE',
    );
  });

  it(`refuse a change once ${MAX_PAYOUT_ACCOUNT_CHANGES} accounts were given; cancel stays open`, () => {
    const below = view('PAYOUT_ACCOUNT_INVALID', MAX_PAYOUT_ACCOUNT_CHANGES - 1);
    const at = view('PAYOUT_ACCOUNT_INVALID', MAX_PAYOUT_ACCOUNT_CHANGES);
    expect(
      refusal(() => validatePayoutAccountChange(below, borrowerId, { accountId: 'a', by }, false, true)),
    ).toBeUndefined();
    expect(refusal(() => validatePayoutAccountChange(at, borrowerId, { accountId: 'a', by }, false, true))).toEqual({
      type: 'WRONG_STAGE',
      field: 'cardNumber',
    });
    expect(refusal(() => validateCancel(at, borrowerId, { by }, false, true))).toBeUndefined();
  });
});
