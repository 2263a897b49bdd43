import { internalEventTypes, type Cause } from '@bg/contracts';
import { encodeEvent } from '@bg/kafka';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import type { PersonKey } from '../db/activities';
import { loadPersonScores, personScoreKey, savePersonScores, type StoredPersonScore } from '../db/person-scores';
import { scoringSource } from './emit';
import { freshScores } from './fresh-scores';
import type { ScoringSettings } from './settings';

/**
 * Re-scores the condition score of these (account, person) pairs at `now` — the person's activities at that account
 * only, so it depends neither on a group nor on anyone's membership (no feedback loop through `engagementScore`
 * conditions) — and returns one `bg.person.engagement-changed` per pair whose integer score moved (a pair seen for the
 * first time is stored, and sent unless it scores 0, the score of a person without activities). The caller holds
 * the accounts' locks, so versions rise by one per change.
 */
export async function rescorePersons(
  db: Queryable,
  persons: readonly PersonKey[],
  settings: ScoringSettings,
  now: Date,
  causeOf: (person: PersonKey) => Cause,
): Promise<OutboxMessage[]> {
  if (persons.length === 0) return [];
  persons = distinctPersons(persons);
  const stored = await loadPersonScores(db, persons);
  const scoreOf = await freshScores(
    db,
    persons.map((p) => ({ accounts: [p.accountId], personId: p.personId })),
    settings,
    now,
  );
  const writes: StoredPersonScore[] = [];
  const messages: OutboxMessage[] = [];
  for (const person of persons) {
    const before = stored.get(personScoreKey(person.accountId, person.personId));
    const score = scoreOf([person.accountId], person.personId);
    if (before?.score === score) continue;
    const moved = score !== (before?.score ?? 0);
    const version = (before?.version ?? 0) + (moved ? 1 : 0);
    writes.push({ ...person, score, version });
    if (!moved) continue;
    messages.push(
      encodeEvent(internalEventTypes.personEngagementChanged, {
        id: `${person.accountId}:${person.personId}:e${version}`,
        key: person.accountId,
        source: scoringSource,
        subject: person.personId,
        time: now.toISOString(),
        data: { ...person, score, version, scoredAt: now.toISOString(), cause: causeOf(person) },
      }),
    );
  }
  await savePersonScores(db, writes, now);
  return messages;
}

/** Each (account, person) once, in first-seen order. */
export function distinctPersons(persons: readonly PersonKey[]): PersonKey[] {
  const seen = new Map<string, PersonKey>();
  for (const p of persons) {
    const key = personScoreKey(p.accountId, p.personId);
    if (!seen.has(key)) seen.set(key, { accountId: p.accountId, personId: p.personId });
  }
  return [...seen.values()];
}
