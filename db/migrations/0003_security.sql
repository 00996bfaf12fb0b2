-- Credentials (revoked access tokens, channel API keys), login attempts, and the
-- tamper-evident audit log. See security/tokens.ts, security/login-throttle.ts, security/audit.ts.

-- "Sign out everywhere": tokens issued at or before this instant are refused.
alter table users add column tokens_valid_after timestamptz;

create table revoked_tokens (
  jti text primary key,
  user_id uuid not null references users(id),
  expires_at timestamptz not null,         -- rows past this can be purged: the token is dead anyway
  revoked_at timestamptz not null default now(),
  reason text not null
);
create index revoked_tokens_expiry on revoked_tokens (expires_at);

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  channel text not null,
  key_hash text not null unique,           -- sha256 hex of the key; the key itself is shown once
  key_prefix text not null,                -- first characters, so people can tell keys apart
  created_by uuid not null references users(id),
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  revoked_by uuid references users(id)
);

create table login_attempts (
  id bigserial primary key,
  at timestamptz not null default now(),
  source_ip text not null,
  user_id uuid references users(id),
  success boolean not null
);
create index login_attempts_ip_failures on login_attempts (source_ip, at) where not success;
create index login_attempts_at on login_attempts (at);

create table audit_log (
  id bigint primary key,
  at timestamptz not null,
  actor_id text,
  actor_role text,
  action text not null,
  resource_type text,
  resource_id text,
  loan_id text,
  source_ip text,
  result text not null check (result in ('SUCCESS', 'FAILURE', 'DENIED')),
  detail jsonb not null default '{}',
  prev_hash text not null,
  hash text not null unique
);
create sequence audit_log_id_seq owned by audit_log.id;
create index audit_log_loan on audit_log (loan_id, id) where loan_id is not null;
create index audit_log_actor on audit_log (actor_id, id);
create index audit_log_resource on audit_log (resource_type, resource_id, id);
create index audit_log_at on audit_log (at);

-- The end of the chain. Appenders lock this row, so the chain stays linear, and the verifier
-- compares it with the last row, so cutting rows off the end is noticed too.
create table audit_chain_head (
  singleton boolean primary key default true check (singleton),
  last_id bigint not null,
  last_hash text not null
);
insert into audit_chain_head (last_id, last_hash) values (0, repeat('0', 64));

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_log_no_update_delete before update or delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();
