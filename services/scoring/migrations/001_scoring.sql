-- Scoring state. Every per-account table leads its primary key with account_id, the Kafka key of its inputs.

-- Activities that count for engagement, once per (person, activity id) at the account they were recorded for, on the
-- day they occurred: they are the stored inputs that explain a score.
CREATE TABLE activities (
  account_id    text        NOT NULL,
  person_id     text        NOT NULL,
  activity_id   text        NOT NULL,
  activity_type text        NOT NULL,
  occurred_at   timestamptz NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT activities_pkey PRIMARY KEY (account_id, person_id, activity_id)
);
CREATE INDEX activities_account_id_person_id_occurred_at_idx ON activities (account_id, person_id, occurred_at);

-- Per group: the last membership role-assignment sent (`input`, a GroupRecomputed) and the last version published
-- (`snapshot`, a buying-group.changed; null while none was). `version` is the snapshot's, 0 before the first; every
-- write checks it, so two writers can never publish the same version.
CREATE TABLE groups (
  account_id         text        NOT NULL,
  buying_group_id    text        NOT NULL,
  status             text        NOT NULL,
  membership_version integer     NOT NULL,
  input              jsonb       NOT NULL,
  snapshot           jsonb,
  version            integer     NOT NULL DEFAULT 0,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT groups_pkey PRIMARY KEY (account_id, buying_group_id),
  CONSTRAINT groups_status_check CHECK (status IN ('active', 'dissolved'))
);
-- The periodic re-score pages through active groups in key order.
CREATE INDEX groups_account_id_buying_group_id_active_idx ON groups (account_id, buying_group_id) WHERE status = 'active';

-- The last completed re-score pass (one row): when it ran, for which clock, and what it did.
CREATE TABLE rescore_runs (
  singleton          boolean     NOT NULL DEFAULT true,
  scored_at          timestamptz NOT NULL,
  finished_at        timestamptz NOT NULL,
  groups_evaluated   integer     NOT NULL,
  versions_published integer     NOT NULL,
  CONSTRAINT rescore_runs_pkey PRIMARY KEY (singleton),
  CONSTRAINT rescore_runs_singleton_check CHECK (singleton)
);
