// Turns what Temporal says about a loan workflow into answers the caller can act on, and bounds
// how long the API waits for Temporal: an unreachable or stalled Temporal is a prompt 503.
import {
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type ConnectionOptions,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Config } from '../config/index.js';
import type { BilingualText } from '../domain/types.js';
import { REFUSAL } from '../contracts/messages.js';
import { ApiError } from './errors.js';

const STATUS_OF_REFUSAL = {
  [REFUSAL.FORBIDDEN]: 403,
  [REFUSAL.WRONG_STAGE]: 409,
  [REFUSAL.INVALID]: 422,
  [REFUSAL.RESTRUCTURED]: 409,
} as const;

function refusalDetail(failure: ApplicationFailure): { text: BilingualText; field: string | null } {
  const detail = failure.details?.[0] as { text?: BilingualText; field?: string | null } | undefined;
  return { text: detail?.text ?? { zh: '操作被拒绝', en: failure.message }, field: detail?.field ?? null };
}

function isClosedWorkflow(err: unknown): boolean {
  const cause = err instanceof Error ? err.cause : undefined;
  const message =
    err instanceof Error
      ? `${err.message} ${cause instanceof Error || typeof cause === 'string' ? String(cause) : ''}`
      : '';
  return /workflow execution already completed|already completed/i.test(message);
}

export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  // A seal the worker did not accept from this API: the API and the workers disagree (one deployed
  // before the other). Not the caller's fault and not the loan's answer: retry later.
  if (
    err instanceof WorkflowUpdateFailedError &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === REFUSAL.UNSEALED
  )
    return new ApiError(503, 'WORKFLOW_MESSAGE_REFUSED', {
      zh: '流程服务暂不能受理本次请求，请稍后重试',
      en: 'The workflow service cannot take this request now; please retry',
    });
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
  if (
    err instanceof WorkflowUpdateFailedError &&
    err.cause instanceof ApplicationFailure &&
    /^No registered handler for update/.test(err.cause.message)
  ) {
    return ApiError.conflict(REFUSAL.WRONG_STAGE, {
      zh: '该贷款当前所处阶段不能进行此操作，请稍后再试',
      en: 'The loan is not at a stage that takes this now; try again later',
    });
  }
  if (err instanceof WorkflowNotFoundError) return ApiError.notFound({ zh: '贷款流程', en: 'Loan workflow' });
  if (isClosedWorkflow(err)) {
    return ApiError.conflict('LOAN_CLOSED', {
      zh: '该贷款流程已结束，不能再操作',
      en: 'This loan is closed; nothing more can be done to it',
    });
  }
  return null;
}

/** Runs a workflow call; refusals become 403/409/422, an unreachable or stalled Temporal becomes 503. */
export async function callWorkflow<T>(call: () => Promise<T>): Promise<T> {
  try {
    // Every RPC the call makes (an update is several) counts against one deadline from here.
    return await callStarted.run(Date.now(), call);
  } catch (err) {
    const mapped = toApiError(err);
    if (mapped) throw mapped;
    const unavailable = workflowServiceUnavailable(err);
    if (unavailable) throw unavailable;
    throw err;
  }
}

/**
 * The 503 for a Temporal that cannot be reached in time (UNAVAILABLE, DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED), or null when `err` is something else. Also used by the API's last-resort
 * error handler, for routes that call Temporal without callWorkflow.
 */
export function workflowServiceUnavailable(err: unknown): ApiError | null {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    // The update may have reached the workflow and may still take effect.
    return new ApiError(503, 'WORKFLOW_TIMEOUT', {
      zh: '流程服务未在时限内答复，操作可能仍会生效；请先查看贷款状态再重试',
      en: 'The workflow service did not answer in time; the request may still take effect, so check the loan before retrying',
    });
  }
  if (!isUnavailable(err)) return null;
  return new ApiError(503, 'WORKFLOW_SERVICE_UNAVAILABLE', {
    zh: '流程服务暂不可用，请稍后重试',
    en: 'The workflow service is unavailable; please retry',
  });
}

function isUnavailable(err: unknown): boolean {
  // The client's ServiceError carries the gRPC status on its cause. 14 UNAVAILABLE, 4 DEADLINE_EXCEEDED,
  // 8 RESOURCE_EXHAUSTED (e.g. too many updates in flight on one workflow): all worth a retry.
  const codes = [(err as { code?: number } | null)?.code, (err as { cause?: { code?: number } } | null)?.cause?.code];
  return (
    codes.some((code) => code === 14 || code === 4 || code === 8) ||
    (err instanceof Error && /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED/.test(err.message)) ||
    isWorkflowTaskFailing(err, codes)
  );
}

/**
 * 9 FAILED_PRECONDITION "… due to Workflow Task in failed state": the loan's last workflow task
 * failed or timed out (an overloaded worker) and is being retried; the server refuses the update
 * before accepting it, so nothing was applied and a retry once the task succeeds is safe.
 */
function isWorkflowTaskFailing(err: unknown, codes: Array<number | undefined>): boolean {
  const cause = (err as { cause?: unknown }).cause;
  const text = err instanceof Error ? `${err.message} ${cause instanceof Error ? cause.message : ''}` : '';
  return codes.includes(9) && /Workflow Task in failed state/i.test(text);
}

// ---- Deadlines on the API's Temporal calls ----------------------------------------------------

/** The readiness probe's whole budget for asking Temporal whether it is there. */
export const READINESS_TIMEOUT_MS = 2_000;
/**
 * How long one RPC keeps retrying a Temporal it cannot reach (connection refused, reset) before
 * the caller gets its 503: long enough to ride out a dropped connection, short enough to answer
 * promptly while Temporal is down. The SDK's default retries for about 20 s.
 */
export const TEMPORAL_RETRY_WINDOW_MS = 1_500;

export interface TemporalDeadlines {
  /** Starts, signals, queries, describe: everything but updates. */
  callMs: number;
  /** Updates and the polls for their outcome: they wait for the workflow's answer. */
  updateMs: number;
  /** Readiness probe (GetSystemInfo). */
  probeMs: number;
  /** How long an RPC retries UNAVAILABLE and other retryable failures. */
  retryWindowMs: number;
}

export function temporalDeadlines(
  config: Pick<Config, 'TEMPORAL_CALL_TIMEOUT_MS' | 'TEMPORAL_UPDATE_TIMEOUT_MS'>,
): TemporalDeadlines {
  return {
    callMs: config.TEMPORAL_CALL_TIMEOUT_MS,
    updateMs: config.TEMPORAL_UPDATE_TIMEOUT_MS,
    probeMs: READINESS_TIMEOUT_MS,
    retryWindowMs: TEMPORAL_RETRY_WINDOW_MS,
  };
}

/** When the callWorkflow around the current RPC began (epoch ms). */
const callStarted = new AsyncLocalStorage<number>();

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

const UPDATE_RPC = /\/(UpdateWorkflowExecution|PollWorkflowExecutionUpdate|ExecuteMultiOperation)$/;
const PROBE_RPC = /\/GetSystemInfo$/;

function budgetOf(path: string, d: TemporalDeadlines): number {
  if (UPDATE_RPC.test(path)) return d.updateMs;
  if (PROBE_RPC.test(path)) return d.probeMs;
  return d.callMs;
}

/**
 * A gRPC interceptor for the API's Temporal connection, in place of the SDK's default retry
 * interceptor: every RPC without a deadline of its own (Connection.withDeadline) gets one by kind,
 * counted from the start of its callWorkflow when there is one, and retries only within the retry
 * window and never past the deadline. The SDK's retries sleep between attempts regardless of
 * the deadline, so its default interceptor would hold a caller for ~20 s while Temporal is down.
 * (A long poll such as a workflow's result() would need a deadline of its own: the API makes none.)
 */
export function temporalDeadlineInterceptor(d: TemporalDeadlines): GrpcInterceptor {
  const defaults = defaultGrpcRetryOptions();
  return (options, nextCall) => {
    const startedAt = Date.now();
    const budget = budgetOf(options.method_definition.path, d);
    const own = options.deadline === undefined ? Infinity : new Date(options.deadline).getTime();
    const deadline = Math.min(own, (callStarted.getStore() ?? startedAt) + budget);
    let delay = 0;
    const retry = makeGrpcRetryInterceptor({
      retryableDecider(attempt, status) {
        if (!defaults.retryableDecider(attempt, status)) return false;
        delay = defaults.delayFunction(attempt, status);
        const nextAttempt = Date.now() + delay;
        return nextAttempt - startedAt <= d.retryWindowMs && nextAttempt < deadline;
      },
      delayFunction: () => delay,
    });
    return retry({ ...options, deadline }, nextCall);
  };
}

/** The options of the API's Temporal connection: bounded calls, and a quick reconnect once Temporal is back. */
export function temporalConnectionOptions(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_CALL_TIMEOUT_MS' | 'TEMPORAL_UPDATE_TIMEOUT_MS'>,
): ConnectionOptions {
  return {
    address: config.TEMPORAL_ADDRESS,
    interceptors: [temporalDeadlineInterceptor(temporalDeadlines(config))],
    // gRPC's reconnect backoff grows to 2 minutes while Temporal is down; answer again within seconds of its return.
    channelArgs: { 'grpc.max_reconnect_backoff_ms': 5_000 },
  };
}
