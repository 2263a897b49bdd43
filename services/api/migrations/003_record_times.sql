-- Idempotence from the data (no row per event): a person's link to an account changes only with a newer change, so
-- this keeps, per link, the time of the last change applied (also after the link ended).
CREATE TABLE person_link_times (
  account_id text        NOT NULL,
  person_id  text        NOT NULL,
  changed_at timestamptz NOT NULL,
  CONSTRAINT person_link_times_pkey PRIMARY KEY (account_id, person_id)
);
