-- Recomputations asked for by another account's change (descendant-scoped groups of ancestors). Queued instead of
-- done in place, so that a unit of work never waits on another account's lock; many requests for a busy parent
-- fold into one row, hence one recomputation.
CREATE TABLE pending_recomputes (
  account_id           text        NOT NULL,
  solution_interest_id text        NOT NULL,
  cause                jsonb       NOT NULL,
  coalesced            text[]      NOT NULL DEFAULT '{}',
  requested_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT pending_recomputes_pkey PRIMARY KEY (account_id, solution_interest_id)
);
CREATE INDEX pending_recomputes_requested_at_idx ON pending_recomputes (requested_at);

CREATE FUNCTION pending_recomputes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_TABLE_SCHEMA || '_pending_recomputes', '');
  RETURN NULL;
END $$;
CREATE TRIGGER pending_recomputes_notify_after_write AFTER INSERT OR UPDATE ON pending_recomputes
  FOR EACH STATEMENT EXECUTE FUNCTION pending_recomputes_notify();
