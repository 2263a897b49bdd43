-- CONTRACT.md §8: the opportunities the role model learns from, the model itself, and which solution interests want
-- suggested members.
ALTER TABLE solution_interests ADD COLUMN ai_suggestions jsonb;

CREATE TABLE opportunities (
  opportunity_id text        NOT NULL,
  account_id     text        NOT NULL,
  stage          text        NOT NULL,
  closed_at      timestamptz,
  data           jsonb       NOT NULL,
  updated_at     timestamptz NOT NULL,
  CONSTRAINT opportunities_pkey PRIMARY KEY (opportunity_id)
);
-- Training reads won deals by closing time.
CREATE INDEX opportunities_stage_closed_at_idx ON opportunities (stage, closed_at);

-- The current model: one row.
CREATE TABLE ai_models (
  model_key  text        NOT NULL DEFAULT 'current',
  version    text        NOT NULL,
  trained_at timestamptz NOT NULL,
  summary    jsonb       NOT NULL,
  CONSTRAINT ai_models_pkey PRIMARY KEY (model_key)
);
