import type { PersonEngagementChanged } from '@bg/contracts';
import type { Queryable } from '@bg/postgres';

/** Stores engagement scores, each only when its version is newer than the stored one; one statement. */
export async function savePersonEngagement(db: Queryable, scores: readonly PersonEngagementChanged[]): Promise<void> {
  if (scores.length === 0) return;
  await db.query(
    `INSERT INTO person_engagement (account_id, person_id, score, version, scored_at)
     SELECT DISTINCT ON (a, p) a, p, s, v, t
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::timestamptz[]) AS w (a, p, s, v, t)
     ORDER BY a, p, v DESC
     ON CONFLICT ON CONSTRAINT person_engagement_pkey DO UPDATE
       SET score = EXCLUDED.score, version = EXCLUDED.version, scored_at = EXCLUDED.scored_at
       WHERE person_engagement.version < EXCLUDED.version`,
    [
      scores.map((s) => s.accountId),
      scores.map((s) => s.personId),
      scores.map((s) => s.score),
      scores.map((s) => s.version),
      scores.map((s) => s.scoredAt),
    ],
  );
}
