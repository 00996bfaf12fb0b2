-- Every read of a loan is served from PostgreSQL, so the loans projection holds the parts of the
-- loan's view that only its workflow knows: the terms as reviewed, the documents asked for and
-- received, the automated decision, the reviews, the contract, the payout attempts, the closing
-- reason and the servicing figures (workflows/view-projection.ts). The workflow hands a field over
-- with an activity it calls anyway, only when the field changed; each field keeps the stamp of the
-- write that set it, so a late or retried write never puts back an older value.
alter table loans
  add column view_fields jsonb not null default '{}',
  add column view_field_stamps jsonb not null default '{}';
