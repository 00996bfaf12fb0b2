// Filling loans.view_fields from the workflows' own views, for loans whose workflow ran (or closed)
// before workers handed the fields over (scripts/backfill-loan-views.ts).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { storeViewFields } from '../activities/view-fields.js';
import type { Sql } from '../lib/db-client.js';
import { loanViewQuery } from '../contracts/definitions.js';
import { projectedFields, type ViewStamp } from '../contracts/view-fields.js';

/** Before anything a workflow writes: a backfilled field never replaces one the workflow wrote. */
const BACKFILL_STAMP: ViewStamp = [-1, 0, 0];
export const AT_ONCE = 4;

export interface BackfillReport {
  filled: string[];
  gone: string[];
}

export async function backfillLoanViews(
  sql: Sql,
  client: Client,
  loanIds?: readonly string[],
): Promise<BackfillReport> {
  const ids = loanIds ?? (await sql<{ id: string }[]>`select id from loans order by created_at`).map((r) => r.id);
  const report: BackfillReport = { filled: [], gone: [] };
  let next = 0;
  const work = async () => {
    while (next < ids.length) {
      const loanId = ids[next++]!;
      try {
        const view = await client.workflow.getHandle(loanId).query(loanViewQuery);
        await sql.begin((tx) =>
          storeViewFields(tx, loanId, { view: projectedFields(view), viewStamp: BACKFILL_STAMP }),
        );
        report.filled.push(loanId);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        report.gone.push(loanId);
      }
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, work));
  return report;
}
