-- A digest of each member row's content, written with it: a new version is compared with the stored rows by digest
-- (short strings), and only the rows that differ are sent and written in full. Rows written before have none, so
-- they count as changed once and get theirs.
ALTER TABLE buying_group_members ADD COLUMN row_hash text;
