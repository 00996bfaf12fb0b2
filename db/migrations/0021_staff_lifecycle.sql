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
