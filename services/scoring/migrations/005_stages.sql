-- Stages and journey status (CONTRACT.md §7). The stage model comes from role-assignment with the membership changes;
-- an explicit stage or journey status from journeys and operators (each applied only when newer than the last set of
-- that field: `stage_set_at`, `status_set_at`); `stage` is what the last published version showed, like the scores.
ALTER TABLE groups
  ADD COLUMN stage_model jsonb,
  ADD COLUMN explicit_stage jsonb,
  ADD COLUMN stage_set_at timestamptz,
  ADD COLUMN journey_status text,
  ADD COLUMN status_set_at timestamptz,
  ADD COLUMN stage jsonb,
  ADD CONSTRAINT groups_journey_status_check CHECK (char_length(journey_status) <= 50);

-- `GET /v1/buying-groups?stage=` is served by the API's own projection; scoring reads groups by key only.
