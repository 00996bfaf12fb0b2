// Stored reconciliation runs and the finance tasks their findings become: one task per finding
// key (domain/reconciliation-tasks.ts), opened with an owner (the finance user with the fewest
// open reconciliation tasks), kept while the difference is found, closed with a note by the first
// run that no longer finds it. A run and its task changes are one transaction, and runs take
// turns (an advisory lock), so two runs at once never open the same task twice.
import type { Finding, ReconciliationReport } from '../domain/reconciliation.js';
import { leastLoaded, planTasks } from '../domain/reconciliation-tasks.js';
import type { Sql, TransactionSql } from '../lib/db-client.js';
import type { BankClient } from '../partners/bank-client.js';
import { recordAudit } from '../security/audit.js';
import { runReconciliation, type ClearingSources } from './ledger-reads.js';

export const RECONCILIATION_TASK_KIND = 'RECONCILIATION';
const TASK_KEY_PREFIX = 'RECONCILIATION:';
/** Serializes runs: the pg_advisory_xact_lock key of reconciliation. */
const RUN_LOCK = 7_265_636;

export interface RunActor {
  /** A user id, or "system:reconcile" for the script. */
  id: string;
  role: string;
}

export interface ReconciliationTask {
  taskId: string;
  key: string;
  loanId: string | null;
  status: 'OPEN' | 'DONE' | 'CANCELLED';
  ownerId: string | null;
  ownerName: string | null;
  findings: Finding[];
  openedInRun: number;
  lastSeenInRun: number;
  createdAt: string;
  closedAt: string | null;
  resolution: string | null;
}

export interface StoredRun {
  runId: number;
  runAt: string;
  runBy: string;
  report: ReconciliationReport;
  tasksOpened: number;
  tasksClosed: number;
  tasksOpen: number;
}

async function financeOwners(tx: TransactionSql) {
  return tx<{ userId: string; username: string; openTasks: number }[]>`
    select u.id::text as "userId", u.username,
           (select count(*)::int from tasks t where t.kind = ${RECONCILIATION_TASK_KIND} and t.status = 'OPEN' and t.assignee_id = u.id) as "openTasks"
    from users u where u.role = 'FINANCE' and u.status = 'ACTIVE' and u.username is not null`;
}

/** Stores the run and brings the reconciliation tasks in line with its findings. */
export async function recordRun(sql: Sql, report: ReconciliationReport, actor: RunActor): Promise<StoredRun> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${RUN_LOCK})`;
    const open = await tx<{ task_key: string }[]>`
      select task_key from tasks where kind = ${RECONCILIATION_TASK_KIND} and status = 'OPEN'`;
    const plan = planTasks(
      open.map((t) => t.task_key.slice(TASK_KEY_PREFIX.length)),
      report.findings,
    );
    const [run] = await tx<{ id: string; run_at: Date }[]>`
      insert into reconciliation_runs (run_by, clean, checked_at, counts, totals, findings, tasks_opened, tasks_closed, tasks_open)
      values (${actor.id}, ${report.clean}, ${report.checkedAt}, ${tx.json(report.counts)}, ${tx.json(report.totals)},
              ${tx.json(report.findings as never)}, ${plan.open.length}, ${plan.close.length}, ${plan.open.length + plan.keep.length})
      returning id, run_at`;
    const runId = Number(run!.id);

    const owners = await financeOwners(tx);
    for (const group of plan.open) {
      const owner = leastLoaded(owners);
      await tx`
        insert into tasks (loan_id, kind, task_key, role, assignee_id, detail)
        values (${group.loanId}, ${RECONCILIATION_TASK_KIND}, ${TASK_KEY_PREFIX + group.key}, 'FINANCE', ${owner?.userId ?? null},
                ${tx.json({ findingKey: group.key, findings: group.findings, openedInRun: runId, lastSeenInRun: runId } as never)})`;
      if (owner) owner.openTasks += 1;
    }
    for (const group of plan.keep) {
      await tx`
        update tasks set detail = detail || ${tx.json({ findings: group.findings, lastSeenInRun: runId } as never)}
        where kind = ${RECONCILIATION_TASK_KIND} and status = 'OPEN' and task_key = ${TASK_KEY_PREFIX + group.key}`;
    }
    for (const key of plan.close) {
      const note = `第 ${runId} 次对账未再发现此差异，自动关闭 / Cleared: reconciliation run ${runId} no longer finds it`;
      await tx`
        update tasks set status = 'DONE', closed_at = now(),
               detail = detail || ${tx.json({ resolution: note, closedInRun: runId })}
        where kind = ${RECONCILIATION_TASK_KIND} and status = 'OPEN' and task_key = ${TASK_KEY_PREFIX + key}`;
    }
    await recordAudit(tx, {
      action: 'RECONCILIATION_RUN',
      result: 'SUCCESS',
      actorId: actor.id,
      actorRole: actor.role,
      resourceType: 'reconciliation_run',
      resourceId: String(runId),
      detail: {
        clean: report.clean,
        findings: report.findings.length,
        opened: plan.open.map((g) => g.key),
        closed: plan.close,
      },
    });
    return {
      runId,
      runAt: run!.run_at.toISOString(),
      runBy: actor.id,
      report,
      tasksOpened: plan.open.length,
      tasksClosed: plan.close.length,
      tasksOpen: plan.open.length + plan.keep.length,
    };
  });
}

/** Runs every check, the clearing accounts and receivables included, and records the run and its tasks. */
export async function reconcileAndRecord(
  sql: Sql,
  sources: { bank: Pick<BankClient, 'ledger'> } & ClearingSources,
  actor: RunActor,
  now: Date = new Date(),
): Promise<StoredRun> {
  const report = await runReconciliation(sql, sources.bank, now, { gateway: sources.gateway });
  return recordRun(sql, report, actor);
}

/** The latest stored run, or null before the first. */
export async function latestRun(sql: Sql): Promise<StoredRun | null> {
  const [row] = await sql<
    {
      id: string;
      run_at: Date;
      run_by: string;
      clean: boolean;
      checked_at: Date;
      counts: ReconciliationReport['counts'];
      totals: ReconciliationReport['totals'];
      findings: Finding[];
      tasks_opened: number;
      tasks_closed: number;
      tasks_open: number;
    }[]
  >`select * from reconciliation_runs order by run_at desc, id desc limit 1`;
  if (!row) return null;
  return {
    runId: Number(row.id),
    runAt: row.run_at.toISOString(),
    runBy: row.run_by,
    report: {
      clean: row.clean,
      checkedAt: row.checked_at.toISOString(),
      counts: row.counts,
      totals: row.totals,
      findings: row.findings,
    },
    tasksOpened: row.tasks_opened,
    tasksClosed: row.tasks_closed,
    tasksOpen: row.tasks_open,
  };
}

/** Reconciliation tasks, open ones by default, oldest first; `keys` narrows them to some finding keys. */
export async function reconciliationTasks(
  sql: Sql,
  q: { status: 'OPEN' | 'DONE'; limit: number; keys?: readonly string[] },
): Promise<ReconciliationTask[]> {
  if (q.keys && q.keys.length === 0) return [];
  const rows = await sql<
    {
      id: string;
      task_key: string;
      loan_id: string | null;
      status: ReconciliationTask['status'];
      assignee_id: string | null;
      username: string | null;
      detail: { findings?: Finding[]; openedInRun?: number; lastSeenInRun?: number; resolution?: string };
      created_at: Date;
      closed_at: Date | null;
    }[]
  >`
    select t.id, t.task_key, t.loan_id, t.status, t.assignee_id, u.username, t.detail, t.created_at, t.closed_at
    from tasks t left join users u on u.id = t.assignee_id
    where t.kind = ${RECONCILIATION_TASK_KIND} and t.status = ${q.status}
      ${q.keys ? sql`and t.task_key in ${sql(q.keys.map((k) => TASK_KEY_PREFIX + k))}` : sql``}
    order by t.created_at, t.id limit ${q.limit}`;
  return rows.map((r) => ({
    taskId: r.id,
    key: r.task_key.slice(TASK_KEY_PREFIX.length),
    loanId: r.loan_id,
    status: r.status,
    ownerId: r.assignee_id,
    ownerName: r.username,
    findings: r.detail.findings ?? [],
    openedInRun: r.detail.openedInRun ?? 0,
    lastSeenInRun: r.detail.lastSeenInRun ?? 0,
    createdAt: r.created_at.toISOString(),
    closedAt: r.closed_at?.toISOString() ?? null,
    resolution: r.detail.resolution ?? null,
  }));
}
