-- Role-assignment's own view of the world (fed by internal events) and the groups it is the only writer of.
-- Per-account tables lead their primary key with account_id, the Kafka key of every topic this service consumes.

CREATE TABLE solution_interests (
  solution_interest_id text        NOT NULL,
  definition           jsonb       NOT NULL,
  deleted              boolean     NOT NULL DEFAULT false,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT solution_interests_pkey PRIMARY KEY (solution_interest_id)
);

CREATE TABLE accounts (
  account_id        text    NOT NULL,
  parent_account_id text,
  data              jsonb   NOT NULL,
  deleted           boolean NOT NULL DEFAULT false,
  CONSTRAINT accounts_pkey PRIMARY KEY (account_id)
);
CREATE INDEX accounts_parent_account_id_idx ON accounts (parent_account_id);

-- A person as linked to one account (the relationship is judged per link).
CREATE TABLE account_people (
  account_id   text  NOT NULL,
  person_id    text  NOT NULL,
  relationship text  NOT NULL,
  person       jsonb NOT NULL,
  CONSTRAINT account_people_pkey PRIMARY KEY (account_id, person_id)
);

-- Explicit member edits; one row per writer so a lower writer's edit survives under a higher one.
CREATE TABLE member_overrides (
  account_id           text        NOT NULL,
  solution_interest_id text        NOT NULL,
  person_id            text        NOT NULL,
  source               text        NOT NULL,
  action               text        NOT NULL,
  role                 text,
  requested_at         timestamptz NOT NULL,
  CONSTRAINT member_overrides_pkey PRIMARY KEY (account_id, solution_interest_id, person_id, source)
);

CREATE TABLE groups (
  account_id           text        NOT NULL,
  solution_interest_id text        NOT NULL,
  buying_group_id      text        NOT NULL,
  name                 text        NOT NULL,
  status               text        NOT NULL,
  slots                jsonb       NOT NULL,
  members              jsonb       NOT NULL,
  removed_members      jsonb       NOT NULL,
  membership_version   integer     NOT NULL,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT groups_pkey PRIMARY KEY (account_id, solution_interest_id)
);
CREATE INDEX groups_solution_interest_id_idx ON groups (solution_interest_id, account_id);

-- A solution interest (re)defined: every account is re-checked, page by page, resumably.
CREATE TABLE recompute_jobs (
  job_id               bigserial   NOT NULL,
  solution_interest_id text        NOT NULL,
  cause                jsonb       NOT NULL,
  status               text        NOT NULL DEFAULT 'pending',
  after_account_id     text,
  accounts_done        integer     NOT NULL DEFAULT 0,
  groups_changed       integer     NOT NULL DEFAULT 0,
  created_at           timestamptz NOT NULL DEFAULT now(),
  started_at           timestamptz,
  finished_at          timestamptz,
  CONSTRAINT recompute_jobs_pkey PRIMARY KEY (job_id)
);
CREATE INDEX recompute_jobs_status_idx ON recompute_jobs (status, job_id);
