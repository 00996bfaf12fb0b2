-- 补充协议 of an extension (展期) or restructuring (重组): rendered once per request from the approved
-- plan (`terms`, the data it was rendered from), the body encrypted like contracts (it names the
-- borrower), its sha256 of the plaintext bytes. The borrower's signature is a contract_signatures
-- row with this sha256 (SMS code confirmed), like the loan contract's.
create table supplementary_contracts (
  loan_id text not null references loans(id),
  request_id text not null,
  kind text not null check (kind in ('EXTENSION', 'RESTRUCTURING')),
  sha256 text not null unique,
  html_enc text not null,
  terms jsonb not null,
  issued_at timestamptz not null,
  primary key (loan_id, request_id)
);
