-- The recompute job's page counts each account's linked people (accountPage). From the primary key that fetched every
-- person's heap row to read `linked` (the full bench: 94 ms a page, 25 s of PostgreSQL in a template change over 100k
-- accounts); from this partial index the count is an index-only scan.
CREATE INDEX account_people_linked_idx ON account_people (account_id) WHERE linked;
