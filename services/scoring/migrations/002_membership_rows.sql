-- Members as rows: a membership change writes only the people it touches, and an activity finds the groups of its
-- person by index instead of searching every group's JSON. A group keeps one row with what a version needs besides
-- its members; the published snapshot is no longer stored (it is built from these rows when a version is published).

ALTER TABLE groups
  ADD COLUMN solution_interest_id text,
  ADD COLUMN name text,
  -- The full slot definitions, from the last membership change that carried them (they travel only when they change).
  ADD COLUMN slots jsonb,
  -- The scores and missing roles of the last published version (0 and none while `version` is 0).
  ADD COLUMN completeness integer,
  ADD COLUMN engagement integer,
  ADD COLUMN missing_roles text[];

UPDATE groups SET
  solution_interest_id = input ->> 'solutionInterestId',
  name = input ->> 'name',
  slots = input -> 'slots',
  completeness = coalesce((snapshot -> 'completeness' ->> 'score')::integer, 0),
  engagement = coalesce((snapshot -> 'engagement' ->> 'score')::integer, 0),
  missing_roles = ARRAY(SELECT r FROM jsonb_array_elements_text(coalesce(snapshot -> 'missingRoles', '[]'::jsonb))
                        WITH ORDINALITY AS t (r, n) ORDER BY n);

ALTER TABLE groups
  ALTER COLUMN solution_interest_id SET NOT NULL,
  ALTER COLUMN name SET NOT NULL,
  ALTER COLUMN slots SET NOT NULL,
  ALTER COLUMN completeness SET NOT NULL,
  ALTER COLUMN engagement SET NOT NULL,
  ALTER COLUMN missing_roles SET NOT NULL,
  ADD CONSTRAINT groups_completeness_check CHECK (completeness BETWEEN 0 AND 100),
  ADD CONSTRAINT groups_engagement_check CHECK (engagement BETWEEN 0 AND 100);

-- One row per person of a group: a member (role, source, since, reason, and the engagement score it was last scored
-- with) or an explicitly removed one (role, source, removedAt).
CREATE TABLE group_members (
  account_id      text        NOT NULL,
  buying_group_id text        NOT NULL,
  person_id       text        NOT NULL,
  role            text        NOT NULL,
  source          text        NOT NULL,
  removed         boolean     NOT NULL,
  -- `since` of a member, `removedAt` of a removed one.
  changed_at      timestamptz NOT NULL,
  reason          jsonb,
  engagement      integer,
  CONSTRAINT group_members_pkey PRIMARY KEY (account_id, buying_group_id, person_id),
  CONSTRAINT group_members_account_id_buying_group_id_fkey FOREIGN KEY (account_id, buying_group_id)
    REFERENCES groups (account_id, buying_group_id) ON DELETE CASCADE,
  CONSTRAINT group_members_source_check CHECK (source IN ('manual', 'import', 'journey', 'ai', 'rule')),
  -- A member has a reason and a score; a removed person has neither.
  CONSTRAINT group_members_removed_check CHECK (removed = (reason IS NULL) AND removed = (engagement IS NULL))
);
-- The groups of an account in which a person is (an activity re-scores them).
CREATE INDEX group_members_account_id_person_id_idx ON group_members (account_id, person_id);

-- Members keep the score their last version published (0 when it showed none); a person listed twice stays a member.
INSERT INTO group_members (account_id, buying_group_id, person_id, role, source, removed, changed_at, reason, engagement)
SELECT g.account_id, g.buying_group_id, m ->> 'personId', m ->> 'role', m ->> 'source', false, (m ->> 'since')::timestamptz,
       m -> 'reason',
       coalesce((SELECT (e ->> 'score')::integer
                 FROM jsonb_array_elements(coalesce(g.snapshot -> 'engagement' -> 'members', '[]'::jsonb)) AS e
                 WHERE e ->> 'personId' = m ->> 'personId' LIMIT 1), 0)
FROM groups g, jsonb_array_elements(g.input -> 'members') AS m
ON CONFLICT ON CONSTRAINT group_members_pkey DO NOTHING;
INSERT INTO group_members (account_id, buying_group_id, person_id, role, source, removed, changed_at, reason, engagement)
SELECT g.account_id, g.buying_group_id, r ->> 'personId', r ->> 'role', r ->> 'source', true, (r ->> 'removedAt')::timestamptz,
       NULL, NULL
FROM groups g, jsonb_array_elements(g.input -> 'removedMembers') AS r
ON CONFLICT ON CONSTRAINT group_members_pkey DO NOTHING;

ALTER TABLE groups DROP COLUMN input, DROP COLUMN snapshot;
