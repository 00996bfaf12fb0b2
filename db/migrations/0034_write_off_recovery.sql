-- Money received on a written-off loan (核销后收回): the write-off already took the receivables to
-- losses, so the payment is income of its own, RECOVERY_INCOME (chart code 630101, under 营业外收入),
-- posted as a WRITE_OFF_RECOVERY entry (cash account ← RECOVERY_INCOME) under the payment's own
-- business key payment:<paymentId>, and recorded here once per payment id.
insert into ledger_accounts (code, kind, name_zh, name_en, account_no)
select v.code, 'INCOME', '核销贷款收回', 'Recoveries on loans written off', v.no
from (values ('RECOVERY_INCOME', '630101')) as v(code, no)
on conflict (code) do nothing;

alter table journal_entries drop constraint journal_entries_kind_check;
alter table journal_entries
  add constraint journal_entries_kind_check check (kind in (
    'DISBURSEMENT', 'INTEREST', 'INSTALLMENT_FEE', 'PENALTY_INTEREST', 'LATE_FEE',
    'REPAYMENT', 'CREDIT_APPLIED', 'WRITE_OFF', 'REVERSAL', 'REFUND', 'CAPITAL', 'PROVISION',
    'WRITE_OFF_RECOVERY'));

create table write_off_recoveries (
  payment_id text primary key,
  loan_id text not null references loans(id),
  channel text not null check (channel in ('BANK_TRANSFER', 'CASH')),
  amount numeric(14, 2) not null check (amount > 0),
  received_on date not null,
  -- Who made it count: the checker who approved a staff posting, or system:bank for a bank notice.
  recorded_by text not null,
  business_key text not null unique references journal_entries(business_key),
  created_at timestamptz not null default now()
);
create index write_off_recoveries_loan on write_off_recoveries (loan_id, received_on);
