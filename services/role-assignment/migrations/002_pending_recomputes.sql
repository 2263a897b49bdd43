-- Recomputations asked for by another account's change (descendant-scoped groups of ancestors). Queued instead of
-- done in place, so that a unit of work never waits on another account's lock. Append-only (no upsert), so that
-- concurrent chunks asking for the same busy parent never wait on each other either; the runner folds a batch's
-- requests per group into one recomputation.
CREATE TABLE pending_recomputes (
  request_id           bigserial   NOT NULL,
  account_id           text        NOT NULL,
  solution_interest_id text        NOT NULL,
  cause                jsonb       NOT NULL,
  CONSTRAINT pending_recomputes_pkey PRIMARY KEY (request_id)
);

CREATE FUNCTION pending_recomputes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_TABLE_SCHEMA || '_pending_recomputes', '');
  RETURN NULL;
END $$;
CREATE TRIGGER pending_recomputes_notify_after_insert AFTER INSERT ON pending_recomputes
  FOR EACH STATEMENT EXECUTE FUNCTION pending_recomputes_notify();
