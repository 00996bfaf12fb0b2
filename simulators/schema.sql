-- State of the partner simulators, in their own database (PARTNER_DATABASE_URL).
-- Created at boot; every statement is safe to run again.

-- Transfers (payouts) and debits (auto-collection). The outcome is decided from the card when the
-- request is accepted and applied at settlement, so a restart settles pending rows the same way.
create table if not exists bank_payments (
  payment_id       text primary key,
  kind             text not null check (kind in ('TRANSFER', 'DEBIT')),
  idempotency_key  text not null,
  request_hash     text not null,
  amount           numeric(18, 2) not null check (amount > 0),
  currency         text not null,
  card_masked      text not null,
  reference        text not null,
  callback_url     text,
  outcome          text not null check (outcome in ('SUCCEEDED', 'FAILED')),
  outcome_reason   text,
  status           text not null default 'PENDING' check (status in ('PENDING', 'SUCCEEDED', 'FAILED')),
  failure_reason   text,
  created_at       timestamptz not null default clock_timestamp(),
  settled_at       timestamptz,
  unique (kind, idempotency_key)
);
create index if not exists bank_payments_pending on bank_payments (created_at) where status = 'PENDING';

create table if not exists bank_incoming_payments (
  payment_id        text primary key,
  reference         text not null,
  amount            numeric(18, 2) not null check (amount > 0),
  from_card_masked  text,
  received_at       timestamptz not null default clock_timestamp()
);

-- One row per credit report request: the bureau's record of who asked, with which consent.
create table if not exists bureau_enquiries (
  enquiry_id      bigserial primary key,
  id_number_hash  text not null,
  consent_id      text not null,
  purpose         text not null,
  queried_at      timestamptz not null default clock_timestamp()
);
create index if not exists bureau_enquiries_by_id on bureau_enquiries (id_number_hash);

-- Only a masked recipient and its SHA-256 are kept, never the number or address itself.
create table if not exists notify_messages (
  message_id       text primary key,
  idempotency_key  text not null unique,
  request_hash     text not null,
  channel          text not null check (channel in ('SMS', 'EMAIL')),
  to_masked        text not null,
  to_hash          text not null,
  template         text not null,
  params           jsonb not null,
  receipt_url      text,
  outcome          text not null check (outcome in ('DELIVERED', 'FAILED')),
  outcome_reason   text,
  status           text not null default 'QUEUED' check (status in ('QUEUED', 'DELIVERED', 'FAILED')),
  failure_reason   text,
  queued_at        timestamptz not null default clock_timestamp(),
  delivered_at     timestamptz
);
create index if not exists notify_messages_by_recipient on notify_messages (to_hash);
-- The text as the recipient reads it, when the sender gave one.
alter table notify_messages add column if not exists text text;
create index if not exists notify_messages_queued on notify_messages (queued_at) where status = 'QUEUED';

-- The payment gateway's orders. The merchant's order id is the idempotency key. A borrower pays on
-- the hosted page; `delivery` (chosen from the card at payment) says how the signed confirmation
-- goes out: once, twice, late, or withheld until released through /admin.
create table if not exists gateway_orders (
  order_id           text primary key,
  merchant_order_id  text not null unique,
  request_hash       text not null,
  amount             numeric(18, 2) not null check (amount > 0),
  currency           text not null,
  subject            text not null,
  notify_url         text not null,
  return_url         text,
  expires_at         timestamptz not null,
  status             text not null default 'CREATED' check (status in ('CREATED', 'PAID')),
  card_masked        text,
  delivery           text check (delivery in ('NORMAL', 'DUPLICATE', 'LATE', 'WITHHELD', 'RELEASED')),
  last_decline       text,
  created_at         timestamptz not null default clock_timestamp(),
  paid_at            timestamptz
);
create index if not exists gateway_orders_paid on gateway_orders (paid_at) where status = 'PAID';

-- Outbox of signed callbacks (bank settlements, incoming payments, delivery receipts), sent until a
-- 2xx answer or until the attempts run out. A claimed row is leased by pushing next_attempt_at ahead,
-- so a crash mid-send only delays the next attempt.
create table if not exists partner_callbacks (
  callback_id      bigserial primary key,
  source           text not null check (source in ('bank', 'notify', 'gateway')),
  subject_id       text not null,
  url              text not null,
  body             text not null,
  attempts         integer not null default 0,
  next_attempt_at  timestamptz not null default clock_timestamp(),
  delivered_at     timestamptz,
  abandoned_at     timestamptz,
  last_status      integer,
  last_error       text,
  created_at       timestamptz not null default clock_timestamp()
);
create index if not exists partner_callbacks_due on partner_callbacks (next_attempt_at)
  where delivered_at is null and abandoned_at is null;
-- Databases created before the gateway existed: let it queue callbacks too.
alter table partner_callbacks drop constraint if exists partner_callbacks_source_check;
alter table partner_callbacks add constraint partner_callbacks_source_check
  check (source in ('bank', 'notify', 'gateway'));

-- Credit reporting (征信报送): every submission with the answer it got (a retry gets the same), and
-- every record the center holds per account (only a hash of the ID number is kept).
create table if not exists bureau_report_submissions (
  submission_id  text primary key,
  request_hash   text not null,
  receipt_id     text not null,
  results        jsonb not null,
  received_at    timestamptz not null default clock_timestamp()
);

create table if not exists bureau_report_records (
  record_id       text primary key,
  submission_id   text not null,
  account_id      text not null,
  report_date     date not null,
  record_type     text not null check (record_type in ('NEW', 'CORRECTION', 'DELETION')),
  corrects        text,
  id_number_hash  text not null,
  status          text not null check (status in ('HELD', 'REJECTED', 'CORRECTED', 'DELETED')),
  received_at     timestamptz not null default clock_timestamp()
);
create index if not exists bureau_report_records_account on bureau_report_records (account_id, report_date);

-- Drills: the center's own business checks we cannot foresee (e.g. its subject register holds
-- another name for the ID number). The next NEW record of the account is rejected with this reason.
create table if not exists bureau_report_rejection_rules (
  account_id  text primary key,
  code        text not null,
  message     text not null,
  created_at  timestamptz not null default clock_timestamp()
);
