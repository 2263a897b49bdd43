import type { Queryable } from '@bg/postgres';
import { loadActivities } from '../db/activities';
import { engagementWindowStart, personEngagement, type ScoredActivity } from '../domain/engagement';
import type { ScoringSettings } from './settings';

/** Whose activities a score counts: one person's, at these accounts. */
export type ScoreRequest = { accounts: readonly string[]; personId: string };

/** A person's engagement score over their activities at these accounts, at `now`. */
export type ScoreOf = (accounts: readonly string[], personId: string) => number;

/**
 * Reads the activities of these persons at these accounts in the window once, and scores each (accounts, person) at
 * most once however many groups ask: a person's score depends on the accounts counted, never on the group.
 */
export async function freshScores(
  db: Queryable,
  requests: readonly ScoreRequest[],
  settings: ScoringSettings,
  now: Date,
): Promise<ScoreOf> {
  const activities = await loadActivities(
    db,
    requests.flatMap((r) => r.accounts.map((accountId) => ({ accountId, personId: r.personId }))),
    engagementWindowStart(now, settings.engagement),
  );
  const scores = new Map<string, number>();
  return (accounts, personId) => {
    const key = `${personId}\u0000${accounts.join('\u0000')}`;
    let score = scores.get(key);
    if (score === undefined) {
      const counted: ScoredActivity[] = accounts.flatMap((accountId) => activities.get(accountId)?.get(personId) ?? []);
      score = personEngagement(counted, now, settings.engagement).score;
      scores.set(key, score);
    }
    return score;
  };
}
