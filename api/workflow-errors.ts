// Turns what Temporal says about a loan workflow into answers the caller can act on.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { BilingualText } from '../domain/types.js';
import { REFUSAL } from '../workflows/definitions.js';
import { ApiError } from './errors.js';

const STATUS_OF_REFUSAL = { [REFUSAL.FORBIDDEN]: 403, [REFUSAL.WRONG_STAGE]: 409, [REFUSAL.INVALID]: 422 } as const;

function refusalDetail(failure: ApplicationFailure): { text: BilingualText; field: string | null } {
  const detail = failure.details?.[0] as { text?: BilingualText; field?: string | null } | undefined;
  return { text: detail?.text ?? { zh: '操作被拒绝', en: failure.message }, field: detail?.field ?? null };
}

function isClosedWorkflow(err: unknown): boolean {
  const message = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : '';
  return /workflow execution already completed|already completed/i.test(message);
}

export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const type = err.cause.type as keyof typeof STATUS_OF_REFUSAL;
    const status = STATUS_OF_REFUSAL[type];
    if (status) {
      const { text, field } = refusalDetail(err.cause);
      return new ApiError(status, type, text, field ? [{ field, code: type, message: text }] : undefined);
    }
  }
  // Temporal's own refusal of an update the workflow takes only in another phase (repaying a loan
  // still in origination, or in the moment between ACTIVE and servicing taking over).
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && /^No registered handler for update/.test(err.cause.message)) {
    return ApiError.conflict(REFUSAL.WRONG_STAGE, { zh: '该贷款当前所处阶段不能进行此操作，请稍后再试', en: 'The loan is not at a stage that takes this now; try again later' });
  }
  if (err instanceof WorkflowNotFoundError) return ApiError.notFound({ zh: '贷款流程', en: 'Loan workflow' });
  if (isClosedWorkflow(err)) {
    return ApiError.conflict('LOAN_CLOSED', { zh: '该贷款流程已结束，不能再操作', en: 'This loan is closed; nothing more can be done to it' });
  }
  return null;
}

/** Runs a workflow call; refusals become 403/409/422, an unreachable Temporal becomes 503. */
export async function callWorkflow<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const mapped = toApiError(err);
    if (mapped) throw mapped;
    if (isUnavailable(err)) {
      throw new ApiError(503, 'WORKFLOW_SERVICE_UNAVAILABLE', { zh: '流程服务暂不可用，请稍后重试', en: 'The workflow service is unavailable; please retry' });
    }
    throw err;
  }
}

function isUnavailable(err: unknown): boolean {
  // The client's ServiceError carries the gRPC status on its cause. 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED,
  // 8 RESOURCE_EXHAUSTED (e.g. too many updates in flight on one workflow): all worth a retry.
  const codes = [(err as { code?: number } | null)?.code, (err as { cause?: { code?: number } } | null)?.cause?.code];
  return codes.some((code) => code === 14 || code === 4 || code === 8) || (err instanceof Error && /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED/.test(err.message));
}

