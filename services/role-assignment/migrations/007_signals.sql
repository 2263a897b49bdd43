-- The signals a group's solution interest asks for (CONTRACT.md §7), as last sent to scoring: they travel with a
-- membership change only when they change, as the slots and the stage model do. Null: none.
ALTER TABLE groups ADD COLUMN signals jsonb;
