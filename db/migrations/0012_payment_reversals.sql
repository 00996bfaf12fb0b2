-- Maker-checker for reversing an applied repayment: a finance user asks for the reversal of a
-- repayment with a reason; a different finance user approves it (the loan's workflow then rebuilds
-- the account without the payment and posts the mirror entry) or rejects it with a reason. Nothing
-- in repayments or the ledger is edited: the reversal is new entries. One request per payment.
create table payment_reversals (
  payment_id text primary key references repayments(payment_id),
  loan_id text not null references loans(id),
  reason text not null check (length(reason) between 1 and 500),
  status text not null default 'PENDING_APPROVAL' check (status in ('PENDING_APPROVAL', 'APPROVED', 'REJECTED')),
  requested_by text not null,
  requested_at timestamptz not null default now(),
  checked_by text,
  checked_at timestamptz,
  reject_reason text,
  reversed_at timestamptz,
  check ((status = 'PENDING_APPROVAL') = (checked_at is null)),
  check (status <> 'REJECTED' or reject_reason is not null),
  check (checked_by is null or checked_by <> requested_by)
);
create index payment_reversals_pending on payment_reversals (requested_at) where status = 'PENDING_APPROVAL';
create index payment_reversals_loan on payment_reversals (loan_id, requested_at);
