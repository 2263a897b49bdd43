import type { Queryable } from '@bg/postgres';
import type { PersonKey } from './activities';

/** The condition score last sent for an (account, person), with its version. */
export type StoredPersonScore = PersonKey & { score: number; version: number };

const keyOf = (accountId: string, personId: string) => `${accountId}\u0000${personId}`;

/** The stored condition scores of these (account, person) pairs, by `accountId\u0000personId`. */
export async function loadPersonScores(
  db: Queryable,
  persons: readonly PersonKey[],
): Promise<Map<string, StoredPersonScore>> {
  if (persons.length === 0) return new Map();
  const { rows } = await db.query<{ account_id: string; person_id: string; score: number; version: number }>(
    `SELECT s.account_id, s.person_id, s.score, s.version
     FROM person_scores s JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS p (account_id, person_id)) p
       USING (account_id, person_id)`,
    [persons.map((p) => p.accountId), persons.map((p) => p.personId)],
  );
  return new Map(
    rows.map((r) => [
      keyOf(r.account_id, r.person_id),
      { accountId: r.account_id, personId: r.person_id, score: r.score, version: r.version },
    ]),
  );
}

export const personScoreKey = keyOf;

/** Writes condition scores (new rows, and rows whose score changed); one statement. */
export async function savePersonScores(
  db: Queryable,
  scores: readonly StoredPersonScore[],
  scoredAt: Date,
): Promise<void> {
  if (scores.length === 0) return;
  await db.query(
    `INSERT INTO person_scores (account_id, person_id, score, version, scored_at)
     SELECT a, p, s, v, $5 FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS w (a, p, s, v)
     ON CONFLICT ON CONSTRAINT person_scores_pkey DO UPDATE
       SET score = EXCLUDED.score, version = EXCLUDED.version, scored_at = EXCLUDED.scored_at`,
    [
      scores.map((s) => s.accountId),
      scores.map((s) => s.personId),
      scores.map((s) => s.score),
      scores.map((s) => s.version),
      scoredAt,
    ],
  );
}

/**
 * The next (account, person) pairs after `after` in key order whose score the clock may move: a score above 0 (the
 * window and decay lower it), or an activity still in the window or ahead of the clock.
 */
export async function personScoresToRescore(
  db: Queryable,
  after: PersonKey,
  windowStart: Date,
  limit: number,
): Promise<PersonKey[]> {
  const { rows } = await db.query<{ account_id: string; person_id: string }>(
    `SELECT s.account_id, s.person_id FROM person_scores s
     WHERE (s.account_id, s.person_id) > ($1, $2)
       AND (s.score > 0 OR EXISTS (SELECT 1 FROM activities a
                                   WHERE a.account_id = s.account_id AND a.person_id = s.person_id AND a.occurred_at >= $3))
     ORDER BY s.account_id, s.person_id LIMIT $4`,
    [after.accountId, after.personId, windowStart, limit],
  );
  return rows.map((r) => ({ accountId: r.account_id, personId: r.person_id }));
}
