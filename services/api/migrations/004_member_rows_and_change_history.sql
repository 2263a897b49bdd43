-- Work proportional to the change: a new version of a group writes its group row, the member rows that differ and one
-- history row of what changed, instead of a copy of the whole group three times over. The three tables are rebuilt
-- from the stored snapshots and events (rather than altered in place, which would leave every old copy behind in the
-- rows' storage).

ALTER TABLE buying_groups RENAME TO buying_groups_003;
ALTER TABLE buying_groups_003 DROP CONSTRAINT buying_groups_pkey;
DROP INDEX buying_groups_buying_group_id_key, buying_groups_status_buying_group_id_idx,
  buying_groups_solution_interest_id_idx, buying_groups_missing_roles_idx;
ALTER TABLE buying_group_members RENAME TO buying_group_members_003;
ALTER TABLE buying_group_members_003 DROP CONSTRAINT buying_group_members_pkey;
DROP INDEX buying_group_members_person_id_idx;
ALTER TABLE buying_group_history RENAME TO buying_group_history_003;
ALTER TABLE buying_group_history_003 DROP CONSTRAINT buying_group_history_pkey;
DROP INDEX buying_group_history_buying_group_id_version_idx;

-- A group's latest version but its people: the columns the list filters on, then the rest of the version.
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
  -- `computedAt` of the version.
  updated_at           timestamptz NOT NULL,
  completeness_slots   jsonb       NOT NULL,
  -- Whether the version carried `engagement.members`: then each member row holds its entry.
  engagement_by_member boolean     NOT NULL,
  changes              jsonb       NOT NULL,
  cause                jsonb       NOT NULL,
  coalesced            jsonb,
  -- Members, removed members and engagement breakdown as published, only when the member rows cannot give them back
  -- (a person listed twice, or not in scoring's order); null for everything scoring publishes.
  published_people     jsonb,
  CONSTRAINT buying_groups_pkey PRIMARY KEY (account_id, buying_group_id),
  CONSTRAINT buying_groups_status_check CHECK (status IN ('active', 'dissolved'))
);
-- The id is derived from (solutionInterestId, accountId), so it is unique; the list pages by it (keyset).
CREATE UNIQUE INDEX buying_groups_buying_group_id_key ON buying_groups (buying_group_id);
CREATE INDEX buying_groups_status_buying_group_id_idx ON buying_groups (status, buying_group_id);
CREATE INDEX buying_groups_solution_interest_id_idx ON buying_groups (solution_interest_id, status, buying_group_id);
CREATE INDEX buying_groups_missing_roles_idx ON buying_groups USING gin (missing_roles);

-- One row per person of a group's latest version: a member (role, source, since, reason and its engagement entry) or
-- an explicitly removed one (role, source, removedAt). A new version writes only the rows that differ.
CREATE TABLE buying_group_members (
  account_id        text             NOT NULL,
  buying_group_id   text             NOT NULL,
  person_id         text             NOT NULL,
  role              text             NOT NULL,
  source            text             NOT NULL,
  removed           boolean          NOT NULL,
  -- `since` of a member, `removedAt` of a removed one.
  changed_at        timestamptz      NOT NULL,
  reason            jsonb,
  engagement_score  integer,
  engagement_weight double precision,
  CONSTRAINT buying_group_members_pkey PRIMARY KEY (account_id, buying_group_id, person_id),
  CONSTRAINT buying_group_members_reason_check CHECK (removed = (reason IS NULL)),
  CONSTRAINT buying_group_members_engagement_check
    CHECK ((engagement_score IS NULL) = (engagement_weight IS NULL) AND (NOT removed OR engagement_score IS NULL))
);
CREATE INDEX buying_group_members_person_id_idx ON buying_group_members (person_id);

-- What each version changed and the scores it led to (one row per version, whatever order versions arrive in); the
-- people and the per-slot and per-member breakdowns are the latest version's alone.
CREATE TABLE buying_group_history (
  account_id      text        NOT NULL,
  buying_group_id text        NOT NULL,
  version         integer     NOT NULL,
  status          text        NOT NULL,
  name            text        NOT NULL,
  completeness    integer     NOT NULL,
  engagement      integer     NOT NULL,
  missing_roles   text[]      NOT NULL,
  changes         jsonb       NOT NULL,
  cause           jsonb       NOT NULL,
  coalesced       jsonb,
  computed_at     timestamptz NOT NULL,
  CONSTRAINT buying_group_history_pkey PRIMARY KEY (account_id, buying_group_id, version)
);
CREATE INDEX buying_group_history_buying_group_id_version_idx ON buying_group_history (buying_group_id, version);

-- The rows give the people back when each person is listed once, members in scoring's order (slot, role, personId),
-- removed members by personId, and the engagement breakdown one entry per member in member order.
INSERT INTO buying_groups (account_id, buying_group_id, solution_interest_id, name, version, status, completeness,
                           engagement, missing_roles, member_count, updated_at, completeness_slots, engagement_by_member,
                           changes, cause, coalesced, published_people)
SELECT g.account_id, g.buying_group_id, g.solution_interest_id, g.name, g.version, g.status, g.completeness,
       g.engagement, g.missing_roles, g.member_count, g.updated_at,
       coalesce(g.snapshot -> 'completeness' -> 'slots', '[]'::jsonb),
       (g.snapshot -> 'engagement') ? 'members',
       coalesce(g.snapshot -> 'changes', '[]'::jsonb),
       g.snapshot -> 'cause',
       g.snapshot -> 'coalesced',
       CASE WHEN p.ordered AND p.once AND p.aligned THEN NULL
            ELSE jsonb_build_object('members', g.snapshot -> 'members', 'removedMembers', g.snapshot -> 'removedMembers')
                 || CASE WHEN (g.snapshot -> 'engagement') ? 'members'
                         THEN jsonb_build_object('engagementMembers', g.snapshot -> 'engagement' -> 'members')
                         ELSE '{}'::jsonb END
       END
FROM buying_groups_003 g,
LATERAL (SELECT
  (g.snapshot -> 'members') = coalesce(
    (SELECT jsonb_agg(m ORDER BY (m -> 'reason' ->> 'slot')::integer, m ->> 'role' COLLATE "C", m ->> 'personId' COLLATE "C")
     FROM jsonb_array_elements(g.snapshot -> 'members') AS m), '[]'::jsonb)
  AND (g.snapshot -> 'removedMembers') = coalesce(
    (SELECT jsonb_agg(r ORDER BY r ->> 'personId' COLLATE "C")
     FROM jsonb_array_elements(g.snapshot -> 'removedMembers') AS r), '[]'::jsonb) AS ordered,
  (SELECT count(*) = count(DISTINCT id)
   FROM (SELECT jsonb_path_query(g.snapshot, '$.members[*].personId')
         UNION ALL SELECT jsonb_path_query(g.snapshot, '$.removedMembers[*].personId')) AS ids (id)) AS once,
  (NOT (g.snapshot -> 'engagement') ? 'members'
   OR jsonb_path_query_array(g.snapshot, '$.members[*].personId')
      = jsonb_path_query_array(g.snapshot, '$.engagement.members[*].personId')) AS aligned) AS p;

-- Each person once (as a member when listed as both), with the first engagement entry of a member.
WITH people AS (
  SELECT g.account_id, g.buying_group_id, m ->> 'personId' AS person_id, m ->> 'role' AS role, m ->> 'source' AS source,
         false AS removed, (m ->> 'since')::timestamptz AS changed_at, m -> 'reason' AS reason, 0 AS list, n
  FROM buying_groups_003 g, jsonb_array_elements(g.snapshot -> 'members') WITH ORDINALITY AS t (m, n)
  UNION ALL
  SELECT g.account_id, g.buying_group_id, r ->> 'personId', r ->> 'role', r ->> 'source', true,
         (r ->> 'removedAt')::timestamptz, NULL, 1, n
  FROM buying_groups_003 g, jsonb_array_elements(g.snapshot -> 'removedMembers') WITH ORDINALITY AS t (r, n)
),
entries AS (
  SELECT DISTINCT ON (g.account_id, g.buying_group_id, e ->> 'personId')
         g.account_id, g.buying_group_id, e ->> 'personId' AS person_id, (e ->> 'score')::integer AS score,
         (e ->> 'weight')::double precision AS weight
  FROM buying_groups_003 g, jsonb_array_elements(g.snapshot -> 'engagement' -> 'members') WITH ORDINALITY AS t (e, n)
  ORDER BY g.account_id, g.buying_group_id, e ->> 'personId', n
)
INSERT INTO buying_group_members (account_id, buying_group_id, person_id, role, source, removed, changed_at, reason,
                                  engagement_score, engagement_weight)
SELECT DISTINCT ON (p.account_id, p.buying_group_id, p.person_id)
       p.account_id, p.buying_group_id, p.person_id, p.role, p.source, p.removed, p.changed_at, p.reason,
       CASE WHEN p.removed THEN NULL ELSE e.score END, CASE WHEN p.removed THEN NULL ELSE e.weight END
FROM people p LEFT JOIN entries e USING (account_id, buying_group_id, person_id)
ORDER BY p.account_id, p.buying_group_id, p.person_id, p.list, p.n;

INSERT INTO buying_group_history (account_id, buying_group_id, version, status, name, completeness, engagement,
                                  missing_roles, changes, cause, coalesced, computed_at)
SELECT h.account_id, h.buying_group_id, h.version, h.event ->> 'status', h.event ->> 'name',
       (h.event -> 'completeness' ->> 'score')::integer, (h.event -> 'engagement' ->> 'score')::integer,
       ARRAY(SELECT r FROM jsonb_array_elements_text(coalesce(h.event -> 'missingRoles', '[]'::jsonb))
             WITH ORDINALITY AS t (r, n) ORDER BY n),
       coalesce(h.event -> 'changes', '[]'::jsonb), h.event -> 'cause', h.event -> 'coalesced', h.computed_at
FROM buying_group_history_003 h;

DROP TABLE buying_groups_003, buying_group_members_003, buying_group_history_003;
