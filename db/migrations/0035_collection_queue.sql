-- The collections work queue (api/routes/collections.ts, db/collection-queue.ts). Each overdue loan
-- is a case while the loan's workflow keeps it OVERDUE; it is assigned to one collector (by the
-- assignment rule, a claim, or a supervisor), and every contact with its outcome is kept here.

-- What each collector works: delinquency buckets and provinces; empty arrays mean all of them.
create table collection_collectors (
  user_id uuid primary key references users(id),
  buckets text[] not null default '{}',
  provinces text[] not null default '{}',
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);

create table collection_cases (
  id uuid primary key default gen_random_uuid(),
  loan_id text not null references loans(id),
  -- Two-digit province code of the borrower's resident ID, for the assignment rule.
  province text,
  priority text not null default 'NORMAL' check (priority in ('NORMAL', 'HIGH', 'URGENT')),
  assignee_id uuid references users(id),
  assigned_how text check (assigned_how in ('RULE', 'CLAIM', 'SUPERVISOR')),
  assigned_by uuid references users(id),
  assigned_at timestamptz,
  opened_at timestamptz not null default now(),
  closed_at timestamptz,
  check ((assignee_id is null) = (assigned_at is null))
);
-- One open case per loan: two syncs at once open it once.
create unique index collection_cases_open_loan on collection_cases (loan_id) where closed_at is null;
create index collection_cases_assignee on collection_cases (assignee_id) where closed_at is null;

create table collection_contacts (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references collection_cases(id),
  loan_id text not null references loans(id),
  collector_id uuid not null references users(id),
  -- The collector's Idempotency-Key: the same contact sent again is recorded once.
  idempotency_key text not null,
  outcome text not null check (outcome in ('PROMISE_TO_PAY', 'CONTACTED_NO_PROMISE', 'NO_ANSWER', 'REFUSED_TO_PAY',
    'WRONG_NUMBER', 'THIRD_PARTY_MESSAGE', 'ALREADY_PAID', 'DISPUTED')),
  channel text not null check (channel in ('CALL', 'SMS', 'VISIT')),
  -- The collector's note, encrypted (it may name people): context collection_contacts.note.
  note_enc text not null,
  contacted_at timestamptz not null,
  -- The business date of the contact: repayments from this date on count toward its promise.
  contacted_on date not null,
  promised_on date,
  promised_amount numeric(14, 2) check (promised_amount is null or promised_amount > 0),
  promise_status text check (promise_status in ('PENDING', 'KEPT', 'BROKEN')),
  promise_settled_at timestamptz,
  unique (collector_id, idempotency_key),
  check ((outcome = 'PROMISE_TO_PAY') = (promised_on is not null and promised_amount is not null and promise_status is not null))
);
create index collection_contacts_case on collection_contacts (case_id, contacted_at);
create index collection_contacts_pending_promise on collection_contacts (promised_on) where promise_status = 'PENDING';
