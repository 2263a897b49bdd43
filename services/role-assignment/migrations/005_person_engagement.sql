-- A person's engagement score at an account, as scoring last sent it (bg.person.engagement-changed): what an
-- `engagementScore` condition reads for the person's link to that account. `version` rises by one per change, so a
-- redelivered or re-sent score has no further effect. Keyed like account_people, which the reads join it to.
CREATE TABLE person_engagement (
  account_id text        NOT NULL,
  person_id  text        NOT NULL,
  score      integer     NOT NULL,
  version    integer     NOT NULL,
  scored_at  timestamptz NOT NULL,
  CONSTRAINT person_engagement_pkey PRIMARY KEY (account_id, person_id)
);
