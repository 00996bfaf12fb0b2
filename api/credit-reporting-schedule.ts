// The daily credit report (征信报送) on a timer: every hour each API process makes sure yesterday's
// business day has been built and sent. The day is built once however many replicas try (advisory
// lock and the unique submission id `daily:<date>` in db/credit-reporting.ts); a day built but not yet
// answered by the center is sent again at the next run. `npm run credit-report` and
// POST /v1/credit-reporting/runs run the same job by hand.
import { localDateOf } from '../domain/business-time.js';
import { addDays } from '../domain/dates.js';
import { runDailyCreditReport, type CreditReportDeps } from '../db/credit-reporting.js';
import type { Logger } from '../lib/logger.js';

export const CREDIT_REPORT_INTERVAL_MS = 60 * 60_000;

/** Runs at start (after a short pause) and then every hour until the returned stop function is called. */
export function startDailyCreditReport(
  deps: CreditReportDeps,
  log: Logger,
  now: () => Date = () => new Date(),
): () => void {
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    const yesterday = addDays(localDateOf(now().getTime(), deps.timeZone), -1);
    runDailyCreditReport(deps, yesterday, { id: 'system:credit-report', role: 'SYSTEM' })
      .then((summary) => {
        if (!summary.replayed)
          log.info(
            { reportDate: summary.reportDate, accepted: summary.accepted, rejected: summary.rejected },
            'credit report sent',
          );
      })
      .catch((err: unknown) => log.warn({ err }, 'credit report not sent; retrying at the next run'))
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(run, 30_000);
  first.unref();
  const timer = setInterval(run, CREDIT_REPORT_INTERVAL_MS);
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
