-- Compliance: the screening list applicants and guarantors are checked against (sanctions,
-- blacklists, anti-money-laundering watch lists), and the retention mark of loans whose
-- personal data was purged after the retention period (scripts/retention.ts).
--
-- Entries hold no personal data in clear: the ID number and the name as blind indexes
-- (HMAC, security/screening.ts) for matching, and masked forms for people to recognise them.

create table screening_entries (
  id uuid primary key default gen_random_uuid(),
  list text not null check (list in ('SANCTIONS', 'BLACKLIST', 'AML_WATCH')),
  id_number_hash text,
  id_number_masked text,
  name_hash text,
  name_masked text,
  source text not null,                    -- where the entry comes from, e.g. a regulator's notice
  reason text not null,
  created_by uuid not null references users(id),
  created_at timestamptz not null default now(),
  removed_at timestamptz,
  removed_by uuid references users(id),
  check (id_number_hash is not null or name_hash is not null),
  check ((id_number_hash is null) = (id_number_masked is null)),
  check ((name_hash is null) = (name_masked is null))
);
create unique index screening_entries_one_per_id on screening_entries (list, id_number_hash)
  where removed_at is null and id_number_hash is not null;
create index screening_entries_by_id on screening_entries (id_number_hash) where removed_at is null;
create index screening_entries_by_name on screening_entries (name_hash) where removed_at is null and id_number_hash is null;

-- Set when the retention job replaced the loan's application, documents and contract bodies.
alter table loans add column pii_purged_at timestamptz;
create index loans_closed_unpurged on loans (closed_at) where closed_at is not null and pii_purged_at is null;
