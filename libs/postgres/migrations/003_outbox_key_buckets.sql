-- Relays drain side by side, each holding one bucket of keys at a time (a transaction-scoped advisory lock per
-- bucket): a key always falls in the same bucket, whose rows one relay at a time sends in id order, so per-key order
-- holds while the other buckets go out beside it — across the drainers of one process and across replicas.
ALTER TABLE outbox ADD COLUMN bucket smallint GENERATED ALWAYS AS ((hashtext(message_key) & 15)::smallint) STORED;
DROP INDEX outbox_unparked_id_idx;
CREATE INDEX outbox_unparked_bucket_id_idx ON outbox (bucket, id) WHERE parked_at IS NULL;
