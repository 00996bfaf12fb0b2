import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

/** Database projections, tasks and documents: fast, retried until they succeed. */
export const records = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Partner calls: bounded by the partner's timeout, retried with backoff; idempotent by business keys. */
export const partners = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2, nonRetryableErrorTypes: ['PartnerRejected', 'ConsentMissing'] },
});

/** Notifications to the borrower must never hold the loan up: a few tries, then move on. */
export const notifications = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', maximumAttempts: 5 },
});
