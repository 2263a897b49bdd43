-- An activity is identified by the CRM that recorded it (the CloudEvents source of its event) and its id: two CRMs may
-- use the same ids. Activities stored before this carry an empty source.
ALTER TABLE activities ADD COLUMN source text NOT NULL DEFAULT '';
ALTER TABLE activities ALTER COLUMN source DROP DEFAULT;
ALTER TABLE activities DROP CONSTRAINT activities_pkey;
ALTER TABLE activities ADD CONSTRAINT activities_pkey PRIMARY KEY (account_id, person_id, source, activity_id);
