import { personUpsertedSchema, type PersonUpserted } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

export type AccountRef = { accountId: string; name: string; domain: string | null };

export async function saveAccount(db: Queryable, account: AccountRef & { updatedAt: string }): Promise<void> {
  await db.query(
    `INSERT INTO accounts (account_id, name, domain, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET name = EXCLUDED.name, domain = EXCLUDED.domain, updated_at = EXCLUDED.updated_at
     WHERE accounts.updated_at <= EXCLUDED.updated_at`,
    [account.accountId, account.name, account.domain, account.updatedAt],
  );
}

export async function deleteAccount(db: Queryable, accountId: string): Promise<void> {
  await db.query('DELETE FROM accounts WHERE account_id = $1', [accountId]);
}

export async function findAccount(db: Queryable, accountId: string): Promise<AccountRef | null> {
  const { rows } = await db.query<{ name: string; domain: string | null }>(
    'SELECT name, domain FROM accounts WHERE account_id = $1',
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
): Promise<void> {
  await db.query(
    `INSERT INTO account_persons (account_id, person_id, relationship, person, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT ON CONSTRAINT account_persons_pkey DO UPDATE
       SET relationship = EXCLUDED.relationship, person = EXCLUDED.person, updated_at = EXCLUDED.updated_at
     WHERE account_persons.updated_at <= EXCLUDED.updated_at`,
    [accountId, person.personId, relationship, person, person.updatedAt],
  );
}

export async function deleteAccountPerson(db: Queryable, accountId: string, personId: string): Promise<void> {
  await db.query('DELETE FROM account_persons WHERE account_id = $1 AND person_id = $2', [accountId, personId]);
}

export async function accountPersons(db: Queryable, accountId: string): Promise<PersonUpserted[]> {
  const { rows } = await db.query<{ person: unknown }>(
    'SELECT person FROM account_persons WHERE account_id = $1 ORDER BY person_id',
    [accountId],
  );
  return rows.map((r) => personUpsertedSchema.parse(r.person));
}
