// The daily AML detection: for a business day, read the repayments and payoffs the rules need,
// apply domain/aml-rules.ts, write the findings to the report queue (one row per customer, day and
// rule, so a run repeated, or run by two API replicas at once, adds nothing). The API runs it on a
// timer for today and the days before it (cash recorded late still counts on its day), and a
// compliance officer can run it for any past day (POST /v1/aml/detection-runs).
import { startPeriodicJob } from '../lib/periodic.js';
import { amlLookbackStart, detectAml } from '../domain/aml-rules.js';
import { localDateOf } from '../domain/business-time.js';
import { addDays } from '../domain/dates.js';
import type { LocalDate } from '../domain/types.js';
import { readAmlFacts, recordFindings } from '../db/aml-reports.js';
import type { Sql } from '../lib/db-client.js';
import type { Logger } from '../lib/logger.js';

export interface DetectionResult {
  day: LocalDate;
  findings: number;
  created: string[];
}

export async function runAmlDetection(sql: Sql, day: LocalDate, timeZone: string, now: Date): Promise<DetectionResult> {
  const facts = await readAmlFacts(sql, { from: amlLookbackStart(day), to: day }, timeZone);
  const findings = detectAml(day, facts);
  const created = await recordFindings(sql, findings, now);
  return { day, findings: findings.length, created };
}

export const DETECTION_INTERVAL_MS = 60 * 60_000;
/** Each run judges today and so many days before it. */
export const DETECTION_DAYS_BACK = 3;

/** Runs the detection shortly after start and then every hour until the returned stop function is called. */
export function startAmlDetection(
  sql: Sql,
  log: Logger,
  timeZone: string,
  now: () => Date = () => new Date(),
): () => void {
  return startPeriodicJob(
    {
      name: 'AML detection',
      intervalMs: DETECTION_INTERVAL_MS,
      firstRunAfterMs: 10_000,
      run: async () => {
        const today = localDateOf(now().getTime(), timeZone);
        for (let back = DETECTION_DAYS_BACK; back >= 0; back--) {
          const day = addDays(today, -back);
          const result = await runAmlDetection(sql, day, timeZone, now());
          if (result.created.length) log.info({ day, created: result.created.length }, 'AML reports drafted');
        }
      },
    },
    log,
  );
}
