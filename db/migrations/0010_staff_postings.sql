-- Maker-checker for staff postings: a CASH or BANK_TRANSFER repayment recorded by finance waits
-- here as PENDING_APPROVAL until a different finance user approves it (or a line of the bank's
-- statement confirms it), or it is rejected with a reason. Only an approved posting reaches the
-- loan, under `posted_payment_id` (its own payment id, or the bank line's when a statement matched).
create table staff_postings (
  payment_id text primary key,
  loan_id text not null references loans(id),
  channel text not null check (channel in ('BANK_TRANSFER', 'CASH')),
  amount numeric(14, 2) not null check (amount > 0),
  received_on date not null,
  reference text,
  status text not null default 'PENDING_APPROVAL' check (status in ('PENDING_APPROVAL', 'APPROVED', 'REJECTED')),
  made_by text not null,
  made_at timestamptz not null default now(),
  checked_by text,
  checked_at timestamptz,
  reject_reason text,
  statement_line_id text unique,
  posted_payment_id text,
  posted_at timestamptz,
  check ((status = 'PENDING_APPROVAL') = (checked_at is null)),
  check (status <> 'REJECTED' or reject_reason is not null)
);
create index staff_postings_pending on staff_postings (made_at) where status = 'PENDING_APPROVAL';
create index staff_postings_loan on staff_postings (loan_id, made_at);
