-- Relays drain side by side, each holding the buckets of keys it claimed (a transaction-scoped advisory lock per
-- bucket): a key always falls in the same bucket, whose rows one relay at a time sends in id order, so per-key order
-- holds while buckets held by no one go out beside it — across the drainers of one process and across replicas.
ALTER TABLE outbox ADD COLUMN bucket smallint GENERATED ALWAYS AS ((hashtext(message_key) & 15)::smallint) STORED;
-- Which buckets have rows (one probe each); the batch itself is read in id order (outbox_unparked_id_idx).
CREATE INDEX outbox_unparked_bucket_idx ON outbox (bucket) WHERE parked_at IS NULL;
