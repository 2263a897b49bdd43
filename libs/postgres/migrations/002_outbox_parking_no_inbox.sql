-- A message the broker refuses for good (e.g. larger than the size setting) is parked with the reason instead of
-- blocking every later message of the service; the relay skips parked rows, an operator looks at them.
ALTER TABLE outbox ADD COLUMN parked_at timestamptz, ADD COLUMN park_reason text;
CREATE INDEX outbox_unparked_id_idx ON outbox (id) WHERE parked_at IS NULL;

-- Idempotence comes from the data itself now (source times, versions, activity ids), not from a row per event.
DROP TABLE inbox;
