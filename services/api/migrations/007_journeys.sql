-- Journeys in the loop (CONTRACT.md §7): stage models as components, the stage model a solution interest names, and
-- the stage and journey status of each group's latest version in the projection (`GET /v1/buying-groups?stage=`).
CREATE TABLE stage_models (
  stage_model_id text        NOT NULL,
  name           text        NOT NULL,
  stages         jsonb       NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT stage_models_pkey PRIMARY KEY (stage_model_id)
);

ALTER TABLE solution_interests ADD COLUMN stage_model_id text;

-- The stage and journey status of each group's latest version, as published: `{ "stage", "journeyStatus" }`, or NULL
-- for a version published before they existed (given back without them, exactly as published).
ALTER TABLE buying_groups ADD COLUMN journey jsonb;
CREATE INDEX buying_groups_stage_idx ON buying_groups ((journey -> 'stage' ->> 'name'), buying_group_id);
