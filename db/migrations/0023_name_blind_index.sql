-- Staff search finds a borrower by name without plaintext in SQL: a blind index (HMAC) of the
-- normalized name, beside the sealed name. Names are not unique, so the index is not either.
-- Rows written before this column existed get their index from the API at start
-- (security/name-index-backfill.ts): the HMAC key is not the database's to know.
alter table users add column name_hash text;
create index users_name_hash on users (name_hash) where name_hash is not null;
