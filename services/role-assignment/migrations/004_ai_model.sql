-- CONTRACT.md §8: the role model the API trained, for suggested members (source ai). One row: the current model.
CREATE TABLE ai_model (
  model_key  text        NOT NULL DEFAULT 'current',
  version    text        NOT NULL,
  trained_at timestamptz NOT NULL,
  classifier jsonb       NOT NULL,
  CONSTRAINT ai_model_pkey PRIMARY KEY (model_key)
);
