-- Money after the payout: the double-entry ledger, repayments, the installment projection,
-- servicing columns of the loans projection, and settlement certificates.
--
-- The ledger is append-only: journal entries and their lines can be inserted, never changed or
-- deleted (a trigger says no); a mistake is corrected by a REVERSAL entry. Every entry has a
-- unique business key ("loan:<id>:disbursement", "payment:<paymentId>", "loan:<id>:interest:<n>"),
-- so posting the same business event twice is a no-op, and its lines must balance (debits equal
-- credits), checked when the transaction commits. Balances are derived from the lines.

create table ledger_accounts (
  code text primary key,
  kind text not null check (kind in ('ASSET', 'LIABILITY', 'INCOME', 'EXPENSE')),
  name_zh text not null,
  name_en text not null
);

insert into ledger_accounts (code, kind, name_zh, name_en) values
  ('BANK', 'ASSET', '托管银行存款', 'Custodian bank account'),
  ('CASH_ON_HAND', 'ASSET', '库存现金', 'Cash collected at the counter'),
  ('PAYMENT_GATEWAY', 'ASSET', '线上支付清算', 'Online payment clearing'),
  ('LOAN_PRINCIPAL', 'ASSET', '贷款本金', 'Loan principal receivable'),
  ('INTEREST_RECEIVABLE', 'ASSET', '应收利息', 'Interest receivable'),
  ('FEE_RECEIVABLE', 'ASSET', '应收服务费', 'Installment fees receivable'),
  ('PENALTY_RECEIVABLE', 'ASSET', '应收罚息及滞纳金', 'Penalty interest and late fees receivable'),
  ('BORROWER_CREDIT', 'LIABILITY', '借款人预存款', 'Borrower credit (overpayments carried forward)'),
  ('REFUND_PAYABLE', 'LIABILITY', '应退借款人款项', 'Overpayments to refund'),
  ('INTEREST_INCOME', 'INCOME', '利息收入', 'Interest income'),
  ('FEE_INCOME', 'INCOME', '手续费收入', 'Fee income'),
  ('PENALTY_INCOME', 'INCOME', '罚息及滞纳金收入', 'Penalty and late fee income'),
  ('LOAN_LOSS', 'EXPENSE', '贷款核销损失', 'Loan losses written off');

create table journal_entries (
  id bigserial primary key,
  business_key text not null unique,
  loan_id text references loans(id),
  kind text not null check (kind in (
    'DISBURSEMENT', 'INTEREST', 'INSTALLMENT_FEE', 'PENALTY_INTEREST', 'LATE_FEE',
    'REPAYMENT', 'CREDIT_APPLIED', 'WRITE_OFF', 'REVERSAL')),
  effective_on date not null,
  -- The partner's reference for the money movement: the bank transfer's or debit's
  -- idempotency key, or the incoming payment id. Reconciliation matches on it.
  external_ref text,
  reverses_key text references journal_entries(business_key),
  memo text not null default '',
  created_at timestamptz not null default now()
);
create index journal_entries_loan on journal_entries (loan_id);
create unique index journal_entries_external_ref on journal_entries (external_ref) where external_ref is not null and kind <> 'REVERSAL';
create unique index journal_entries_one_reversal on journal_entries (reverses_key) where reverses_key is not null;

create table journal_lines (
  entry_id bigint not null references journal_entries(id),
  line_no integer not null,
  account text not null references ledger_accounts(code),
  loan_id text references loans(id),
  debit numeric(14, 2) not null default 0 check (debit >= 0),
  credit numeric(14, 2) not null default 0 check (credit >= 0),
  check ((debit = 0) <> (credit = 0)),
  primary key (entry_id, line_no)
);
create index journal_lines_account on journal_lines (account, loan_id);

create function ledger_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the ledger is append-only: % on % is not allowed; post a reversal instead', tg_op, tg_table_name
    using errcode = 'P0001';
end $$;

create trigger journal_entries_append_only before update or delete on journal_entries
  for each row execute function ledger_is_append_only();
create trigger journal_entries_no_truncate before truncate on journal_entries
  for each statement execute function ledger_is_append_only();
create trigger journal_lines_append_only before update or delete on journal_lines
  for each row execute function ledger_is_append_only();
create trigger journal_lines_no_truncate before truncate on journal_lines
  for each statement execute function ledger_is_append_only();

-- Debits equal credits in every entry, checked at commit so an entry's lines go in together.
create function journal_entry_balances() returns trigger language plpgsql as $$
declare
  d numeric;
  c numeric;
  n integer;
begin
  select coalesce(sum(debit), 0), coalesce(sum(credit), 0), count(*) into d, c, n
    from journal_lines where entry_id = new.entry_id;
  if n < 2 or d <> c then
    raise exception 'journal entry % does not balance: debits %, credits %, % lines', new.entry_id, d, c, n
      using errcode = 'P0001';
  end if;
  return null;
end $$;

create constraint trigger journal_lines_balance after insert on journal_lines
  deferrable initially deferred for each row execute function journal_entry_balances();

-- Every repayment the loan accepted, by its idempotent payment id, with the answer it got.
create table repayments (
  payment_id text primary key,
  loan_id text not null references loans(id),
  channel text not null check (channel in ('ONLINE', 'BANK_TRANSFER', 'CASH', 'AUTO_DEBIT')),
  amount numeric(14, 2) not null check (amount > 0),
  received_on date not null,
  recorded_by text,
  allocation jsonb not null,
  result jsonb not null,
  created_at timestamptz not null default now()
);
create index repayments_loan on repayments (loan_id, created_at);

-- The repayment schedule as servicing keeps it: amounts due and paid per installment.
create table installments (
  loan_id text not null references loans(id),
  number integer not null check (number > 0),
  due_date date not null,
  principal numeric(14, 2) not null,
  interest numeric(14, 2) not null,
  fee numeric(14, 2) not null,
  penalty numeric(14, 2) not null default 0,
  paid_principal numeric(14, 2) not null default 0,
  paid_interest numeric(14, 2) not null default 0,
  paid_fee numeric(14, 2) not null default 0,
  paid_penalty numeric(14, 2) not null default 0,
  paid_on date,
  updated_at timestamptz not null default now(),
  primary key (loan_id, number)
);

alter table loans
  add column max_days_past_due integer not null default 0,
  -- The borrower's auto-debit (代扣) authorisation; null means "not chosen": the product's default.
  add column auto_debit boolean;

create table settlement_certificates (
  loan_id text primary key references loans(id),
  sha256 text not null,
  html_enc text not null,                  -- contains the borrower's name: encrypted like contracts
  paid_off_on date not null,
  issued_at timestamptz not null default now()
);
