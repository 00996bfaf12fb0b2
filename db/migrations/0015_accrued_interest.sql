-- Interest accrued day by day inside each loan's workflow (domain/interest-accrual.ts): earned and
-- not yet due, it sits in its own asset account until the installment falls due and moves it to
-- INTEREST_RECEIVABLE. Accrual entries are INTEREST entries keyed loan:<id>:accrual:<last day>.
-- Its chart code (domain/chart-of-accounts.ts) sits under interest receivable.
insert into ledger_accounts (code, kind, name_zh, name_en, account_no)
select v.code, 'ASSET', '应计利息', 'Interest accrued, not yet due', v.no
from (values ('ACCRUED_INTEREST_RECEIVABLE', '113201')) as v(code, no)
on conflict (code) do nothing;
