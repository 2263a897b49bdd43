import type { Queryable } from '@bg/postgres';

/** A finished re-score pass: the clock it scored at and the settings it scored with (`settingsKey`). */
export interface RescoreRun {
  scoredAt: Date;
  settings: string | null;
}

/** The last finished pass, if any. */
export async function lastRescoreRun(db: Queryable): Promise<RescoreRun | null> {
  const { rows } = await db.query<{ scored_at: Date; settings: string | null }>(
    'SELECT scored_at, settings FROM rescore_runs',
  );
  return rows[0] ? { scoredAt: rows[0].scored_at, settings: rows[0].settings } : null;
}

/** Records a finished re-score pass: when it ran, for which clock and settings, for the next pass and operators. */
export async function recordRescoreRun(
  db: Queryable,
  run: RescoreRun & { groupsEvaluated: number; versionsPublished: number },
): Promise<void> {
  await db.query(
    `INSERT INTO rescore_runs (singleton, scored_at, settings, finished_at, groups_evaluated, versions_published)
     VALUES (true, $1, $2, now(), $3, $4)
     ON CONFLICT ON CONSTRAINT rescore_runs_pkey DO UPDATE
       SET scored_at = EXCLUDED.scored_at, settings = EXCLUDED.settings, finished_at = EXCLUDED.finished_at,
           groups_evaluated = EXCLUDED.groups_evaluated, versions_published = EXCLUDED.versions_published`,
    [run.scoredAt, run.settings, run.groupsEvaluated, run.versionsPublished],
  );
}

/** Persons a pass left to the next one (a consumer held their account). */
export async function addRescorePending(
  db: Queryable,
  persons: readonly { accountId: string; personId: string }[],
): Promise<void> {
  if (persons.length === 0) return;
  await db.query(
    `INSERT INTO rescore_pending (account_id, person_id)
     SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT ON CONSTRAINT rescore_pending_pkey DO NOTHING`,
    [persons.map((p) => p.accountId), persons.map((p) => p.personId)],
  );
}

/** Persons a pass took from the pending list. */
export async function removeRescorePending(
  db: Queryable,
  persons: readonly { accountId: string; personId: string }[],
): Promise<void> {
  if (persons.length === 0) return;
  await db.query(
    `DELETE FROM rescore_pending WHERE (account_id, person_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [persons.map((p) => p.accountId), persons.map((p) => p.personId)],
  );
}

/** The next pending persons after `after`, in key order. */
export async function rescorePendingAfter(
  db: Queryable,
  after: { accountId: string; personId: string },
  limit: number,
): Promise<{ accountId: string; personId: string }[]> {
  const { rows } = await db.query<{ account_id: string; person_id: string }>(
    `SELECT account_id, person_id FROM rescore_pending WHERE (account_id, person_id) > ($1, $2)
     ORDER BY account_id, person_id LIMIT $3`,
    [after.accountId, after.personId, limit],
  );
  return rows.map((r) => ({ accountId: r.account_id, personId: r.person_id }));
}
