-- Online repayments. A borrower's ONLINE repayment is an order at the payment gateway; nothing
-- reaches the loan until the gateway's signed confirmation arrives, and then the amount applied is
-- the one the gateway confirmed. An order nobody confirmed within its lifetime expires.
--   PENDING   waiting for the borrower to pay and the gateway to confirm
--   APPLIED   confirmed and applied to the loan once (applied_late: the confirmation came after expiry)
--   EXPIRED   no confirmation before expires_at; nothing was applied
--   UNAPPLIED confirmed, but the loan took no more repayments: a finance task holds the money to refund
create table online_payments (
  payment_id        text primary key,    -- the repayment's paymentId and the gateway's merchant order id
  loan_id           text not null references loans(id),
  borrower_id       uuid not null references users(id),
  requested_amount  numeric(14, 2) not null check (requested_amount > 0),
  gateway_order_id  text unique,
  pay_url           text,
  status            text not null default 'PENDING' check (status in ('PENDING', 'APPLIED', 'EXPIRED', 'UNAPPLIED')),
  expires_at        timestamptz not null,
  confirmed_amount  numeric(14, 2),
  paid_at           timestamptz,
  confirmed_at      timestamptz,
  applied_late      boolean not null default false,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);
create index online_payments_pending on online_payments (expires_at) where status = 'PENDING';
create index online_payments_loan on online_payments (loan_id, created_at);
