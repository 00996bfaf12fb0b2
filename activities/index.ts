import type { Activities } from '../contracts/activities.js';
import type { ActivityDeps } from './deps.js';
import { createDisbursementActivities } from './disbursement.js';
import { createPayoutAccountActivities } from './payout-account.js';
import { createNotificationActivities } from './notifications.js';
import { createOriginationActivities } from './origination.js';
import { createScheduleConfirmationActivities } from './schedule-confirmation.js';
import { createServicingActivities } from './servicing.js';

export type { ActivityDeps } from './deps.js';

/** All activities of the loan workflow; the worker registers this object. */
export function createActivities(deps: ActivityDeps): Activities {
  return {
    ...createOriginationActivities(deps),
    ...createNotificationActivities(deps),
    ...createDisbursementActivities(deps),
    ...createPayoutAccountActivities(deps),
    ...createServicingActivities(deps),
    ...createScheduleConfirmationActivities(deps),
  };
}
