-- CONTRACT.md §7 signals: a solution interest's `signals` (`stalledAfterDays`, `disengagedAfterDays`; null: none), and
-- `GET /v1/buying-groups?stalled=true` reads the stalled groups by index (the few, not a scan of every group).
ALTER TABLE solution_interests ADD COLUMN signals jsonb;
CREATE INDEX buying_groups_stalled_idx ON buying_groups (buying_group_id) WHERE (journey -> 'signals' ->> 'stalled') = 'true';
