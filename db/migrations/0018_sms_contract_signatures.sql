-- A borrower's signature on a contract (POST /v1/loans/{id}/contract/sign): which contract (its
-- sha256), when, the SMS code verification that confirmed it (sms_codes.id), and where from: the
-- client's address and its user-agent and device id as the client sent them.
create table contract_signatures (
  id uuid primary key default gen_random_uuid(),
  loan_id text not null references loans(id),
  contract_sha256 text not null,
  signer_id uuid not null references users(id),
  signed_at timestamptz not null default now(),
  sms_verification_id uuid not null unique references sms_codes(id),
  client_ip text,
  user_agent text,
  device_id text,
  unique (loan_id, contract_sha256)
);
