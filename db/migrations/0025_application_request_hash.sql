-- The same Idempotency-Key with a different application body is refused (422) instead of quietly
-- answering with the loan the first body created: the loan keeps the sha256 of the canonical
-- JSON of the body that created it. Null for loans created before, which replay as they did.
alter table loans add column idempotency_body_sha256 text;
