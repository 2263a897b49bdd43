import type { Cause } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';
import { addTarget, byGroup, requestsOf, type RecomputeTarget } from '../domain/targets';

/**
 * Queues recomputations of other accounts' groups (ancestors' roll-ups). Append-only: no row is shared, so concurrent
 * chunks asking for the same busy parent never wait on each other here. A row names one input and one person, or none
 * for the whole group.
 */
export async function requestRecomputes(db: Queryable, targets: RecomputeTarget[]): Promise<void> {
  // One row per input and person asked for, so that the runner names each input by the people it asked for.
  const rows = targets.flatMap((t) =>
    requestsOf(t).flatMap((request) =>
      (request.personIds ?? [null]).flatMap((personId: string | null) =>
        request.causes.map((cause) => ({
          accountId: t.accountId,
          solutionInterestId: t.solutionInterestId,
          personId,
          cause,
        })),
      ),
    ),
  );
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO pending_recomputes (account_id, solution_interest_id, person_id, cause)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
    [
      rows.map((r) => r.accountId),
      rows.map((r) => r.solutionInterestId),
      rows.map((r) => r.personId),
      rows.map((r) => JSON.stringify(r.cause)),
    ],
  );
}

/**
 * Takes (and removes) the oldest queued requests whose accounts are free right now, folded per group in arrival
 * order, with those accounts locked for the rest of the transaction. Requests of an account that a consumer chunk is
 * working on stay queued for a later pass: this runner never waits for a chunk (a chunk waits at most for one short
 * batch of it). Rows another runner holds are skipped too.
 */
export async function takeRecomputes(db: Queryable, limit: number): Promise<RecomputeTarget[]> {
  const { rows } = await db.query<{
    request_id: string;
    account_id: string;
    solution_interest_id: string;
    person_id: string | null;
    cause: Cause;
  }>(
    `WITH candidates AS (
       SELECT request_id, account_id AS k FROM pending_recomputes
       ORDER BY request_id LIMIT $1 FOR UPDATE SKIP LOCKED
     ), free AS (
       SELECT k FROM (SELECT DISTINCT k FROM candidates ORDER BY k) g
       WHERE pg_try_advisory_xact_lock(hashtextextended('role-assignment:' || k, 0))
     )
     DELETE FROM pending_recomputes p USING candidates c
     WHERE p.request_id = c.request_id AND c.k IN (SELECT k FROM free)
     RETURNING p.request_id, p.account_id, p.solution_interest_id, p.person_id, p.cause`,
    [limit],
  );
  const folded = new Map<string, RecomputeTarget>();
  for (const row of rows.sort((a, b) => Number(a.request_id) - Number(b.request_id))) {
    addTarget(folded, {
      accountId: row.account_id,
      solutionInterestId: row.solution_interest_id,
      personIds: row.person_id === null ? null : [row.person_id],
      cause: row.cause,
      coalesced: [],
    });
  }
  return [...folded.values()].sort(byGroup);
}
