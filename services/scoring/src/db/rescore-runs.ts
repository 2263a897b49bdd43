import type { Queryable } from '@bg/postgres';

/** Records a finished re-score pass: when it ran and for which clock, for operators (and tests) to see. */
export async function recordRescoreRun(
  db: Queryable,
  run: { scoredAt: Date; groupsEvaluated: number; versionsPublished: number },
): Promise<void> {
  await db.query(
    `INSERT INTO rescore_runs (singleton, scored_at, finished_at, groups_evaluated, versions_published)
     VALUES (true, $1, now(), $2, $3)
     ON CONFLICT ON CONSTRAINT rescore_runs_pkey DO UPDATE
       SET scored_at = EXCLUDED.scored_at, finished_at = EXCLUDED.finished_at,
           groups_evaluated = EXCLUDED.groups_evaluated, versions_published = EXCLUDED.versions_published`,
    [run.scoredAt, run.groupsEvaluated, run.versionsPublished],
  );
}
