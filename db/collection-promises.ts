// The broken-promise check: every promise to pay still PENDING is settled KEPT once the repayments
// received since it was made reach its amount, or BROKEN once its date has passed without that. A
// broken promise on an open case raises the case's priority and opens a task for the collections
// supervisor. Runs on a timer in the API (api/collection-checks.ts); safe on every replica at once:
// a promise is settled by one conditional update, and the task has a business key.
import { promiseStatus, raisedPriority, type Priority } from '../domain/collection-queue.js';
import { addDays } from '../domain/dates.js';
import { instantOf, localDateOf } from '../domain/business-time.js';
import type { Sql } from '../lib/db-client.js';
import { recordAudit } from '../security/audit.js';

/** The supervisor's task kind and role for a broken promise. */
export const PROMISE_BROKEN_TASK = { kind: 'PROMISE_BROKEN', role: 'RISK_MANAGER' } as const;

export interface SettledPromise {
  contactId: string;
  caseId: string;
  loanId: string;
  status: 'KEPT' | 'BROKEN';
  paid: string;
}

export async function checkPromises(sql: Sql, now: Date, timeZone: string): Promise<SettledPromise[]> {
  const today = localDateOf(now.getTime(), timeZone);
  const pending = await sql<
    {
      id: string;
      case_id: string;
      loan_id: string;
      collector_id: string;
      contacted_on: string;
      promised_on: string;
      promised_amount: string;
      paid: string;
    }[]
  >`
    select k.id, k.case_id, k.loan_id, k.collector_id, k.contacted_on::text as contacted_on,
           k.promised_on::text as promised_on, k.promised_amount::text as promised_amount,
           (select coalesce(sum(r.amount), 0)::numeric(14, 2)::text from repayments r
             where r.loan_id = k.loan_id and r.received_on between k.contacted_on and k.promised_on
               and not exists (select 1 from payment_reversals pr
                               where pr.payment_id = r.payment_id and pr.status = 'APPROVED')) as paid
    from collection_contacts k
    where k.promise_status = 'PENDING'
    order by k.promised_on, k.id
    limit 1000`;
  const settled: SettledPromise[] = [];
  for (const p of pending) {
    const status = promiseStatus({ promisedOn: p.promised_on, amount: p.promised_amount }, p.paid, today);
    if (status === 'PENDING') continue;
    const done = await sql.begin(async (tx) => {
      const [won] = await tx`
        update collection_contacts set promise_status = ${status}, promise_settled_at = ${now}
        where id = ${p.id} and promise_status = 'PENDING' returning id`;
      if (!won) return false;
      let escalated = false;
      if (status === 'BROKEN') {
        const [kase] = await tx<{ priority: Priority }[]>`
          select priority from collection_cases where id = ${p.case_id} and closed_at is null for update`;
        if (kase) {
          await tx`update collection_cases set priority = ${raisedPriority(kase.priority)} where id = ${p.case_id}`;
          await tx`
            insert into tasks (loan_id, kind, task_key, role, detail, due_at)
            values (${p.loan_id}, ${PROMISE_BROKEN_TASK.kind}, ${`${PROMISE_BROKEN_TASK.kind}:${p.id}`},
              ${PROMISE_BROKEN_TASK.role},
              ${tx.json({
                caseId: p.case_id,
                contactId: p.id,
                collectorId: p.collector_id,
                promisedOn: p.promised_on,
                promisedAmount: p.promised_amount,
                paid: p.paid,
              })},
              ${new Date(instantOf(addDays(today, 1), '18:00', timeZone))})
            on conflict (loan_id, task_key) do nothing`;
          escalated = true;
        }
      }
      await recordAudit(tx, {
        action: `COLLECTION_PROMISE_${status}`,
        result: 'SUCCESS',
        actorRole: 'SYSTEM',
        resourceType: 'collection_case',
        resourceId: p.case_id,
        loanId: p.loan_id,
        detail: {
          contactId: p.id,
          promisedOn: p.promised_on,
          promisedAmount: p.promised_amount,
          paid: p.paid,
          escalated,
        },
      });
      return true;
    });
    if (done) settled.push({ contactId: p.id, caseId: p.case_id, loanId: p.loan_id, status, paid: p.paid });
  }
  return settled;
}
