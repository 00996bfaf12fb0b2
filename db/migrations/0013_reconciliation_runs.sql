-- Reconciliation runs and the finance tasks their findings become.
--
-- Every run is stored with its report. Each finding key ("<code>|<loanId>|<ref>") has at most one
-- OPEN task (kind RECONCILIATION, role FINANCE, an owner): a later run that finds it again keeps
-- that task, a run that no longer finds it closes it with a note, and a difference found again
-- after its task was closed opens a new one. Findings about the books as a whole (an unbalanced
-- ledger, a settlement line no order of ours explains) belong to no loan, so a task's loan is optional.
create table reconciliation_runs (
  id bigserial primary key,
  run_at timestamptz not null default now(),
  run_by text not null,
  clean boolean not null,
  checked_at timestamptz not null,
  counts jsonb not null,
  totals jsonb not null,
  findings jsonb not null,
  tasks_opened integer not null,
  tasks_closed integer not null,
  tasks_open integer not null
);
create index reconciliation_runs_latest on reconciliation_runs (run_at desc, id desc);

alter table tasks alter column loan_id drop not null;
create unique index tasks_reconciliation_open on tasks (task_key) where kind = 'RECONCILIATION' and status = 'OPEN';
