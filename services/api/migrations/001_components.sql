-- Components operators define (CONTRACT.md §4). The API is their only writer; role-assignment learns of solution
-- interests through bg.solution-interest.defined/deleted events written to the outbox in the same transaction.

CREATE TABLE roles (
  name        text        NOT NULL,
  description text,
  is_default  boolean     NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT roles_pkey PRIMARY KEY (name)
);

INSERT INTO roles (name, description, is_default) VALUES
  ('Decision Maker', 'Signs off the purchase', true),
  ('Influencer', 'Shapes the decision', true),
  ('Practitioner', 'Will use the product', true),
  ('Executive Sponsor', 'Senior backer of the purchase', true),
  ('Champion', 'Advocates for the product inside the account', true),
  ('Other', 'Any other part in the decision', true);

-- Every PUT adds a version (draft); publishing marks the latest draft published. Versions are never rewritten, so a
-- solution interest's pinned version means the same slots forever.
CREATE TABLE role_templates (
  role_template_id text        NOT NULL,
  version          integer     NOT NULL,
  name             text        NOT NULL,
  description      text,
  slots            jsonb       NOT NULL,
  status           text        NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  published_at     timestamptz,
  CONSTRAINT role_templates_pkey PRIMARY KEY (role_template_id, version),
  CONSTRAINT role_templates_status_check CHECK (status IN ('draft', 'published')),
  CONSTRAINT role_templates_version_check CHECK (version >= 1)
);

-- `rule` is {"conditions": …} or {"accountIds": […]}.
CREATE TABLE account_audiences (
  audience_id text        NOT NULL,
  name        text        NOT NULL,
  description text,
  rule        jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT account_audiences_pkey PRIMARY KEY (audience_id)
);

-- Event ids of component definitions come from one sequence, so a solution interest deleted and defined again never
-- reuses an id that downstream inboxes have already seen.
CREATE SEQUENCE component_revisions;

CREATE TABLE solution_interests (
  solution_interest_id  text        NOT NULL,
  name                  text        NOT NULL,
  description           text,
  role_template_id      text        NOT NULL,
  role_template_version integer     NOT NULL,
  audience_id           text        NOT NULL,
  member_scope          text        NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT solution_interests_pkey PRIMARY KEY (solution_interest_id),
  CONSTRAINT solution_interests_role_template_id_role_template_version_fkey
    FOREIGN KEY (role_template_id, role_template_version) REFERENCES role_templates (role_template_id, version),
  CONSTRAINT solution_interests_audience_id_fkey FOREIGN KEY (audience_id) REFERENCES account_audiences (audience_id),
  CONSTRAINT solution_interests_member_scope_check CHECK (member_scope IN ('account', 'account-and-descendants'))
);
CREATE INDEX solution_interests_audience_id_idx ON solution_interests (audience_id);
