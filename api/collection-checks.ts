// The collections queue's periodic work in every API process: open and close cases as the loans'
// workflows move them in and out of OVERDUE, and settle promises to pay (kept, or broken and
// escalated). Both are idempotent, so replicas may run them at once.
import { startPeriodicJob } from '../lib/periodic.js';
import { checkPromises } from '../db/collection-promises.js';
import { syncCases } from '../db/collection-queue.js';
import type { Sql } from '../lib/db-client.js';
import type { Logger } from '../lib/logger.js';
import type { FieldCipher } from '../security/field-crypto.js';

export const COLLECTION_CHECK_INTERVAL_MS = 5 * 60_000;

export async function runCollectionChecks(sql: Sql, cipher: FieldCipher, now: Date, timeZone: string) {
  const cases = await syncCases(sql, cipher);
  const promises = await checkPromises(sql, now, timeZone);
  return { cases, promises };
}

export function startCollectionChecks(
  sql: Sql,
  cipher: FieldCipher,
  log: Logger,
  timeZone: string,
  now: () => Date = () => new Date(),
): () => void {
  return startPeriodicJob(
    {
      name: 'collection check',
      intervalMs: COLLECTION_CHECK_INTERVAL_MS,
      run: async () => {
        const { cases, promises } = await runCollectionChecks(sql, cipher, now(), timeZone);
        if (cases.opened || cases.closed || promises.length)
          log.info(
            {
              opened: cases.opened,
              closed: cases.closed,
              kept: promises.filter((p) => p.status === 'KEPT').length,
              broken: promises.filter((p) => p.status === 'BROKEN').length,
            },
            'collection cases and promises checked',
          );
      },
    },
    log,
  );
}
