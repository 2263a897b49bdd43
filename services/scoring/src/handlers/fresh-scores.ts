import type { Queryable } from '@bg/postgres';
import { loadActivities, type PersonKey } from '../db/activities';
import { engagementWindowStart, personEngagement } from '../domain/engagement';
import type { ScoringSettings } from './settings';

/** A person's engagement score at an account, at `now`. */
export type ScoreOf = (accountId: string, personId: string) => number;

/**
 * Reads the activities of these persons in the window once, and scores each (account, person) at most once however
 * many groups ask: a person's score does not depend on the group.
 */
export async function freshScores(
  db: Queryable,
  persons: readonly PersonKey[],
  settings: ScoringSettings,
  now: Date,
): Promise<ScoreOf> {
  const activities = await loadActivities(db, persons, engagementWindowStart(now, settings.engagement));
  const scores = new Map<string, number>();
  return (accountId, personId) => {
    const key = `${accountId}\u0000${personId}`;
    let score = scores.get(key);
    if (score === undefined) {
      score = personEngagement(activities.get(accountId)?.get(personId) ?? [], now, settings.engagement).score;
      scores.set(key, score);
    }
    return score;
  };
}
