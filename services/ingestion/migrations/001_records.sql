-- Canonical CRM records. `updated_at` is the source's modification time (or deletion time): an event older than it
-- is stale. Deleted records stay as tombstones so a late, older upsert cannot bring them back.

CREATE TABLE accounts (
  account_id        text        NOT NULL,
  parent_account_id text,
  data              jsonb,
  updated_at        timestamptz NOT NULL,
  deleted           boolean     NOT NULL DEFAULT false,
  CONSTRAINT accounts_pkey PRIMARY KEY (account_id)
);
CREATE INDEX accounts_parent_account_id_idx ON accounts (parent_account_id);

CREATE TABLE persons (
  person_id  text        NOT NULL,
  data       jsonb,
  updated_at timestamptz NOT NULL,
  deleted    boolean     NOT NULL DEFAULT false,
  CONSTRAINT persons_pkey PRIMARY KEY (person_id)
);

-- Person ↔ account links, led by account_id like every per-account table (the Kafka key of downstream topics).
CREATE TABLE person_accounts (
  account_id   text NOT NULL,
  person_id    text NOT NULL,
  relationship text NOT NULL,
  CONSTRAINT person_accounts_pkey PRIMARY KEY (account_id, person_id)
);
CREATE INDEX person_accounts_person_id_idx ON person_accounts (person_id);

CREATE TABLE activities (
  account_id    text        NOT NULL,
  activity_id   text        NOT NULL,
  person_id     text        NOT NULL,
  activity_type text        NOT NULL,
  occurred_at   timestamptz NOT NULL,
  data          jsonb       NOT NULL,
  CONSTRAINT activities_pkey PRIMARY KEY (account_id, activity_id)
);

CREATE TABLE opportunities (
  opportunity_id text        NOT NULL,
  account_id     text        NOT NULL,
  data           jsonb       NOT NULL,
  updated_at     timestamptz NOT NULL,
  CONSTRAINT opportunities_pkey PRIMARY KEY (opportunity_id)
);
CREATE INDEX opportunities_account_id_idx ON opportunities (account_id);
