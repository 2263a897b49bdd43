-- The periodic re-score reads only the persons the clock moved since the last pass (scoring's handlers/rescore.ts):
-- those with an activity that left the window or came into it from ahead of the clock, found by a range of this
-- index, never a scan of every person or group.
CREATE INDEX activities_occurred_at_account_id_person_id_idx ON activities (occurred_at, account_id, person_id);

-- The engagement settings the last pass scored with: a pass under other settings (window, decay, weights, step) reads
-- every scored person once instead. NULL (passes before this migration) counts as other settings.
ALTER TABLE rescore_runs ADD COLUMN settings text;

-- Persons a pass had to leave because a consumer held their account: the next pass takes them first.
CREATE TABLE rescore_pending (
  account_id text NOT NULL,
  person_id  text NOT NULL,
  CONSTRAINT rescore_pending_pkey PRIMARY KEY (account_id, person_id)
);

-- The re-score no longer pages through every active group.
DROP INDEX groups_account_id_buying_group_id_active_idx;
