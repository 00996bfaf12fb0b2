-- Maker-checker for the books: a month-end close or a capital injection asked for by one finance
-- user waits here as PENDING_APPROVAL until a different finance user approves it (the month is
-- closed, or the capital posted, in the transaction that approves it) or rejects it with a reason.
-- At most one request per month or injectionId is pending or approved; a rejected one may be asked
-- for again.
create table ledger_requests (
  request_id text primary key,
  kind text not null check (kind in ('PERIOD_CLOSE', 'CAPITAL_INJECTION')),
  -- The month (YYYY-MM) to close, or the injectionId to record.
  subject text not null,
  amount numeric(14, 2) check (amount > 0),
  effective_on date,
  reference text,
  status text not null default 'PENDING_APPROVAL' check (status in ('PENDING_APPROVAL', 'APPROVED', 'REJECTED')),
  requested_by text not null,
  requested_at timestamptz not null default now(),
  checked_by text,
  checked_at timestamptz,
  -- sha256 of the checker and the Idempotency-Key they decided with: the same key again repeats the answer.
  decision_key text,
  reject_reason text,
  check ((status = 'PENDING_APPROVAL') = (checked_at is null)),
  check (status <> 'REJECTED' or reject_reason is not null),
  check (checked_by is null or checked_by <> requested_by),
  check ((kind = 'CAPITAL_INJECTION') = (amount is not null and effective_on is not null and reference is not null))
);
create unique index ledger_requests_live on ledger_requests (kind, subject) where status <> 'REJECTED';
create index ledger_requests_pending on ledger_requests (requested_at) where status = 'PENDING_APPROVAL';
