import type { AccountUpserted, PersonUpserted, SolutionInterestDefined } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import type { MemberOverride, OverrideSource } from '@bg/rules';
import type { ScopedPerson } from '../domain/group-state';

export async function saveSolutionInterest(db: Queryable, definition: SolutionInterestDefined): Promise<void> {
  await db.query(
    `INSERT INTO solution_interests (solution_interest_id, definition, deleted, updated_at) VALUES ($1, $2, false, now())
     ON CONFLICT ON CONSTRAINT solution_interests_pkey DO UPDATE SET definition = EXCLUDED.definition, deleted = false, updated_at = now()`,
    [definition.solutionInterestId, definition],
  );
}

export async function markSolutionInterestDeleted(db: Queryable, solutionInterestId: string): Promise<void> {
  await db.query('UPDATE solution_interests SET deleted = true, updated_at = now() WHERE solution_interest_id = $1', [solutionInterestId]);
}

/** Live solution interests; a handful, read per chunk. */
export async function liveSolutionInterests(db: Queryable): Promise<SolutionInterestDefined[]> {
  const { rows } = await db.query<{ definition: SolutionInterestDefined }>(
    'SELECT definition FROM solution_interests WHERE NOT deleted ORDER BY solution_interest_id',
  );
  return rows.map((r) => r.definition);
}

export async function solutionInterest(db: Queryable, id: string): Promise<SolutionInterestDefined | null> {
  const { rows } = await db.query<{ definition: SolutionInterestDefined }>(
    'SELECT definition FROM solution_interests WHERE solution_interest_id = $1 AND NOT deleted',
    [id],
  );
  return rows[0]?.definition ?? null;
}

export async function liveAccounts(db: Queryable, accountIds: string[]): Promise<Map<string, AccountUpserted>> {
  const { rows } = await db.query<{ data: AccountUpserted }>(
    'SELECT data FROM accounts WHERE account_id = ANY($1::text[]) AND NOT deleted',
    [accountIds],
  );
  return new Map(rows.map((r) => [r.data.accountId, r.data]));
}

/** The chain of live ancestors of each account, nearest first (cycle-safe); one query for all of them. */
export async function ancestorsOfMany(db: Queryable, accountIds: string[]): Promise<Map<string, string[]>> {
  const result = new Map(accountIds.map((id) => [id, [] as string[]]));
  if (accountIds.length === 0) return result;
  const { rows } = await db.query<{ start_id: string; account_id: string }>(
    `WITH RECURSIVE chain(start_id, account_id, depth, path) AS (
       SELECT a.account_id, a.parent_account_id, 1, ARRAY[a.account_id]
       FROM accounts a WHERE a.account_id = ANY($1::text[]) AND a.parent_account_id IS NOT NULL
       UNION ALL
       SELECT c.start_id, a.parent_account_id, c.depth + 1, c.path || a.account_id
       FROM chain c JOIN accounts a ON a.account_id = c.account_id
       WHERE a.parent_account_id IS NOT NULL AND NOT a.deleted AND NOT (a.account_id = ANY(c.path)) AND c.depth < 64
     )
     SELECT c.start_id, c.account_id FROM chain c JOIN accounts a ON a.account_id = c.account_id AND NOT a.deleted
     ORDER BY c.start_id, c.depth`,
    [accountIds],
  );
  for (const row of rows) result.get(row.start_id)?.push(row.account_id);
  return result;
}

export async function saveOverride(
  db: Queryable,
  key: { accountId: string; solutionInterestId: string },
  override: MemberOverride,
): Promise<void> {
  await db.query(
    `INSERT INTO member_overrides (account_id, solution_interest_id, person_id, source, action, role, requested_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT ON CONSTRAINT member_overrides_pkey DO UPDATE
       SET action = EXCLUDED.action, role = EXCLUDED.role, requested_at = EXCLUDED.requested_at
       WHERE member_overrides.requested_at <= EXCLUDED.requested_at`,
    [key.accountId, key.solutionInterestId, override.personId, override.source, override.action, override.role, override.requestedAt],
  );
}

/**
 * Scope of each root for `account-and-descendants`: live descendants level by level, each level by account id
 * (the order @bg/rules uses to pick the nearest link). One query for all roots.
 */
export async function descendantsOfMany(db: Queryable, roots: string[]): Promise<Map<string, string[]>> {
  const result = new Map(roots.map((root) => [root, [] as string[]]));
  if (roots.length === 0) return result;
  const { rows } = await db.query<{ root: string; account_id: string }>(
    `WITH RECURSIVE tree(root, account_id, depth, path) AS (
       SELECT r.root, a.account_id, 1, ARRAY[r.root, a.account_id]
       FROM unnest($1::text[]) AS r(root) JOIN accounts a ON a.parent_account_id = r.root AND NOT a.deleted
       UNION ALL
       SELECT t.root, a.account_id, t.depth + 1, t.path || a.account_id
       FROM tree t JOIN accounts a ON a.parent_account_id = t.account_id
       WHERE NOT a.deleted AND NOT (a.account_id = ANY(t.path)) AND t.depth < 64
     )
     SELECT root, account_id FROM tree GROUP BY root, account_id ORDER BY root, min(depth), account_id COLLATE "C"`,
    [roots],
  );
  for (const row of rows) result.get(row.root)!.push(row.account_id);
  return result;
}

/** People of many accounts at once, by account, each list by person id. */
export async function peopleOfMany(db: Queryable, accountIds: string[]): Promise<Map<string, ScopedPerson[]>> {
  const result = new Map<string, ScopedPerson[]>();
  if (accountIds.length === 0) return result;
  const { rows } = await db.query<{ account_id: string; person_id: string; relationship: string; person: PersonUpserted }>(
    `SELECT account_id, person_id, relationship, person FROM account_people
     WHERE account_id = ANY($1::text[]) ORDER BY account_id, person_id COLLATE "C"`,
    [accountIds],
  );
  for (const r of rows) {
    const list = result.get(r.account_id) ?? [];
    list.push({ personId: r.person_id, relationship: r.relationship, person: r.person });
    result.set(r.account_id, list);
  }
  return result;
}

/** Overrides of many groups at once, by `accountId|solutionInterestId`. */
export async function overridesOfMany(db: Queryable, accountIds: string[]): Promise<Map<string, MemberOverride[]>> {
  const result = new Map<string, MemberOverride[]>();
  if (accountIds.length === 0) return result;
  const { rows } = await db.query<{ account_id: string; solution_interest_id: string; person_id: string; source: OverrideSource; action: 'add' | 'remove'; role: string | null; requested_at: Date }>(
    `SELECT account_id, solution_interest_id, person_id, source, action, role, requested_at FROM member_overrides
     WHERE account_id = ANY($1::text[])`,
    [accountIds],
  );
  for (const r of rows) {
    const key = `${r.account_id}|${r.solution_interest_id}`;
    const list = result.get(key) ?? [];
    list.push(
      r.action === 'add'
        ? { personId: r.person_id, action: 'add', role: r.role ?? '', source: r.source, requestedAt: r.requested_at.toISOString() }
        : { personId: r.person_id, action: 'remove', role: r.role, source: r.source, requestedAt: r.requested_at.toISOString() },
    );
    result.set(key, list);
  }
  return result;
}

/** Serialises all work on these accounts until the transaction ends (also for groups that do not exist yet). */
export async function lockAccounts(db: Queryable, accountIds: string[]): Promise<void> {
  const sorted = [...new Set(accountIds)].sort();
  await db.query(
    `SELECT pg_advisory_xact_lock(k) FROM (SELECT hashtextextended('role-assignment:' || a, 0) AS k FROM unnest($1::text[]) AS a ORDER BY a) s`,
    [sorted],
  );
}

/** Upserts accounts (`data` null marks one deleted), one statement for all. */
export async function saveAccounts(db: Queryable, accounts: { accountId: string; data: AccountUpserted | null }[]): Promise<void> {
  if (accounts.length === 0) return;
  await db.query(
    `INSERT INTO accounts (account_id, parent_account_id, data, deleted)
     SELECT r.account_id, r.data->>'parentAccountId', coalesce(r.data, '{}'::jsonb), r.data IS NULL
     FROM jsonb_to_recordset($1::jsonb) AS r(account_id text, data jsonb)
     ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET
       parent_account_id = CASE WHEN EXCLUDED.deleted THEN accounts.parent_account_id ELSE EXCLUDED.parent_account_id END,
       data = CASE WHEN EXCLUDED.deleted THEN accounts.data ELSE EXCLUDED.data END,
       deleted = EXCLUDED.deleted`,
    [JSON.stringify(accounts.map((a) => ({ account_id: a.accountId, data: a.data })))],
  );
}

export type PersonLinkWrite = { accountId: string; personId: string; link: { relationship: string; person: PersonUpserted } | null };

/** Applies person ↔ account link writes (`link` null removes it): one delete and one upsert statement for all. */
export async function savePersonLinks(db: Queryable, writes: PersonLinkWrite[]): Promise<void> {
  const removed = writes.filter((w) => w.link === null);
  const kept = writes.filter((w) => w.link !== null);
  if (removed.length > 0) {
    await db.query(
      'DELETE FROM account_people p USING unnest($1::text[], $2::text[]) AS r(account_id, person_id) WHERE p.account_id = r.account_id AND p.person_id = r.person_id',
      [removed.map((w) => w.accountId), removed.map((w) => w.personId)],
    );
  }
  if (kept.length > 0) {
    await db.query(
      `INSERT INTO account_people (account_id, person_id, relationship, person)
       SELECT r.account_id, r.person_id, r.relationship, r.person
       FROM jsonb_to_recordset($1::jsonb) AS r(account_id text, person_id text, relationship text, person jsonb)
       ON CONFLICT ON CONSTRAINT account_people_pkey DO UPDATE SET relationship = EXCLUDED.relationship, person = EXCLUDED.person`,
      [JSON.stringify(kept.map((w) => ({ account_id: w.accountId, person_id: w.personId, relationship: w.link!.relationship, person: w.link!.person })))],
    );
  }
}
