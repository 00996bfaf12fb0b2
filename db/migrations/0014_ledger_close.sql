-- A ledger finance can close a month with: numeric chart-of-accounts codes, the funding capital
-- that keeps the bank account from running negative, loan-loss provisions by five-category class
-- with rates finance and risk can edit, and month-end close.
--
-- Closing a month locks it: an entry whose effective date falls in a closed month is moved, by the
-- trigger below, to the first day of the first open month after it, and keeps its own date in
-- original_effective_on. Every insert path goes through the trigger, a superuser's included; only
-- disabling the trigger (which needs the table's owner, and leaves its trace in the DDL) gets past it.

alter table ledger_accounts drop constraint ledger_accounts_kind_check;
alter table ledger_accounts
  add constraint ledger_accounts_kind_check check (kind in ('ASSET', 'CONTRA_ASSET', 'LIABILITY', 'EQUITY', 'INCOME', 'EXPENSE')),
  add column account_no text unique;

insert into ledger_accounts (code, kind, name_zh, name_en) values
  ('FUNDING_CAPITAL', 'EQUITY', '实收资本', 'Paid-in capital funding the bank account'),
  ('LOAN_LOSS_RESERVE', 'CONTRA_ASSET', '贷款损失准备', 'Loan-loss provision held'),
  ('PROVISION_EXPENSE', 'EXPENSE', '资产减值损失-贷款损失准备', 'Loan-loss provision charged');

update ledger_accounts set account_no = v.no
from (values
  ('CASH_ON_HAND', '1001'),
  ('BANK', '1002'),
  ('PAYMENT_GATEWAY', '1012'),
  ('INTEREST_RECEIVABLE', '1132'),
  ('FEE_RECEIVABLE', '122101'),
  ('PENALTY_RECEIVABLE', '122102'),
  ('LOAN_PRINCIPAL', '1303'),
  ('LOAN_LOSS_RESERVE', '1304'),
  ('BORROWER_CREDIT', '224101'),
  ('REFUND_PAYABLE', '224102'),
  ('FUNDING_CAPITAL', '4001'),
  ('INTEREST_INCOME', '6011'),
  ('FEE_INCOME', '6021'),
  ('PENALTY_INCOME', '6051'),
  ('PROVISION_EXPENSE', '6701'),
  ('LOAN_LOSS', '6711')
) as v(code, no)
where ledger_accounts.code = v.code;
alter table ledger_accounts alter column account_no set not null;

alter table journal_entries drop constraint journal_entries_kind_check;
alter table journal_entries
  add constraint journal_entries_kind_check check (kind in (
    'DISBURSEMENT', 'INTEREST', 'INSTALLMENT_FEE', 'PENALTY_INTEREST', 'LATE_FEE',
    'REPAYMENT', 'CREDIT_APPLIED', 'WRITE_OFF', 'REVERSAL', 'REFUND', 'CAPITAL', 'PROVISION')),
  -- The date the entry was meant for, when that month was already closed (null otherwise).
  add column original_effective_on date;
create index journal_entries_effective_on on journal_entries (effective_on);

-- Capital paid into the bank account, recorded by finance (or, locally, the bank's opening balance).
create table capital_injections (
  injection_id text primary key,
  amount numeric(14, 2) not null check (amount > 0),
  effective_on date not null,
  reference text not null,
  recorded_by text not null,
  recorded_at timestamptz not null default now()
);

-- The share of a loan's outstanding principal held as a loan-loss provision, by class.
create table provision_rates (
  classification text primary key check (classification in ('NORMAL', 'SPECIAL_MENTION', 'SUBSTANDARD', 'DOUBTFUL', 'LOSS')),
  rate numeric(5, 4) not null check (rate >= 0 and rate <= 1),
  updated_by text,
  updated_at timestamptz not null default now()
);
insert into provision_rates (classification, rate) values
  ('NORMAL', 0.01), ('SPECIAL_MENTION', 0.02), ('SUBSTANDARD', 0.25), ('DOUBTFUL', 0.50), ('LOSS', 1.00);

-- Closed months. A row is a month closed for good: nothing reopens it.
create table ledger_periods (
  period text primary key check (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  closed_by text not null,
  closed_at timestamptz not null default now()
);

create function ledger_period_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'a closed period stays closed: % on ledger_periods is not allowed', tg_op using errcode = 'P0001';
end $$;
create trigger ledger_periods_append_only before update or delete on ledger_periods
  for each row execute function ledger_period_is_append_only();
create trigger ledger_periods_no_truncate before truncate on ledger_periods
  for each statement execute function ledger_period_is_append_only();

-- The key both sides of the close take: postings share it, a close takes it alone, so a close waits
-- for postings in flight and a posting started during a close sees the month closed.
create function ledger_close_lock_key() returns bigint language sql immutable as $$ select 7318450021 $$;

create function journal_entry_into_open_period() returns trigger language plpgsql as $$
declare
  d date := new.effective_on;
begin
  perform pg_advisory_xact_lock_shared(ledger_close_lock_key());
  while exists (select 1 from ledger_periods where period = to_char(d, 'YYYY-MM')) loop
    d := (date_trunc('month', d) + interval '1 month')::date;
  end loop;
  if d <> new.effective_on then
    new.original_effective_on := new.effective_on;
    new.effective_on := d;
  end if;
  return new;
end $$;

create trigger journal_entries_open_period before insert on journal_entries
  for each row execute function journal_entry_into_open_period();

-- Payouts sent to the bank and not yet in the ledger: what BANK must still cover. A payout is
-- reserved before its transfer is asked for, under the transfer's idempotency key; it stops
-- counting once its disbursement entry is posted (external_ref = the key) or it is released
-- (the bank failed it, or never received it).
create table payout_reservations (
  idempotency_key text primary key,
  loan_id text not null references loans(id),
  amount numeric(14, 2) not null check (amount > 0),
  reserved_at timestamptz not null default now(),
  released_at timestamptz
);
create index payout_reservations_open on payout_reservations (reserved_at) where released_at is null;
