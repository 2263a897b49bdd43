-- The account's opportunities (CONTRACT.md §7), from ingestion's bg.opportunity.changed: a group's stage reads those of
-- its account for its solution interest (`openOpportunityCount`, `opportunityStage`). Only the fields a stage reads;
-- a change not newer (`updated_at`) than the stored one is ignored, so a redelivery changes nothing.
CREATE TABLE opportunities (
  account_id           text        NOT NULL,
  opportunity_id       text        NOT NULL,
  solution_interest_id text,
  stage                text        NOT NULL,
  updated_at           timestamptz NOT NULL,
  CONSTRAINT opportunities_pkey PRIMARY KEY (account_id, opportunity_id),
  CONSTRAINT opportunities_stage_check CHECK (stage IN ('open', 'won', 'lost'))
);
-- A group reads its account's opportunities for its solution interest.
CREATE INDEX opportunities_account_id_solution_interest_id_idx ON opportunities (account_id, solution_interest_id);
