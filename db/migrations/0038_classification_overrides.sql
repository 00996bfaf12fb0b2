-- Classification overrides (五级分类调整): a risk manager proposes a loan's class with a reason, a
-- second risk manager approves or rejects it (maker-checker). The latest approved override of a
-- loan holds over its computed class unless the computed class is worse; an approved override to
-- COMPUTED lifts it. Every reader of a loan's class reads effective_classification().
create table classification_overrides (
  id uuid primary key default gen_random_uuid(),
  loan_id text not null references loans(id),
  to_class text not null
    check (to_class in ('NORMAL', 'SPECIAL_MENTION', 'SUBSTANDARD', 'DOUBTFUL', 'LOSS', 'COMPUTED')),
  reason text not null check (length(reason) between 1 and 500),
  status text not null default 'PENDING' check (status in ('PENDING', 'APPROVED', 'REJECTED')),
  proposed_by uuid not null references users(id),
  proposed_at timestamptz not null default now(),
  decided_by uuid references users(id),
  decided_at timestamptz,
  reject_reason text,
  check (decided_by is null or decided_by <> proposed_by),
  check ((status = 'PENDING') = (decided_at is null))
);

-- At most one proposal waits per loan.
create unique index classification_overrides_one_pending on classification_overrides (loan_id) where status = 'PENDING';
create index classification_overrides_approved on classification_overrides (loan_id, decided_at desc) where status = 'APPROVED';

-- 1 (NORMAL) … 5 (LOSS), as domain/classification.ts orders the classes.
create function loan_class_rank(c text) returns int language sql immutable as $$
  select array_position(array['NORMAL', 'SPECIAL_MENTION', 'SUBSTANDARD', 'DOUBTFUL', 'LOSS'], c)
$$;

-- The class that holds for the loan at `as_of`: the latest override approved by then, unless it is
-- a lift (COMPUTED) or the computed class is worse; otherwise the computed class.
create function effective_classification(p_loan_id text, computed text, as_of timestamptz default now())
returns text language sql stable as $$
  select case
    when o.to_class is null or o.to_class = 'COMPUTED' then computed
    when loan_class_rank(computed) > loan_class_rank(o.to_class) then computed
    else o.to_class
  end
  from (select 1) one
  left join lateral (
    select to_class from classification_overrides
    where loan_id = p_loan_id and status = 'APPROVED' and decided_at <= as_of
    order by decided_at desc, id desc limit 1
  ) o on true
$$;
