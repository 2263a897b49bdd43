-- Membership as rows, so that a change writes only the members it touches; source times and revisions, so that a
-- redelivered or re-sent event has no further effect without a row per event.

ALTER TABLE solution_interests ADD COLUMN revision bigint NOT NULL DEFAULT 0;

-- The source's modification time of the account (its updatedAt, or deletedAt): older changes are stale.
ALTER TABLE accounts ADD COLUMN updated_at timestamptz NOT NULL DEFAULT '-infinity';
UPDATE accounts SET updated_at = (data ->> 'updatedAt')::timestamptz WHERE data ? 'updatedAt';

-- A link that ended stays as a tombstone (linked = false) with its time, so a late, older link cannot come back.
ALTER TABLE account_people ADD COLUMN updated_at timestamptz NOT NULL DEFAULT '-infinity',
  ADD COLUMN linked boolean NOT NULL DEFAULT true,
  ALTER COLUMN relationship DROP NOT NULL,
  ALTER COLUMN person DROP NOT NULL;
UPDATE account_people SET updated_at = (person ->> 'updatedAt')::timestamptz WHERE person ? 'updatedAt';
-- A person's links across accounts (a roll-up group judges a person by the nearest of them).
CREATE INDEX account_people_person_id_idx ON account_people (person_id) WHERE linked;

-- One row per person of a group: a member (with the slot, source, since and reason) or an explicitly removed one.
CREATE TABLE group_members (
  account_id           text        NOT NULL,
  solution_interest_id text        NOT NULL,
  person_id            text        NOT NULL,
  role                 text        NOT NULL,
  source               text        NOT NULL,
  removed              boolean     NOT NULL,
  -- `since` of a member, `removedAt` of a removed one.
  changed_at           timestamptz NOT NULL,
  reason               jsonb,
  CONSTRAINT group_members_pkey PRIMARY KEY (account_id, solution_interest_id, person_id)
);

INSERT INTO group_members (account_id, solution_interest_id, person_id, role, source, removed, changed_at, reason)
SELECT g.account_id, g.solution_interest_id, m ->> 'personId', m ->> 'role', m ->> 'source', false, (m ->> 'since')::timestamptz, m -> 'reason'
FROM groups g, jsonb_array_elements(g.members) AS m
ON CONFLICT ON CONSTRAINT group_members_pkey DO NOTHING;
INSERT INTO group_members (account_id, solution_interest_id, person_id, role, source, removed, changed_at, reason)
SELECT g.account_id, g.solution_interest_id, r ->> 'personId', r ->> 'role', r ->> 'source', true, (r ->> 'removedAt')::timestamptz, NULL
FROM groups g, jsonb_array_elements(g.removed_members) AS r
ON CONFLICT ON CONSTRAINT group_members_pkey DO NOTHING;

ALTER TABLE groups DROP COLUMN members, DROP COLUMN removed_members,
  -- The revision of the solution interest whose slots were last sent downstream (slots travel only when they change).
  ADD COLUMN slots_revision bigint NOT NULL DEFAULT 0;

-- A queued recomputation names the person to re-judge, or none for the whole group (a hierarchy change).
ALTER TABLE pending_recomputes ADD COLUMN person_id text;
