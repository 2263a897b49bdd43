import type { ActivityAccepted, Cause } from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { acceptedKey, insertActivities } from '../db/activities';
import { loadGroupMembers } from '../db/group-members';
import { lockActiveGroupsOf } from '../db/groups';
import { coalesce } from '@bg/rules';
import { noMembers, withScores } from '../domain/group-state';
import { decideVersion } from '../domain/group-version';
import { freshScores } from './fresh-scores';
import { loadGroupFacts } from './group-facts';
import { scopesOfGroups } from './group-scopes';
import { distinctPersons, rescorePersons } from './person-scores';
import { saveDecisions } from './save-decisions';
import type { ScoringSettings } from './settings';

/**
 * Stores the chunk's new activities (a repeated one changes nothing); re-scores each of their persons at the
 * activity's account (the score conditions read: a move is sent to role-assignment and the API, member or not); and
 * re-scores the person in the active groups whose engagement counts that activity — the groups of its account and the
 * roll-up groups of its ancestors (`ancestors`, whose locks the caller holds too). A group whose engagement score
 * moved publishes one version, caused by the last of its members' activities in the chunk; a member-level move alone
 * is not a version.
 */
export async function applyActivities(
  db: Queryable,
  accepted: readonly ActivityAccepted[],
  settings: ScoringSettings,
  now: Date,
  ancestors: ReadonlyMap<string, readonly string[]>,
): Promise<OutboxMessage[]> {
  if (accepted.length === 0) return [];
  const fresh = await insertActivities(db, distinctActivities(accepted));
  if (fresh.length === 0) return [];

  const persons = distinctPersons(fresh.map((a) => a.activity));
  const lastCause = new Map<string, Cause>();
  for (const a of fresh) lastCause.set(`${a.activity.accountId}\u0000${a.activity.personId}`, a.cause);
  const personMessages = await rescorePersons(db, persons, settings, now, (p) =>
    lastCause.get(`${p.accountId}\u0000${p.personId}`)!,
  );

  const groups = await lockActiveGroupsOf(db, persons, ancestors);
  if (groups.length === 0) return personMessages;
  const people = await loadGroupMembers(db, groups);
  const scopeOf = await scopesOfGroups(db, groups);
  const affected = groups.map((group) => {
    const before = people.get(group.buyingGroupId) ?? noMembers;
    const members = new Set(before.members.map((m) => m.personId));
    const scope = scopeOf(group);
    const inScope = new Set(scope);
    const causes = fresh.filter((a) => inScope.has(a.activity.accountId) && members.has(a.activity.personId));
    return { group, before, scope, causes, movers: new Set(causes.map((a) => a.activity.personId)) };
  });
  const scoreOf = await freshScores(
    db,
    affected.flatMap(({ scope, movers }) => [...movers].map((personId) => ({ accounts: scope, personId }))),
    settings,
    now,
  );
  // After the chunk's activities are stored: a member's last activity is read with them.
  const factsOf = await loadGroupFacts(
    db,
    affected.map(({ group, before }) => ({ group, people: before })),
    scopeOf,
  );
  const decisions = affected.flatMap(({ group, before, scope, causes, movers }) => {
    const last = causes.at(-1);
    if (!last || group.version === 0) return [];
    const after = withScores(before, (personId) => (movers.has(personId) ? scoreOf(scope, personId) : undefined));
    return [
      decideVersion({
        stored: group,
        before,
        next: group,
        after,
        causes: coalesce(causes.slice(0, -1), last),
        facts: factsOf(group.buyingGroupId),
        now,
      }),
    ];
  });
  return [...personMessages, ...(await saveDecisions(db, decisions))];
}

/** The first copy of each activity (account, person, source, activity id) in the chunk. */
function distinctActivities(accepted: readonly ActivityAccepted[]): ActivityAccepted[] {
  const seen = new Set<string>();
  return accepted.filter((a) => {
    const key = acceptedKey(a);
    return !seen.has(key) && Boolean(seen.add(key));
  });
}
