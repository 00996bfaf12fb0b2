-- Credit reporting (征信报送) to the credit reference center.
--
-- The borrower's consent to reporting is collected with the application (consents kind
-- CREDIT_REPORTING). Every business date's run builds one record per reportable loan in the
-- personal lending-account layout, keeps it encrypted (it holds the borrower's name and ID
-- number), writes the dated submission file whose sha256 is kept here, and stores the center's
-- answer per record. A rejected record opens a task to fix it; its correction (更正) or deletion
-- (删除) is a record of its own. Borrowers' disputes (异议) carry the 20-day deadline of 征信业管理条例.

alter table consents drop constraint consents_kind_check;
alter table consents add constraint consents_kind_check
  check (kind in ('CREDIT_QUERY', 'DATA_PROCESSING', 'CREDIT_REPORTING'));

-- One submission per business date (the daily run) and one per correction or deletion sent.
create table credit_report_submissions (
  id text primary key,                       -- "daily:<date>" or "<kind>:<recordId>"
  report_date date not null,
  kind text not null check (kind in ('DAILY', 'CORRECTION', 'DELETION')),
  file_name text not null,
  sha256 text not null,
  record_count integer not null check (record_count >= 0),
  status text not null default 'BUILT' check (status in ('BUILT', 'SUBMITTED')),
  receipt_id text,
  created_by text not null,
  created_at timestamptz not null default now(),
  submitted_at timestamptz
);
create unique index credit_report_submissions_daily on credit_report_submissions (report_date) where kind = 'DAILY';

create table credit_report_records (
  id text primary key,                       -- "<loanId>:<date>" (daily) or "<loanId>:<date>:<kind>:<n>"
  submission_id text not null references credit_report_submissions(id),
  loan_id text not null references loans(id),
  report_date date not null,
  record_type text not null check (record_type in ('NEW', 'CORRECTION', 'DELETION')),
  corrects_record_id text references credit_report_records(id),
  account_status text not null,
  body_enc text not null,                    -- the whole record, encrypted (name and ID number inside)
  masked jsonb not null,                     -- the record with the personal data masked, for reading
  status text not null default 'BUILT' check (status in ('BUILT', 'ACCEPTED', 'REJECTED')),
  rejection_reasons jsonb,
  answered_at timestamptz,
  created_at timestamptz not null default now()
);
create index credit_report_records_date on credit_report_records (report_date, loan_id);
create index credit_report_records_loan on credit_report_records (loan_id, report_date);

create table credit_disputes (
  id uuid primary key default gen_random_uuid(),
  loan_id text not null references loans(id),
  raised_by uuid not null references users(id),
  raised_on date not null,
  due_on date not null,                      -- raised_on + 20 days (征信业管理条例 第二十五条)
  reason_enc text not null,                  -- the borrower's words, encrypted
  status text not null default 'OPEN' check (status in ('OPEN', 'RESOLVED')),
  finding text check (finding in ('UPHELD', 'NOT_UPHELD')),
  finding_note_enc text,
  resolved_by uuid references users(id),
  resolved_at timestamptz,
  correction_record_id text references credit_report_records(id),
  created_at timestamptz not null default now()
);
create index credit_disputes_open on credit_disputes (due_on) where status = 'OPEN';
create index credit_disputes_loan on credit_disputes (loan_id);
