import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../contracts/activities.js';

/** Database projections, tasks and documents: fast, retried until they succeed. */
export const rawRecords = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Partner calls: bounded by the partner's timeout, retried with backoff; idempotent by business keys. */
export const rawPartners = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '2 seconds',
    maximumInterval: '5 minutes',
    backoffCoefficient: 2,
    nonRetryableErrorTypes: ['PartnerRejected', 'ConsentMissing'],
  },
});

/**
 * What happens when an activity on the loan's main path fails for good: resolves to retry the call,
 * or throws to end the loan (workflows/attention installs it). Until one is installed, the failure
 * propagates.
 */
type FailureHandler = (step: string, err: ActivityFailure) => Promise<void>;
let onFailure: FailureHandler | undefined;

export function whenActivityFails(handler: FailureHandler): void {
  onFailure = handler;
}

function attended<T extends object>(activities: T): T {
  return new Proxy(activities, {
    get(target, name) {
      const fn = (target as Record<string | symbol, unknown>)[name];
      if (typeof fn !== 'function') return fn;
      return async (...args: unknown[]) => {
        for (;;) {
          try {
            return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
          } catch (err) {
            if (!(err instanceof ActivityFailure) || !onFailure) throw err;
            await onFailure(String(name), err);
          }
        }
      };
    },
  });
}

/** The same activities on the loan's main path: a failure for good parks the loan for ops. */
export const records = attended(rawRecords);
export const partners = attended(rawPartners);

/** Notifications to the borrower must never hold the loan up: a few tries, then move on. */
export const notifications = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumAttempts: 5 },
});
