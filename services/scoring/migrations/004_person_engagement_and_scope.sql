-- A person's engagement score at an account, as an `engagementScore` condition reads it: the last integer score sent to
-- role-assignment and the API (bg.person.engagement-changed), its version (n+1 per change sent) and the clock it was
-- computed at. A row exists for every (account, person) with an activity, so the periodic re-score finds whom the window
-- and decay may move.
CREATE TABLE person_scores (
  account_id text        NOT NULL,
  person_id  text        NOT NULL,
  score      integer     NOT NULL,
  version    integer     NOT NULL,
  scored_at  timestamptz NOT NULL,
  CONSTRAINT person_scores_pkey PRIMARY KEY (account_id, person_id),
  CONSTRAINT person_scores_score_check CHECK (score BETWEEN 0 AND 100)
);
-- People with activities before this: the next re-score pass computes and sends their scores.
INSERT INTO person_scores (account_id, person_id, score, version, scored_at)
SELECT DISTINCT account_id, person_id, 0, 0, '-infinity'::timestamptz FROM activities;

-- The account hierarchy, from bg.account.changed: a roll-up group's engagement counts its members' activities at the
-- descendant accounts in its scope (the one descendant-scope rule, libs/rules hierarchy.ts, runs over this table).
CREATE TABLE accounts (
  account_id        text        NOT NULL,
  parent_account_id text,
  deleted           boolean     NOT NULL,
  updated_at        timestamptz NOT NULL,
  CONSTRAINT accounts_pkey PRIMARY KEY (account_id)
);
CREATE INDEX accounts_parent_account_id_idx ON accounts (parent_account_id);

-- Whose activities a group's engagement counts (the solution interest's member scope, sent by role-assignment).
ALTER TABLE groups ADD COLUMN member_scope text NOT NULL DEFAULT 'account',
  ADD CONSTRAINT groups_member_scope_check CHECK (member_scope IN ('account', 'account-and-descendants'));
-- The roll-up groups of an ancestor that a descendant's activity re-scores.
CREATE INDEX groups_account_id_rollup_idx ON groups (account_id) WHERE member_scope = 'account-and-descendants' AND status = 'active';
