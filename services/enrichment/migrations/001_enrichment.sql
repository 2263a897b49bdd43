-- Enrichment state. Every table leads its primary key with account_id (the Kafka key of the topics it comes from),
-- so no unit of work spans two accounts' rows and the tables can later be distributed on that column.

-- What a lookup needs to know about an account: how to name it to a provider.
CREATE TABLE accounts (
  account_id text        NOT NULL,
  name       text        NOT NULL,
  domain     text,
  updated_at timestamptz NOT NULL,
  CONSTRAINT accounts_pkey PRIMARY KEY (account_id)
);

-- The people of each account as ingestion last described them (the full person, all its accounts included), so an
-- enriched person can be re-published whole and found people are not published twice.
CREATE TABLE account_persons (
  account_id   text        NOT NULL,
  person_id    text        NOT NULL,
  relationship text,
  person       jsonb       NOT NULL,
  updated_at   timestamptz NOT NULL,
  CONSTRAINT account_persons_pkey PRIMARY KEY (account_id, person_id)
);

-- One row per "role missing" that led to a provider lookup. The worker claims pending rows (FOR UPDATE SKIP LOCKED +
-- lease), runs them outside any consumer transaction, then marks them done, reschedules them (next_attempt_at) or
-- parks them after too many attempts. created_at of the latest non-cancelled row is the cool-down clock of the slot.
CREATE TABLE lookup_jobs (
  account_id           text        NOT NULL,
  job_id               text        NOT NULL,
  solution_interest_id text        NOT NULL,
  buying_group_id      text        NOT NULL,
  role                 text        NOT NULL,
  slot                 integer     NOT NULL,
  slot_definition      jsonb       NOT NULL,
  cause_event_id       text        NOT NULL,
  status               text        NOT NULL DEFAULT 'pending',
  attempts             integer     NOT NULL DEFAULT 0,
  next_attempt_at      timestamptz NOT NULL,
  lease_until          timestamptz,
  -- Why the last attempt failed; on a done job, what it could not do (e.g. enriching known people failed).
  last_error           text,
  found_count          integer,
  enriched_count       integer,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  CONSTRAINT lookup_jobs_pkey PRIMARY KEY (account_id, job_id),
  CONSTRAINT lookup_jobs_status_check CHECK (status IN ('pending', 'running', 'done', 'cancelled', 'parked'))
);
CREATE INDEX lookup_jobs_slot_idx ON lookup_jobs (account_id, solution_interest_id, role, created_at DESC);
CREATE INDEX lookup_jobs_due_idx ON lookup_jobs (next_attempt_at) WHERE status IN ('pending', 'running');

-- Per (account, solution interest): the roles missing now, and what the LinkedIn audience was last told. The account
-- belongs in the solution interest's audience while any role is missing; the worker reconciles rows whose wish
-- (missing_roles not empty) differs from in_audience, so an add and a later remove can never be applied out of order.
CREATE TABLE audience_members (
  account_id           text        NOT NULL,
  solution_interest_id text        NOT NULL,
  missing_roles        text[]      NOT NULL DEFAULT '{}',
  in_audience          boolean     NOT NULL DEFAULT false,
  -- The company exactly as it was added, so a later removal names it the same way even if the account was renamed.
  synced_company       jsonb,
  status               text        NOT NULL DEFAULT 'in-sync',
  attempts             integer     NOT NULL DEFAULT 0,
  next_attempt_at      timestamptz NOT NULL,
  lease_until          timestamptz,
  last_error           text,
  updated_at           timestamptz NOT NULL,
  CONSTRAINT audience_members_pkey PRIMARY KEY (account_id, solution_interest_id),
  CONSTRAINT audience_members_status_check CHECK (status IN ('in-sync', 'pending', 'running', 'parked'))
);
CREATE INDEX audience_members_due_idx ON audience_members (next_attempt_at) WHERE status IN ('pending', 'running');

-- The audit trail: every outbound call (or one refused before it went out), how it ended and why it was made.
-- Bodies are not stored and URLs are redacted, so no credentials or personal data beyond ids land here.
CREATE TABLE provider_calls (
  account_id           text        NOT NULL,
  call_id              bigserial   NOT NULL,
  provider             text        NOT NULL,
  method               text        NOT NULL,
  url                  text        NOT NULL,
  status               integer,
  duration_ms          integer     NOT NULL,
  outcome              text        NOT NULL,
  attempt              integer     NOT NULL,
  error                text,
  called_at            timestamptz NOT NULL,
  job_kind             text        NOT NULL,
  job_id               text        NOT NULL,
  purpose              text        NOT NULL,
  solution_interest_id text,
  role                 text,
  CONSTRAINT provider_calls_pkey PRIMARY KEY (account_id, call_id)
);
CREATE INDEX provider_calls_called_at_idx ON provider_calls (called_at);
