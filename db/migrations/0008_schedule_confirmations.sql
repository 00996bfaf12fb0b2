-- 还款计划确认书: issued at payout with the repayment schedule counted from the actual payout date.
-- The loan's servicing account is opened from exactly the schedule it states (`schedule`, the data
-- it was rendered from); the body is encrypted like contracts (it names the borrower), and its
-- sha256 is of the plaintext bytes.
create table schedule_confirmations (
  loan_id text primary key references loans(id),
  sha256 text not null,
  html_enc text not null,
  disbursed_on date not null,
  contract_sha256 text,
  schedule jsonb not null,
  issued_at timestamptz not null
);
