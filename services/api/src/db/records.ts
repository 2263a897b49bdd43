import type { AccountUpserted, MemberScope, PersonUpserted } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { groupRows, scopeQuery } from '@bg/rules';

export type AccountRecord = AccountUpserted & { deleted: boolean };
export type PersonRecord = Omit<PersonUpserted, 'accounts'> & { deleted: boolean };
export type AccountRef = { accountId: string; name: string };

export async function findAccount(db: Queryable, accountId: string): Promise<AccountRecord | null> {
  const { rows } = await db.query<{ data: AccountUpserted; deleted: boolean }>(
    'SELECT data, deleted FROM accounts WHERE account_id = $1',
    [accountId],
  );
  return rows[0] ? { ...rows[0].data, deleted: rows[0].deleted } : null;
}

export async function accountRef(db: Queryable, accountId: string): Promise<AccountRef | null> {
  const { rows } = await db.query<AccountRef>(
    'SELECT account_id AS "accountId", name FROM accounts WHERE account_id = $1',
    [accountId],
  );
  return rows[0] ?? null;
}

export async function childrenOf(db: Queryable, accountId: string): Promise<AccountRef[]> {
  const { rows } = await db.query<AccountRef>(
    'SELECT account_id AS "accountId", name FROM accounts WHERE parent_account_id = $1 AND NOT deleted ORDER BY account_id',
    [accountId],
  );
  return rows;
}

export async function findPerson(db: Queryable, personId: string): Promise<PersonRecord | null> {
  const { rows } = await db.query<{ data: PersonUpserted; deleted: boolean }>(
    'SELECT data, deleted FROM persons WHERE person_id = $1',
    [personId],
  );
  if (!rows[0]) return null;
  const { accounts: _links, ...person } = rows[0].data;
  return { ...person, deleted: rows[0].deleted };
}

export async function linksOf(
  db: Queryable,
  personId: string,
): Promise<{ accountId: string; name: string | null; relationship: string }[]> {
  const { rows } = await db.query<{ accountId: string; name: string | null; relationship: string }>(
    `SELECT pa.account_id AS "accountId", a.name, pa.relationship FROM person_accounts pa
     LEFT JOIN accounts a ON a.account_id = pa.account_id WHERE pa.person_id = $1 ORDER BY pa.account_id`,
    [personId],
  );
  return rows;
}

/**
 * The accounts whose people a group draws on, by root account, nearest first: the account itself, then (for
 * `account-and-descendants`) the one descendant-scope rule of @bg/rules over the API's projection of accounts.
 */
export async function scopesOf(
  db: Queryable,
  accountIds: readonly string[],
  scope: MemberScope,
): Promise<Map<string, string[]>> {
  if (scope === 'account') return new Map(accountIds.map((id) => [id, [id]]));
  const { rows } = await db.query<{ root: string; account_id: string }>(scopeQuery, [accountIds]);
  return groupRows(accountIds, rows, 'root');
}

/** Whether a person is linked to any of the accounts. */
export async function isLinkedToAny(db: Queryable, personId: string, accountIds: readonly string[]): Promise<boolean> {
  const { rows } = await db.query(
    'SELECT 1 FROM person_accounts WHERE person_id = $1 AND account_id = ANY($2::text[]) LIMIT 1',
    [personId, accountIds],
  );
  return rows.length > 0;
}

/** The live persons linked to the accounts, with the relationship of each link. */
export async function linkedPersons(
  db: Queryable,
  accountIds: readonly string[],
): Promise<{ accountId: string; relationship: string; person: PersonUpserted; engagementScore?: number }[]> {
  if (accountIds.length === 0) return [];
  const { rows } = await db.query<{
    account_id: string;
    relationship: string;
    data: PersonUpserted;
    engagement_score: number | null;
  }>(
    `SELECT pa.account_id, pa.relationship, p.data, e.score AS engagement_score
     FROM person_accounts pa JOIN persons p USING (person_id)
       LEFT JOIN person_engagement e ON e.account_id = pa.account_id AND e.person_id = pa.person_id
     WHERE pa.account_id = ANY($1::text[]) AND NOT p.deleted ORDER BY pa.account_id, pa.person_id COLLATE "C"`,
    [accountIds],
  );
  return rows.map((row) => ({
    accountId: row.account_id,
    relationship: row.relationship,
    person: row.data,
    engagementScore: row.engagement_score ?? undefined,
  }));
}

/** One page of live accounts after `after`, in accountId order (the preview streams them). */
export async function accountsPage(db: Queryable, after: string | null, limit: number): Promise<AccountUpserted[]> {
  const { rows } = await db.query<{ data: AccountUpserted }>(
    `SELECT data FROM accounts WHERE NOT deleted AND ($1::text IS NULL OR account_id > $1)
     ORDER BY account_id LIMIT $2`,
    [after, limit],
  );
  return rows.map((row) => row.data);
}

/** Which of the ids are live accounts. */
export async function liveAccounts(db: Queryable, accountIds: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ account_id: string }>(
    'SELECT account_id FROM accounts WHERE account_id = ANY($1::text[]) AND NOT deleted',
    [accountIds],
  );
  return new Set(rows.map((row) => row.account_id));
}

/** Which of the ids are live persons, and the live persons holding each of the e-mails (lower-cased). */
export async function personsByIdOrEmail(
  db: Queryable,
  personIds: readonly string[],
  emails: readonly string[],
): Promise<{ ids: Set<string>; byEmail: Map<string, string[]> }> {
  const { rows } = await db.query<{ person_id: string; email: string | null; by_id: boolean }>(
    `SELECT person_id, lower(email) AS email, person_id = ANY($1::text[]) AS by_id FROM persons
     WHERE NOT deleted AND (person_id = ANY($1::text[]) OR lower(email) = ANY($2::text[]))
     ORDER BY person_id`,
    [personIds, emails.map((email) => email.toLowerCase())],
  );
  const ids = new Set<string>();
  const byEmail = new Map<string, string[]>();
  const wanted = new Set(emails.map((email) => email.toLowerCase()));
  for (const row of rows) {
    if (row.by_id) ids.add(row.person_id);
    if (row.email !== null && wanted.has(row.email))
      byEmail.set(row.email, [...(byEmail.get(row.email) ?? []), row.person_id]);
  }
  return { ids, byEmail };
}
