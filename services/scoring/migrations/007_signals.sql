-- Signals (CONTRACT.md §7). `signal_settings`: the solution interest's, from role-assignment with the membership changes
-- (carried when they change, as the slots are); `signals`: what the last published version showed (stalled,
-- disengaged members); `last_progress_at`: the last version that was progress (the group stalls from it);
-- `signals_due_at`: the next instant at which a signal changes by the clock alone (the group stalls, or a member
-- disengages), null when none can.
ALTER TABLE groups
  ADD COLUMN signal_settings jsonb,
  ADD COLUMN signals jsonb,
  ADD COLUMN last_progress_at timestamptz,
  ADD COLUMN signals_due_at timestamptz;

-- The periodic check reads only the groups whose instant has passed, in this order: a range of this index, never a
-- scan of every group.
CREATE INDEX groups_signals_due_at_idx ON groups (signals_due_at, account_id, buying_group_id)
  WHERE status = 'active' AND signals_due_at IS NOT NULL;
