-- One-time SMS codes (security/sms-codes.ts). Neither the code nor the phone number is stored:
-- the phone as a SHA-256 look-up key, the code as a SHA-256 salted with the row's id. A code is
-- for one purpose (and, for signing or a payout account, one loan), lives 5 minutes, allows 5
-- tries and is used once; its id is the verification id that the act it confirmed records.
create table sms_codes (
  id uuid primary key default gen_random_uuid(),
  phone_key text not null,
  purpose text not null check (purpose in ('REGISTER', 'SIGN_CONTRACT', 'CLAIM_ACCOUNT', 'CHANGE_PAYOUT_ACCOUNT')),
  loan_id text not null default '',
  code_hash text not null,
  issued_at timestamptz not null default now(),
  expires_at timestamptz not null,
  attempts int not null default 0,
  consumed_at timestamptz
);

create index sms_codes_lookup on sms_codes (phone_key, purpose, loan_id, issued_at desc);
