-- The audit chain survives a database superuser (security/audit.ts, docs/security.md):
-- 1. Rows carry the scheme of their hash. Rows written so far are scheme 1 (plain SHA-256); every
--    row from now on is scheme 2 (HMAC-SHA256 with a key kept outside the database). The head
--    remembers where scheme 1 ends (v1_last_id); the API also signs that anchor into a file
--    outside the database on its first start, so moving it later is noticed by audit:verify.
-- 2. The application's own role, microloan_app: no superuser, data rights only, and on the audit
--    log SELECT and INSERT alone. Migrations keep running as the database owner.

alter table audit_log add column chain_version smallint not null default 1 check (chain_version in (1, 2));
alter table audit_log alter column chain_version drop default;
alter table audit_chain_head add column v1_last_id bigint;
update audit_chain_head set v1_last_id = last_id;
alter table audit_chain_head alter column v1_last_id set not null;

create function audit_log_keyed_only() returns trigger language plpgsql as $$
begin
  if new.chain_version <> 2 then
    raise exception 'audit_log takes keyed (scheme 2) rows only' using errcode = 'check_violation';
  end if;
  return new;
end;
$$;
create trigger audit_log_keyed_rows before insert on audit_log
  for each row execute function audit_log_keyed_only();

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'microloan_app') then
    create role microloan_app login nosuperuser nocreatedb nocreaterole noreplication nobypassrls;
  end if;
end;
$$;

grant usage on schema public to microloan_app;
grant select, insert, update, delete on all tables in schema public to microloan_app;
grant usage, select, update on all sequences in schema public to microloan_app;
-- Tables and sequences later migrations create (as this owner) get the same rights.
alter default privileges in schema public grant select, insert, update, delete on tables to microloan_app;
alter default privileges in schema public grant usage, select, update on sequences to microloan_app;

revoke all on audit_log from microloan_app;
grant select, insert on audit_log to microloan_app;
revoke all on audit_chain_head from microloan_app;
grant select, update (last_id, last_hash) on audit_chain_head to microloan_app;
revoke all on schema_migrations from microloan_app;
grant select on schema_migrations to microloan_app;
