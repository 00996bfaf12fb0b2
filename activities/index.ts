import type { Activities } from '../contracts/activities.js';
import type { ActivityDeps } from './deps.js';
import { createDisbursementActivities } from './disbursement.js';
import { createPayoutAccountActivities } from './payout-account.js';
import { createNotificationActivities } from './notifications.js';
import { createOriginationActivities } from './origination.js';
import { createScheduleConfirmationActivities } from './schedule-confirmation.js';
import { createSupplementaryContractActivities } from './supplementary-contract.js';
import { createServicingActivities } from './servicing.js';
import { useAuditChainKey } from '../security/audit.js';

export type { ActivityDeps } from './deps.js';

/** All activities of the loan workflow; the worker registers this object. */
export function createActivities(deps: ActivityDeps): Activities {
  // The worker's audit rows (refused workflow messages among them) are chained under this
  // installation's key, as the API's are (security/audit.ts).
  useAuditChainKey(deps.keyring);
  return {
    ...createOriginationActivities(deps),
    ...createNotificationActivities(deps),
    ...createDisbursementActivities(deps),
    ...createPayoutAccountActivities(deps),
    ...createServicingActivities(deps),
    ...createScheduleConfirmationActivities(deps),
    ...createSupplementaryContractActivities(deps),
  };
}
