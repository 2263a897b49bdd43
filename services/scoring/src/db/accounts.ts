import type { AccountChanged } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { ancestorsQuery, groupRows, scopeQuery } from '@bg/rules';

/**
 * Scoring's copy of the account hierarchy (parent and deleted only), for the one descendant-scope rule of libs/rules:
 * a roll-up group's engagement counts its members' activities at the accounts in its scope.
 */

/** Saves account changes, each only when newer than the stored one (a redelivery or an older change does nothing). */
export async function saveAccounts(db: Queryable, changes: readonly AccountChanged[]): Promise<void> {
  if (changes.length === 0) return;
  await db.query(
    `INSERT INTO accounts (account_id, parent_account_id, deleted, updated_at)
     SELECT DISTINCT ON (account_id) account_id, parent_account_id, deleted, changed_at
     FROM unnest($1::text[], $2::text[], $3::boolean[], $4::timestamptz[]) AS c (account_id, parent_account_id, deleted, changed_at)
     ORDER BY account_id, changed_at DESC
     ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET
       -- A deleted account keeps its place, so that it comes back where it was.
       parent_account_id = CASE WHEN EXCLUDED.deleted THEN accounts.parent_account_id ELSE EXCLUDED.parent_account_id END,
       deleted = EXCLUDED.deleted, updated_at = EXCLUDED.updated_at
     WHERE accounts.updated_at < EXCLUDED.updated_at`,
    [
      changes.map((c) => c.accountId),
      changes.map((c) => c.account?.parentAccountId ?? null),
      changes.map((c) => c.account === null),
      changes.map((c) => c.changedAt),
    ],
  );
}

/** The live ancestors whose roll-up groups hold each account, nearest first; one query for all. */
export async function ancestorsOf(db: Queryable, accountIds: readonly string[]): Promise<Map<string, string[]>> {
  if (accountIds.length === 0) return new Map();
  const ids = [...new Set(accountIds)];
  const { rows } = await db.query<{ start_id: string; account_id: string }>(ancestorsQuery, [ids]);
  return groupRows(ids, rows, 'start_id');
}

/** The scope of each root's roll-up group, the root first; one query for all roots. */
export async function scopesOf(db: Queryable, roots: readonly string[]): Promise<Map<string, string[]>> {
  if (roots.length === 0) return new Map();
  const ids = [...new Set(roots)];
  const { rows } = await db.query<{ root: string; account_id: string }>(scopeQuery, [ids]);
  return groupRows(ids, rows, 'root');
}
