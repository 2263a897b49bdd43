-- Platform tables every service schema gets (applied before the service's own migrations).

-- Messages to publish, written in the same transaction as the state they describe; the relay sends and deletes them.
CREATE TABLE outbox (
  id          bigserial PRIMARY KEY,
  topic       text        NOT NULL,
  message_key text        NOT NULL,
  value       text        NOT NULL,
  headers     jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Wakes the relay at commit, so latency is not a poll interval.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify_after_insert AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Input events already applied, by consumer: redelivery of the same id has no further effect.
CREATE TABLE inbox (
  consumer     text        NOT NULL,
  event_id     text        NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT inbox_pkey PRIMARY KEY (consumer, event_id)
);
