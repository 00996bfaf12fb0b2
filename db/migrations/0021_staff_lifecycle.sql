-- Staff lifecycle: who created an account, a personal approval limit, and a forced password change
-- after an administrator's reset. See api/routes/staff-users.ts and api/review-authority.ts.

-- The administrator who created the account through the API; null for accounts the installation
-- seeded (demo users, the bootstrap admin) and for self-registered borrowers. Reviews refuse an
-- approval that would let one person act through an account they created.
alter table users add column created_by uuid references users(id);

-- A person's own approval limit. Null: only the role's limit from the product applies; otherwise the
-- lower of the two applies.
alter table users add column approval_limit numeric(14, 2) check (approval_limit is null or approval_limit >= 0);

-- Set by an administrator's password reset: the temporary password only lets the user change it.
alter table users add column must_change_password boolean not null default false;
alter table users add column password_changed_at timestamptz;

-- Who has held an account's credentials or set its duties: the administrator who created it, reset
-- its password (the temporary password goes to that administrator) or changed its role. A link is
-- kept for good: a later password change by the user does not prove the administrator no longer
-- knows it. Reviews refuse an approval when the people of a loan share a controller anywhere up
-- these links (api/review-authority.ts), so one administrator cannot approve alone through
-- accounts they made or took over, directly or through another administrator's account.
create table user_controls (
  user_id uuid not null references users(id),
  controller_id uuid not null references users(id),
  via text not null check (via in ('CREATE', 'PASSWORD_RESET', 'ROLE_CHANGE')),
  at timestamptz not null default now(),
  primary key (user_id, controller_id, via)
);
create index user_controls_controller on user_controls (controller_id);

-- ADMIN manages users and never approves loans: drop it from the final approvers of stored
-- products (new installations get products without it, domain/default-products.ts). A product
-- whose only final approver is ADMIN keeps it, for a person to change rather than be left with none.
update products
set definition = jsonb_set(
  definition,
  '{approvalAuthority,finalApprovers}',
  (select jsonb_agg(a) from jsonb_array_elements(definition -> 'approvalAuthority' -> 'finalApprovers') a
   where a ->> 'role' <> 'ADMIN'))
where exists (select 1 from jsonb_array_elements(definition -> 'approvalAuthority' -> 'finalApprovers') a
              where a ->> 'role' = 'ADMIN')
  and exists (select 1 from jsonb_array_elements(definition -> 'approvalAuthority' -> 'finalApprovers') a
              where a ->> 'role' <> 'ADMIN');
