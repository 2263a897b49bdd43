-- An opportunity is one by its id (CONTRACT.md §2 keys the topic by opportunityId): one that moves to another account
-- leaves the old account's count. Keyed by (account, opportunity) it stayed counted there too; of the copies a move
-- left behind, the latest is kept.
DELETE FROM opportunities o
USING opportunities newer
WHERE newer.opportunity_id = o.opportunity_id
  AND (newer.updated_at, newer.account_id) > (o.updated_at, o.account_id);
ALTER TABLE opportunities DROP CONSTRAINT opportunities_pkey;
ALTER TABLE opportunities ADD CONSTRAINT opportunities_pkey PRIMARY KEY (opportunity_id);
