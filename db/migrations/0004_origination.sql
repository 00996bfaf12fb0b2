-- Credit enquiries made for each loan (who was queried, under which consent), switches ops
-- flip during incidents, and the notices sent to borrowers.

create table credit_queries (
  loan_id text not null references loans(id),
  subject text not null check (subject in ('APPLICANT', 'GUARANTOR')),
  consent_id uuid not null references consents(id),
  profile text not null,
  bureau_score integer,
  queried_at timestamptz not null default now(),
  primary key (loan_id, subject)
);

create table system_flags (
  name text primary key,
  enabled boolean not null,
  reason text,
  changed_by uuid references users(id),
  changed_at timestamptz not null default now()
);
insert into system_flags (name, enabled, reason) values ('DISBURSEMENTS_PAUSED', false, null);

create table notifications (
  idempotency_key text primary key,
  loan_id text references loans(id),
  user_id uuid references users(id),
  channel text not null,
  template text not null,
  message_id text,
  status text not null,
  created_at timestamptz not null default now()
);
create index notifications_loan on notifications (loan_id);
