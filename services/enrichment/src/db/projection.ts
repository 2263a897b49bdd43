import { personUpsertedSchema, type PersonUpserted } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

export type AccountRef = { accountId: string; name: string; domain: string | null };

/** Keeps the account as of `changedAt` unless a newer change is held. */
export async function saveAccount(db: Queryable, account: AccountRef & { changedAt: string }): Promise<void> {
  await db.query(
    `INSERT INTO accounts (account_id, name, domain, updated_at, deleted) VALUES ($1, $2, $3, $4, false)
     ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET name = EXCLUDED.name, domain = EXCLUDED.domain,
       updated_at = EXCLUDED.updated_at, deleted = false
     WHERE accounts.updated_at < EXCLUDED.updated_at`,
    [account.accountId, account.name, account.domain, account.changedAt],
  );
}

/** A deleted account stays as a tombstone with its time, so that an older change arriving late cannot revive it. */
export async function deleteAccount(db: Queryable, accountId: string, changedAt: string): Promise<void> {
  await db.query(
    `INSERT INTO accounts (account_id, name, domain, updated_at, deleted) VALUES ($1, '', NULL, $2, true)
     ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET deleted = true, updated_at = EXCLUDED.updated_at
     WHERE accounts.updated_at < EXCLUDED.updated_at`,
    [accountId, changedAt],
  );
}

export async function findAccount(db: Queryable, accountId: string): Promise<AccountRef | null> {
  const { rows } = await db.query<{ name: string; domain: string | null }>(
    'SELECT name, domain FROM accounts WHERE account_id = $1 AND NOT deleted',
    [accountId],
  );
  const row = rows[0];
  return row ? { accountId, name: row.name, domain: row.domain } : null;
}

/** Keeps the newest version of the person as linked to the account (an older one arriving late changes nothing). */
export async function saveAccountPerson(
  db: Queryable,
  accountId: string,
  relationship: string | null,
  person: PersonUpserted,
  changedAt: string,
): Promise<void> {
  await db.query(
    `INSERT INTO account_persons (account_id, person_id, relationship, person, updated_at, linked) VALUES ($1, $2, $3, $4, $5, true)
     ON CONFLICT ON CONSTRAINT account_persons_pkey DO UPDATE
       SET relationship = EXCLUDED.relationship, person = EXCLUDED.person, updated_at = EXCLUDED.updated_at, linked = true
     WHERE account_persons.updated_at < EXCLUDED.updated_at`,
    [accountId, person.personId, relationship, person, changedAt],
  );
}

/** An ended link stays as a tombstone with its time (the person as last seen), so that an older link cannot return. */
export async function unlinkAccountPerson(
  db: Queryable,
  accountId: string,
  personId: string,
  changedAt: string,
): Promise<void> {
  await db.query(
    `UPDATE account_persons SET linked = false, updated_at = $3
     WHERE account_id = $1 AND person_id = $2 AND updated_at < $3`,
    [accountId, personId, changedAt],
  );
}

export async function accountPersons(db: Queryable, accountId: string): Promise<PersonUpserted[]> {
  const { rows } = await db.query<{ person: unknown }>(
    'SELECT person FROM account_persons WHERE account_id = $1 AND linked ORDER BY person_id',
    [accountId],
  );
  return rows.map((r) => personUpsertedSchema.parse(r.person));
}
