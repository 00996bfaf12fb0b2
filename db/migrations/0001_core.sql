-- People, products, loan projections, documents, consents, tasks and the loan timeline.
-- Personal data is stored encrypted (*_enc: "keyId:base64(iv|tag|ciphertext)") with HMAC
-- blind indexes (*_hash) for lookups; see security/field-crypto.ts.

create table users (
  id uuid primary key default gen_random_uuid(),
  role text not null,
  username text unique,                    -- staff log in with a username
  phone_hash text unique,                  -- borrowers log in with their phone (blind index)
  phone_enc text,
  name_enc text,
  id_number_hash text unique,
  id_number_enc text,
  password_hash text not null,
  status text not null default 'ACTIVE' check (status in ('ACTIVE', 'DISABLED')),
  failed_logins integer not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  check (username is not null or phone_hash is not null)
);

create table products (
  code text primary key,
  loan_type text not null,
  version integer not null default 1,
  definition jsonb not null,
  active boolean not null default true,
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);

create table loans (
  id text primary key,                     -- also the Temporal workflow id
  borrower_id uuid not null references users(id),
  loan_type text not null,
  product_code text not null references products(code),
  amount numeric(14, 2) not null check (amount > 0),
  term_count integer not null,
  method text not null,
  frequency text not null default 'MONTHLY',
  annual_rate numeric(8, 6) not null,
  channel text not null,                   -- ONLINE (borrower) or OFFLINE (loan officer)
  created_by uuid not null references users(id),
  status text not null,
  application_enc text not null,           -- the whole application, encrypted
  idempotency_key text,
  assessment jsonb,
  offer jsonb,
  contract_sha256 text,
  initial_reviewer_id uuid references users(id),
  final_reviewer_id uuid references users(id),
  collector_id uuid references users(id),
  decided_at timestamptz,
  disbursed_at timestamptz,
  days_past_due integer not null default 0,
  classification text not null default 'NORMAL',
  outstanding_principal numeric(14, 2) not null default 0,
  next_due_date date,
  closed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (created_by, idempotency_key)
);
create index loans_borrower on loans (borrower_id);
create index loans_status on loans (status);
create index loans_created on loans (created_at);
-- At most one application in flight per borrower.
create unique index loans_one_in_flight on loans (borrower_id)
  where status in ('AWAITING_DOCUMENTS', 'ASSESSING', 'INITIAL_REVIEW', 'FINAL_REVIEW', 'AWAITING_SIGNATURE', 'DISBURSING');

create table consents (
  id uuid primary key default gen_random_uuid(),
  loan_id text not null references loans(id),
  user_id uuid not null references users(id),
  kind text not null check (kind in ('CREDIT_QUERY', 'DATA_PROCESSING')),
  text_version text not null,
  granted_at timestamptz not null default now(),
  source_ip text,
  unique (loan_id, kind)
);

create table documents (
  id uuid primary key default gen_random_uuid(),
  loan_id text not null references loans(id),
  type text not null,
  filename text not null,
  content_type text not null,
  size_bytes integer not null check (size_bytes > 0),
  sha256 text not null,
  content_enc bytea not null,              -- AES-256-GCM sealed bytes
  key_id text not null,
  uploaded_by uuid not null references users(id),
  created_at timestamptz not null default now()
);
create index documents_loan on documents (loan_id);

create table contracts (
  loan_id text not null references loans(id),
  version integer not null,
  sha256 text not null,
  html_enc text not null,                  -- the rendered contract, encrypted; its sha256 is of the plaintext bytes
  created_at timestamptz not null default now(),
  primary key (loan_id, version)
);

create table tasks (
  id uuid primary key default gen_random_uuid(),
  loan_id text not null references loans(id),
  kind text not null,                      -- INITIAL_REVIEW, FINAL_REVIEW, COLLECTION_CALL, SUPERVISOR, LEGAL, WRITE_OFF_REVIEW
  task_key text not null,                  -- business key, e.g. "INITIAL_REVIEW:1" or "COLLECTION_CALL:3"
  role text not null,
  status text not null default 'OPEN' check (status in ('OPEN', 'DONE', 'CANCELLED')),
  assignee_id uuid references users(id),
  detail jsonb not null default '{}',
  due_at timestamptz,
  created_at timestamptz not null default now(),
  closed_at timestamptz,
  closed_by uuid references users(id),
  unique (loan_id, task_key)
);
create index tasks_open on tasks (role, status);

create table loan_events (
  id bigserial primary key,
  loan_id text not null references loans(id),
  event_key text not null,                 -- makes activity retries idempotent
  kind text not null,
  actor text,
  detail jsonb not null default '{}',
  at timestamptz not null default now(),
  unique (loan_id, event_key)
);
