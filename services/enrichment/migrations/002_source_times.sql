-- Idempotence from the data (no row per event): a record change applies only when newer than what is held, so an
-- ended link or a deleted account stays as a tombstone with its time; role transitions apply in group-version order.
ALTER TABLE accounts ADD COLUMN deleted boolean NOT NULL DEFAULT false;
ALTER TABLE account_persons ADD COLUMN linked boolean NOT NULL DEFAULT true;
-- The group version whose role transitions were applied last (0 before any).
ALTER TABLE audience_members ADD COLUMN group_version integer NOT NULL DEFAULT 0;
