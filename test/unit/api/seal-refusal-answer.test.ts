// What the API answers when the workers refused its own message's seal: the API and the workers
// disagree (a deploy in the middle), so the caller is told to retry (503), never that the loan
// refused (403), which payment routes would take as final.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toApiError } from '../../../api/workflow-errors.js';
import { REFUSAL } from '../../../contracts/messages.js';

const refusal = (type: string) =>
  new WorkflowUpdateFailedError(
    'update failed',
    ApplicationFailure.create({ type, message: 'refused', nonRetryable: true }),
  );

describe("the API's answer to a refused workflow message", () => {
  it('is a 503 to retry when the seal did not pass, and stays 403 for a business refusal', () => {
    expect(toApiError(refusal(REFUSAL.UNSEALED))).toMatchObject({ status: 503, code: 'WORKFLOW_MESSAGE_REFUSED' });
    expect(toApiError(refusal(REFUSAL.FORBIDDEN))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('is a 409 naming the reason when a restructured loan refuses a reversal', () => {
    expect(toApiError(refusal(REFUSAL.RESTRUCTURED))).toMatchObject({ status: 409, code: 'LOAN_RESTRUCTURED' });
  });
});
