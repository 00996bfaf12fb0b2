-- Anti-money-laundering (反洗钱): the review queue of screening hits that need a person, and the
-- queue of large-value and suspicious transaction reports (api/routes/aml.ts, docs/compliance/aml.md).
--
-- aml_reviews: one row per hit a compliance officer decides.
--   APPLICATION  an applicant or guarantor matched a name-only list entry: the application is held
--                here (encrypted, as loans.application_enc) and no loan exists until it is cleared;
--                clearing creates the loan with loan_id and starts its workflow, confirming refuses it.
--   RESCREEN     an entry added to the list matched an existing borrower (by ID number or name).
-- A clearance is remembered for the person (subject_id_hash, the blind index of the person's ID
-- number) and the entry, so the same false positive does not hold the person's next application.
create table aml_reviews (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('APPLICATION', 'RESCREEN')),
  entry_id uuid not null references screening_entries(id),
  subject text not null check (subject in ('APPLICANT', 'GUARANTOR', 'BORROWER')),
  field text not null,
  match text not null check (match in ('NAME', 'ID_NUMBER')),
  subject_id_hash text not null,
  borrower_id uuid not null references users(id),
  loan_id text unique,
  application_enc text,
  product jsonb,
  channel text check (channel in ('ONLINE', 'OFFLINE')),
  created_by uuid references users(id),
  idempotency_key text,
  idempotency_body_sha256 text,
  source_ip text,
  status text not null default 'OPEN' check (status in ('OPEN', 'CLEARED', 'CONFIRMED')),
  decided_by uuid references users(id),
  decided_at timestamptz,
  decision_reason text,
  created_at timestamptz not null default now(),
  check ((kind = 'APPLICATION') = (application_enc is not null and loan_id is not null and product is not null
                                   and channel is not null and created_by is not null)),
  check ((status = 'OPEN') = (decided_at is null)),
  check ((status = 'OPEN') = (decided_by is null))
);
create unique index aml_reviews_held_key on aml_reviews (created_by, idempotency_key)
  where kind = 'APPLICATION' and idempotency_key is not null;
create unique index aml_reviews_one_open_hold on aml_reviews (borrower_id) where kind = 'APPLICATION' and status = 'OPEN';
create unique index aml_reviews_rescreen_once on aml_reviews (entry_id, borrower_id) where kind = 'RESCREEN';
create index aml_reviews_queue on aml_reviews (status, created_at);
create index aml_reviews_cleared on aml_reviews (entry_id, subject_id_hash) where status = 'CLEARED';

-- aml_reports: what the daily detection (domain/aml-rules.ts) found, one row per customer, business
-- day and rule (plus amendments when the amount grew after a decision), so running it again
-- changes nothing but a draft's amount. A compliance officer
-- submits it (it goes into the export file) or dismisses it with a reason.
create table aml_reports (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid not null references users(id),
  day date not null,
  rule text not null check (rule in ('LARGE_CASH_DAY', 'STRUCTURING', 'EARLY_PAYOFF')),
  kind text not null check (kind in ('LARGE_VALUE', 'SUSPICIOUS')),
  amount numeric(16, 2) not null check (amount > 0),
  payment_ids jsonb not null default '[]',
  loan_ids jsonb not null default '[]',
  status text not null default 'DRAFT' check (status in ('DRAFT', 'SUBMITTED', 'DISMISSED')),
  decided_by uuid references users(id),
  decided_at timestamptz,
  decision_reason text,
  detected_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- An amendment: the day's amount grew after the report (amends) was decided; it reports the new
  -- total and all the day's transactions.
  amends uuid references aml_reports(id),
  check ((status = 'DRAFT') = (decided_at is null)),
  -- A large-value report must be filed (令〔2016〕第3号 art. 5): only suspicious drafts are dismissed.
  check (kind = 'SUSPICIOUS' or status <> 'DISMISSED')
);
create unique index aml_reports_one_per_day on aml_reports (customer_id, day, rule) where amends is null;
create unique index aml_reports_one_draft_amendment on aml_reports (amends) where status = 'DRAFT';
create index aml_reports_queue on aml_reports (status, day);

-- aml_freezes: while a borrower has a row here no money is paid out to them (activities/
-- disbursement.ts refuses the payout, and the loan waits in NEEDS_ATTENTION for a person). A
-- re-screening ID-number hit freezes at once; a name hit freezes when a compliance officer confirms
-- it. Clearing the review removes its freeze; the borrower stays frozen while any other remains.
create table aml_freezes (
  review_id uuid primary key references aml_reviews(id),
  borrower_id uuid not null references users(id),
  frozen_at timestamptz not null default now()
);
create index aml_freezes_borrower on aml_freezes (borrower_id);
