import type { Cause } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import type { RecomputeTarget } from '../recompute';

// Bounded so that a parent that never rests does not list every event that touched it.
const maxCoalesced = 50;

/** Queues recomputations (append-only: no row is shared, so concurrent chunks never wait on each other here). */
export async function requestRecomputes(db: Queryable, targets: RecomputeTarget[]): Promise<void> {
  if (targets.length === 0) return;
  await db.query(
    `INSERT INTO pending_recomputes (account_id, solution_interest_id, cause)
     SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`,
    [targets.map((t) => t.accountId), targets.map((t) => t.solutionInterestId), targets.map((t) => JSON.stringify(t.cause))],
  );
}

/**
 * Takes (and removes) the oldest queued requests, skipping rows another replica holds, folded per group: the newest
 * cause, the others as coalesced.
 */
export async function takeRecomputes(db: Queryable, limit: number): Promise<RecomputeTarget[]> {
  const { rows } = await db.query<{ request_id: string; account_id: string; solution_interest_id: string; cause: Cause }>(
    `DELETE FROM pending_recomputes WHERE request_id IN (
       SELECT request_id FROM pending_recomputes ORDER BY request_id LIMIT $1 FOR UPDATE SKIP LOCKED
     ) RETURNING request_id, account_id, solution_interest_id, cause`,
    [limit],
  );
  const folded = new Map<string, RecomputeTarget>();
  for (const row of rows.sort((a, b) => Number(a.request_id) - Number(b.request_id))) {
    const key = `${row.account_id}|${row.solution_interest_id}`;
    const earlier = folded.get(key);
    const coalesced = earlier ? [...earlier.coalesced, earlier.cause.eventId].filter((id) => id !== row.cause.eventId).slice(-maxCoalesced) : [];
    folded.set(key, { accountId: row.account_id, solutionInterestId: row.solution_interest_id, cause: row.cause, coalesced });
  }
  return [...folded.values()].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : a.solutionInterestId < b.solutionInterestId ? -1 : 1));
}
