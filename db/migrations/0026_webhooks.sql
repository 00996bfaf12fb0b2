-- Signed webhooks for channels: which channel a loan came through, the channels' subscriptions, the
-- outbox of loan events (written in the transaction that updates the loan's projection, so no event
-- is lost), one delivery per event and subscription, and every attempt. See db/webhooks.ts,
-- worker/webhook-deliverer.ts and api/routes/webhooks.ts.

-- The channel whose API key came with the application (X-Api-Key). Loans applied for without a key
-- have no row and no webhooks.
create table loan_channels (
  loan_id text primary key references loans(id),
  channel text not null,
  recorded_at timestamptz not null default now()
);
create index loan_channels_channel on loan_channels (channel);

create table webhook_subscriptions (
  id uuid primary key default gen_random_uuid(),
  channel text not null,
  url text not null,
  event_types text[] not null check (cardinality(event_types) > 0),
  secret_enc text not null,                -- field-encrypted (context webhook_subscriptions.secret)
  created_at timestamptz not null default now(),
  secret_rotated_at timestamptz,
  deleted_at timestamptz
);
create index webhook_subscriptions_channel on webhook_subscriptions (channel) where deleted_at is null;

-- The outbox: one row per webhook event of a loan that has a channel. event_key makes a retried
-- projection write add nothing ("<loanId>:<loan event key>:<type>", or "<loanId>:<type>" for the
-- once-per-loan events).
create table webhook_events (
  id uuid primary key default gen_random_uuid(),
  event_key text not null unique,
  loan_id text not null references loans(id),
  channel text not null,
  type text not null,
  data jsonb not null,
  occurred_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index webhook_events_loan on webhook_events (loan_id);

create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null references webhook_events(id),
  subscription_id uuid not null references webhook_subscriptions(id),
  channel text not null,
  status text not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'FAILED')),
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_status_code int,
  last_error text,
  delivered_at timestamptz,
  replay_of uuid references webhook_deliveries(id),
  created_at timestamptz not null default now()
);
-- One first delivery per event and subscription; replays are further rows naming the one replayed.
create unique index webhook_deliveries_first on webhook_deliveries (event_id, subscription_id) where replay_of is null;
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'PENDING';
create index webhook_deliveries_channel on webhook_deliveries (channel, created_at desc);

create table webhook_attempts (
  id bigserial primary key,
  delivery_id uuid not null references webhook_deliveries(id),
  attempt int not null,
  started_at timestamptz not null,
  duration_ms int not null,
  status_code int,
  error text,
  unique (delivery_id, attempt)
);
