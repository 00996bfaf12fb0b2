// The daily credit report (征信报送) on a timer: every hour each API process makes sure yesterday's
// business day has been built and sent. The day is built once however many replicas try (advisory
// lock and the unique submission id `daily:<date>` in db/credit-reporting.ts); a day built but not yet
// answered by the center is sent again at the next run. `npm run credit-report` and
// POST /v1/credit-reporting/runs run the same job by hand.
import { startPeriodicJob } from '../lib/periodic.js';
import { localDateOf } from '../domain/business-time.js';
import { addDays } from '../domain/dates.js';
import { runDailyCreditReport, type CreditReportDeps } from '../db/credit-reporting.js';
import type { Logger } from '../lib/logger.js';

export const CREDIT_REPORT_INTERVAL_MS = 60 * 60_000;

/** Runs 30 s after start and then every hour until the returned stop function is called. */
export function startDailyCreditReport(
  deps: CreditReportDeps,
  log: Logger,
  now: () => Date = () => new Date(),
): () => void {
  return startPeriodicJob(
    {
      name: 'credit report',
      intervalMs: CREDIT_REPORT_INTERVAL_MS,
      firstRunAfterMs: 30_000,
      run: async () => {
        const yesterday = addDays(localDateOf(now().getTime(), deps.timeZone), -1);
        const summary = await runDailyCreditReport(deps, yesterday, { id: 'system:credit-report', role: 'SYSTEM' });
        if (!summary.replayed)
          log.info(
            { reportDate: summary.reportDate, accepted: summary.accepted, rejected: summary.rejected },
            'credit report sent',
          );
      },
    },
    log,
  );
}
