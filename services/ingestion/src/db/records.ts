import type { AccountUpserted, ActivityRecorded, OpportunityUpserted, PersonAccountLink, PersonUpserted } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

export type StoredVersion = { updatedAt: Date; deleted: boolean };
export type StoredAccount = StoredVersion & { parentAccountId: string | null };

export async function lockAccount(db: Queryable, accountId: string): Promise<StoredAccount | null> {
  const { rows } = await db.query<{ updated_at: Date; deleted: boolean; parent_account_id: string | null }>(
    'SELECT updated_at, deleted, parent_account_id FROM accounts WHERE account_id = $1 FOR UPDATE',
    [accountId],
  );
  const row = rows[0];
  return row ? { updatedAt: row.updated_at, deleted: row.deleted, parentAccountId: row.parent_account_id } : null;
}

export async function saveAccount(db: Queryable, account: AccountUpserted): Promise<void> {
  await db.query(
    `INSERT INTO accounts (account_id, parent_account_id, data, updated_at, deleted) VALUES ($1, $2, $3, $4, false)
     ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE
       SET parent_account_id = EXCLUDED.parent_account_id, data = EXCLUDED.data, updated_at = EXCLUDED.updated_at, deleted = false`,
    [account.accountId, account.parentAccountId ?? null, account, account.updatedAt],
  );
}

export async function markAccountDeleted(db: Queryable, accountId: string, deletedAt: string): Promise<void> {
  await db.query(
    `INSERT INTO accounts (account_id, data, updated_at, deleted) VALUES ($1, NULL, $2, true)
     ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET data = NULL, updated_at = EXCLUDED.updated_at, deleted = true`,
    [accountId, deletedAt],
  );
}

export async function lockPerson(db: Queryable, personId: string): Promise<StoredVersion | null> {
  const { rows } = await db.query<{ updated_at: Date; deleted: boolean }>(
    'SELECT updated_at, deleted FROM persons WHERE person_id = $1 FOR UPDATE',
    [personId],
  );
  const row = rows[0];
  return row ? { updatedAt: row.updated_at, deleted: row.deleted } : null;
}

export async function savePerson(db: Queryable, person: PersonUpserted): Promise<void> {
  await db.query(
    `INSERT INTO persons (person_id, data, updated_at, deleted) VALUES ($1, $2, $3, false)
     ON CONFLICT ON CONSTRAINT persons_pkey DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at, deleted = false`,
    [person.personId, person, person.updatedAt],
  );
}

export async function markPersonDeleted(db: Queryable, personId: string, deletedAt: string): Promise<void> {
  await db.query(
    `INSERT INTO persons (person_id, data, updated_at, deleted) VALUES ($1, NULL, $2, true)
     ON CONFLICT ON CONSTRAINT persons_pkey DO UPDATE SET data = NULL, updated_at = EXCLUDED.updated_at, deleted = true`,
    [personId, deletedAt],
  );
}

export async function personLinks(db: Queryable, personId: string): Promise<PersonAccountLink[]> {
  const { rows } = await db.query<{ account_id: string; relationship: string }>(
    'SELECT account_id, relationship FROM person_accounts WHERE person_id = $1 ORDER BY account_id',
    [personId],
  );
  return rows.map((r) => ({ accountId: r.account_id, relationship: r.relationship }));
}

/** Replaces a person's links with `links` (two statements, whatever the count). */
export async function replacePersonLinks(db: Queryable, personId: string, links: PersonAccountLink[]): Promise<void> {
  await db.query('DELETE FROM person_accounts WHERE person_id = $1', [personId]);
  if (links.length === 0) return;
  await db.query(
    `INSERT INTO person_accounts (account_id, person_id, relationship)
     SELECT unnest($1::text[]), $2, unnest($3::text[])`,
    [links.map((l) => l.accountId), personId, links.map((l) => l.relationship)],
  );
}

/** Stores an activity once; returns false when its id was already there (late duplicate). */
export async function insertActivity(db: Queryable, activity: ActivityRecorded): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO activities (account_id, activity_id, person_id, activity_type, occurred_at, data) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT ON CONSTRAINT activities_pkey DO NOTHING`,
    [activity.accountId, activity.activityId, activity.personId, activity.activityType, activity.occurredAt, activity],
  );
  return result.rowCount === 1;
}

export async function lockOpportunity(db: Queryable, opportunityId: string): Promise<Date | null> {
  const { rows } = await db.query<{ updated_at: Date }>(
    'SELECT updated_at FROM opportunities WHERE opportunity_id = $1 FOR UPDATE',
    [opportunityId],
  );
  return rows[0]?.updated_at ?? null;
}

export async function saveOpportunity(db: Queryable, opportunity: OpportunityUpserted): Promise<void> {
  await db.query(
    `INSERT INTO opportunities (opportunity_id, account_id, data, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT ON CONSTRAINT opportunities_pkey DO UPDATE
       SET account_id = EXCLUDED.account_id, data = EXCLUDED.data, updated_at = EXCLUDED.updated_at`,
    [opportunity.opportunityId, opportunity.accountId, opportunity, opportunity.updatedAt],
  );
}
