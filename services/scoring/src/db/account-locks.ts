import type { Queryable } from '@bg/postgres';

/**
 * Serialises all scoring work on these accounts until the transaction ends. A membership change (which scores its
 * joiners from the activities stored) and an activity (which re-scores the groups stored) of the same account would
 * otherwise each miss the other's uncommitted write, and the activity would publish nowhere.
 */
export async function lockAccounts(db: Queryable, accountIds: readonly string[]): Promise<void> {
  await db.query(
    `SELECT pg_advisory_xact_lock(k) FROM (SELECT hashtextextended('scoring:' || a, 0) AS k FROM unnest($1::text[]) AS a ORDER BY a) s`,
    [[...new Set(accountIds)].sort()],
  );
}

/** The accounts whose lock is free now, locked until the transaction ends; the others are being worked on. */
export async function tryLockAccounts(db: Queryable, accountIds: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ account_id: string }>(
    `SELECT a AS account_id FROM unnest($1::text[]) AS a WHERE pg_try_advisory_xact_lock(hashtextextended('scoring:' || a, 0))`,
    [[...new Set(accountIds)].sort()],
  );
  return new Set(rows.map((r) => r.account_id));
}
