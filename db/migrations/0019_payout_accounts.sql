-- Payout accounts a borrower gives after the first one failed the bank's four-element check or the
-- payout failed. Every account given is kept (encrypted: card, bank, reserved phone) with the bank's
-- answer; one that matches becomes the application's bank account, the one payouts and refunds go to.
create table payout_accounts (
  id uuid primary key default gen_random_uuid(),
  loan_id text not null references loans(id),
  account_enc text not null,                -- {cardNumber, bankName, reservedPhone}, APPLICATION_CONTEXT
  card_last4 text not null check (card_last4 ~ '^[0-9]{4}$'),
  status text not null default 'PENDING' check (status in ('PENDING', 'VERIFIED', 'MISMATCH')),
  mismatched jsonb not null default '[]',
  sms_verification_id text,                 -- the SMS code check that confirmed the change
  consent_text_version text not null,       -- the consent the borrower gave with the new account
  requested_by uuid not null references users(id),
  requested_at timestamptz not null default now(),
  checked_at timestamptz,
  check ((status = 'PENDING') = (checked_at is null))
);
create index payout_accounts_loan on payout_accounts (loan_id, requested_at);
