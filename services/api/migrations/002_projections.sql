-- The API's own read model, fed from Kafka only (it never reads other services' tables): buying groups from the
-- public change stream, accounts and persons from the internal record changes.

-- buying_group_id sorts bytewise ("C"), whatever the database's locale: the keyset cursor relies on one order.
CREATE TABLE buying_groups (
  account_id           text        NOT NULL,
  buying_group_id      text        COLLATE "C" NOT NULL,
  solution_interest_id text        NOT NULL,
  name                 text        NOT NULL,
  version              integer     NOT NULL,
  status               text        NOT NULL,
  completeness         integer     NOT NULL,
  engagement           integer     NOT NULL,
  missing_roles        text[]      NOT NULL,
  member_count         integer     NOT NULL,
  snapshot             jsonb       NOT NULL,
  updated_at           timestamptz NOT NULL,
  CONSTRAINT buying_groups_pkey PRIMARY KEY (account_id, buying_group_id)
);
-- The id is derived from (solutionInterestId, accountId), so it is unique; the list pages by it (keyset).
CREATE UNIQUE INDEX buying_groups_buying_group_id_key ON buying_groups (buying_group_id);
CREATE INDEX buying_groups_status_buying_group_id_idx ON buying_groups (status, buying_group_id);
CREATE INDEX buying_groups_solution_interest_id_idx ON buying_groups (solution_interest_id, status, buying_group_id);
CREATE INDEX buying_groups_missing_roles_idx ON buying_groups USING gin (missing_roles);

-- Every version as published (one row per version, whatever order they arrive in).
CREATE TABLE buying_group_history (
  account_id      text        NOT NULL,
  buying_group_id text        NOT NULL,
  version         integer     NOT NULL,
  event           jsonb       NOT NULL,
  computed_at     timestamptz NOT NULL,
  CONSTRAINT buying_group_history_pkey PRIMARY KEY (account_id, buying_group_id, version)
);
CREATE INDEX buying_group_history_buying_group_id_version_idx ON buying_group_history (buying_group_id, version);

-- Members and explicitly removed members of each group's latest snapshot, for the person view.
CREATE TABLE buying_group_members (
  account_id      text        NOT NULL,
  buying_group_id text        NOT NULL,
  person_id       text        NOT NULL,
  role            text        NOT NULL,
  source          text        NOT NULL,
  removed         boolean     NOT NULL,
  -- `since` of a member, `removedAt` of a removed one.
  changed_at      timestamptz NOT NULL,
  CONSTRAINT buying_group_members_pkey PRIMARY KEY (account_id, buying_group_id, person_id)
);
CREATE INDEX buying_group_members_person_id_idx ON buying_group_members (person_id);

-- Deleted records stay as tombstones (deleted = true) with their last known data. Accounts sort bytewise ("C"), the
-- order the preview pages them in.
CREATE TABLE accounts (
  account_id        text        COLLATE "C" NOT NULL,
  parent_account_id text,
  name              text        NOT NULL,
  data              jsonb       NOT NULL,
  deleted           boolean     NOT NULL DEFAULT false,
  updated_at        timestamptz NOT NULL,
  CONSTRAINT accounts_pkey PRIMARY KEY (account_id)
);
CREATE INDEX accounts_parent_account_id_idx ON accounts (parent_account_id);

CREATE TABLE persons (
  person_id  text        NOT NULL,
  email      text,
  data       jsonb       NOT NULL,
  deleted    boolean     NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL,
  CONSTRAINT persons_pkey PRIMARY KEY (person_id)
);
-- Imports find people by e-mail, whatever its case.
CREATE INDEX persons_email_idx ON persons (lower(email));

CREATE TABLE person_accounts (
  account_id   text NOT NULL,
  person_id    text NOT NULL,
  relationship text NOT NULL,
  CONSTRAINT person_accounts_pkey PRIMARY KEY (account_id, person_id)
);
CREATE INDEX person_accounts_person_id_idx ON person_accounts (person_id);
