-- A person's engagement score at an account, from scoring's bg.person.engagement-changed: what an `engagementScore`
-- condition reads in the dry-run preview — the same stream, and the same rows, role-assignment judges the live groups
-- by. `version` rises by one per change, so a redelivered or re-sent score has no further effect.
CREATE TABLE person_engagement (
  account_id text        NOT NULL,
  person_id  text        NOT NULL,
  score      integer     NOT NULL,
  version    integer     NOT NULL,
  scored_at  timestamptz NOT NULL,
  CONSTRAINT person_engagement_pkey PRIMARY KEY (account_id, person_id)
);
