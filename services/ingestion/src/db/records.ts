import type {
  AccountUpserted,
  ActivityRecorded,
  OpportunityUpserted,
  PersonAccountLink,
  PersonUpserted,
} from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

/**
 * Bulk repository: every function takes all records of a chunk and runs one statement, so a chunk costs a fixed
 * number of round trips whatever its size. Locks are taken in id order to keep concurrent chunks deadlock-free.
 */

export type StoredAccount = { updatedAt: Date; deleted: boolean; parentAccountId: string | null };

export async function lockAccounts(db: Queryable, accountIds: string[]): Promise<Map<string, StoredAccount>> {
  const { rows } = await db.query<{
    account_id: string;
    updated_at: Date;
    deleted: boolean;
    parent_account_id: string | null;
  }>(
    `SELECT account_id, updated_at, deleted, parent_account_id FROM accounts WHERE account_id = ANY($1::text[])
     ORDER BY account_id FOR UPDATE`,
    [accountIds],
  );
  return new Map(
    rows.map((r) => [
      r.account_id,
      { updatedAt: r.updated_at, deleted: r.deleted, parentAccountId: r.parent_account_id },
    ]),
  );
}

/** Upserts accounts; `data` null marks a tombstone (deleted at `updatedAt`). */
export async function saveAccounts(
  db: Queryable,
  accounts: { accountId: string; data: AccountUpserted | null; updatedAt: string }[],
): Promise<void> {
  if (accounts.length === 0) return;
  await db.query(
    `INSERT INTO accounts (account_id, parent_account_id, data, updated_at, deleted)
     SELECT r.account_id, r.data->>'parentAccountId', r.data, r.updated_at, r.data IS NULL
     FROM jsonb_to_recordset($1::jsonb) AS r(account_id text, data jsonb, updated_at timestamptz)
     ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET parent_account_id = EXCLUDED.parent_account_id, data = EXCLUDED.data,
       updated_at = EXCLUDED.updated_at, deleted = EXCLUDED.deleted`,
    [JSON.stringify(accounts.map((a) => ({ account_id: a.accountId, data: a.data, updated_at: a.updatedAt })))],
  );
}

export async function lockPersons(db: Queryable, personIds: string[]): Promise<Map<string, Date>> {
  const { rows } = await db.query<{ person_id: string; updated_at: Date }>(
    'SELECT person_id, updated_at FROM persons WHERE person_id = ANY($1::text[]) ORDER BY person_id FOR UPDATE',
    [personIds],
  );
  return new Map(rows.map((r) => [r.person_id, r.updated_at]));
}

/** Upserts persons; `data` null marks a tombstone (deleted at `updatedAt`). */
export async function savePersons(
  db: Queryable,
  persons: { personId: string; data: PersonUpserted | null; updatedAt: string }[],
): Promise<void> {
  if (persons.length === 0) return;
  await db.query(
    `INSERT INTO persons (person_id, data, updated_at, deleted)
     SELECT r.person_id, r.data, r.updated_at, r.data IS NULL
     FROM jsonb_to_recordset($1::jsonb) AS r(person_id text, data jsonb, updated_at timestamptz)
     ON CONFLICT ON CONSTRAINT persons_pkey DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at, deleted = EXCLUDED.deleted`,
    [JSON.stringify(persons.map((p) => ({ person_id: p.personId, data: p.data, updated_at: p.updatedAt })))],
  );
}

export async function linksOf(db: Queryable, personIds: string[]): Promise<Map<string, PersonAccountLink[]>> {
  const { rows } = await db.query<{ person_id: string; account_id: string; relationship: string }>(
    'SELECT person_id, account_id, relationship FROM person_accounts WHERE person_id = ANY($1::text[]) ORDER BY account_id',
    [personIds],
  );
  const links = new Map<string, PersonAccountLink[]>();
  for (const r of rows)
    links.set(r.person_id, [
      ...(links.get(r.person_id) ?? []),
      { accountId: r.account_id, relationship: r.relationship },
    ]);
  return links;
}

/** Replaces the links of these persons with `links` (two statements, whatever the count). */
export async function replaceLinks(
  db: Queryable,
  personIds: string[],
  links: { personId: string; accountId: string; relationship: string }[],
): Promise<void> {
  if (personIds.length === 0) return;
  await db.query('DELETE FROM person_accounts WHERE person_id = ANY($1::text[])', [personIds]);
  if (links.length === 0) return;
  await db.query(
    `INSERT INTO person_accounts (account_id, person_id, relationship)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
    [links.map((l) => l.accountId), links.map((l) => l.personId), links.map((l) => l.relationship)],
  );
}

/** An activity as stored: the CRM that recorded it (CloudEvents source) and the activity. */
export type SourcedActivity = { source: string; activity: ActivityRecorded };

/** An activity's identity: account, CRM and activity id (the primary key). */
export const activityKey = (accountId: string, source: string, activityId: string): string =>
  [accountId, source, activityId].join('\u0000');

/** Stores activities once per (account, source, activity id); returns the keys (`activityKey`) of those new. */
export async function insertActivities(db: Queryable, activities: SourcedActivity[]): Promise<Set<string>> {
  if (activities.length === 0) return new Set();
  const { rows } = await db.query<{ account_id: string; source: string; activity_id: string }>(
    `INSERT INTO activities (account_id, source, activity_id, person_id, activity_type, occurred_at, data)
     SELECT r.account_id, r.source, r.activity_id, r.person_id, r.activity_type, r.occurred_at, r.data
     FROM jsonb_to_recordset($1::jsonb) AS r(account_id text, source text, activity_id text, person_id text, activity_type text, occurred_at timestamptz, data jsonb)
     ON CONFLICT ON CONSTRAINT activities_pkey DO NOTHING RETURNING account_id, source, activity_id`,
    [
      JSON.stringify(
        activities.map(({ source, activity: a }) => ({
          account_id: a.accountId,
          source,
          activity_id: a.activityId,
          person_id: a.personId,
          activity_type: a.activityType,
          occurred_at: a.occurredAt,
          data: a,
        })),
      ),
    ],
  );
  return new Set(rows.map((r) => activityKey(r.account_id, r.source, r.activity_id)));
}

export async function lockOpportunities(db: Queryable, opportunityIds: string[]): Promise<Map<string, Date>> {
  const { rows } = await db.query<{ opportunity_id: string; updated_at: Date }>(
    'SELECT opportunity_id, updated_at FROM opportunities WHERE opportunity_id = ANY($1::text[]) ORDER BY opportunity_id FOR UPDATE',
    [opportunityIds],
  );
  return new Map(rows.map((r) => [r.opportunity_id, r.updated_at]));
}

export async function saveOpportunities(db: Queryable, opportunities: OpportunityUpserted[]): Promise<void> {
  if (opportunities.length === 0) return;
  await db.query(
    `INSERT INTO opportunities (opportunity_id, account_id, data, updated_at)
     SELECT r.opportunity_id, r.account_id, r.data, r.updated_at
     FROM jsonb_to_recordset($1::jsonb) AS r(opportunity_id text, account_id text, data jsonb, updated_at timestamptz)
     ON CONFLICT ON CONSTRAINT opportunities_pkey DO UPDATE
       SET account_id = EXCLUDED.account_id, data = EXCLUDED.data, updated_at = EXCLUDED.updated_at`,
    [
      JSON.stringify(
        opportunities.map((o) => ({
          opportunity_id: o.opportunityId,
          account_id: o.accountId,
          data: o,
          updated_at: o.updatedAt,
        })),
      ),
    ],
  );
}
