import type { Cause } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import type { RecomputeTarget } from '../recompute';

// Bounded so that a parent that never rests does not grow its row forever.
const maxCoalesced = 50;

/** Queues recomputations; a group already queued keeps one row, with the newest cause and the others as coalesced. */
export async function requestRecomputes(db: Queryable, targets: RecomputeTarget[]): Promise<void> {
  if (targets.length === 0) return;
  const sorted = [...targets].sort((a, b) => `${a.accountId}|${a.solutionInterestId}`.localeCompare(`${b.accountId}|${b.solutionInterestId}`));
  await db.query(
    `INSERT INTO pending_recomputes (account_id, solution_interest_id, cause, coalesced)
     SELECT r.account_id, r.solution_interest_id, r.cause, r.coalesced
     FROM jsonb_to_recordset($1::jsonb) AS r(account_id text, solution_interest_id text, cause jsonb, coalesced text[])
     ON CONFLICT ON CONSTRAINT pending_recomputes_pkey DO UPDATE SET
       cause = EXCLUDED.cause,
       coalesced = (pending_recomputes.coalesced || (pending_recomputes.cause->>'eventId') || EXCLUDED.coalesced)[1:${maxCoalesced}]`,
    [
      JSON.stringify(
        sorted.map((t) => ({ account_id: t.accountId, solution_interest_id: t.solutionInterestId, cause: t.cause, coalesced: t.coalesced })),
      ),
    ],
  );
}

/** Takes (and removes) the oldest queued recomputations; rows another replica holds are skipped. */
export async function takeRecomputes(db: Queryable, limit: number): Promise<RecomputeTarget[]> {
  const { rows } = await db.query<{ account_id: string; solution_interest_id: string; cause: Cause; coalesced: string[] }>(
    `DELETE FROM pending_recomputes p USING (
       SELECT account_id, solution_interest_id FROM pending_recomputes ORDER BY requested_at LIMIT $1 FOR UPDATE SKIP LOCKED
     ) picked
     WHERE p.account_id = picked.account_id AND p.solution_interest_id = picked.solution_interest_id
     RETURNING p.account_id, p.solution_interest_id, p.cause, p.coalesced`,
    [limit],
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    solutionInterestId: r.solution_interest_id,
    cause: r.cause,
    coalesced: r.coalesced.filter((id) => id !== r.cause.eventId),
  }));
}
