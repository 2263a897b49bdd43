-- The stage model a group's solution interest names (CONTRACT.md §7), as last sent to scoring: it travels with a
-- membership change only when it changes, as the slots do. Null: no stage model.
ALTER TABLE groups ADD COLUMN stage_model jsonb;
