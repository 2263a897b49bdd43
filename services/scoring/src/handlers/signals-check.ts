import type { Cause } from '@bg/contracts';
import { enqueue, withTransaction, type Pool, type Queryable } from '@bg/postgres';
import { tryLockAccounts } from '../db/account-locks';
import { loadGroupMembers } from '../db/group-members';
import { dueSignalKeysAfter, lockGroups, type DueKey } from '../db/groups';
import { noMembers } from '../domain/group-state';
import { decideVersion } from '../domain/group-version';
import { scoringSource } from './emit';
import { loadGroupFacts } from './group-facts';
import { scopesOfGroups } from './group-scopes';
import { saveDecisions } from './save-decisions';

/** The cause of a version the periodic signals check published (a group stalled, a member disengaged): public. */
export const signalsCheckCauseType = 'signals.checked';

/**
 * The periodic half of the signals (CONTRACT.md §7; the other half is every version, which judges them too): the
 * groups whose signals are due at `now` — and only those, by index — are judged again, a page per transaction. Each
 * transition is one version; a judged group's next instant moves past `now` (or to none), so it is not read again
 * until then. Groups of an account a consumer holds are left to the next pass, as the re-score does.
 */
export async function checkSignals(
  pool: Pool,
  now: Date,
  batchSize: number,
): Promise<{ groupsDue: number; versionsPublished: number }> {
  const cause: Cause = {
    eventId: `signals:${now.toISOString()}`,
    eventType: signalsCheckCauseType,
    source: scoringSource,
  };
  let after: DueKey | null = null;
  let groupsDue = 0;
  let versionsPublished = 0;
  for (;;) {
    const page = await withTransaction(pool, (tx) => signalsPage(tx, after, batchSize, now, cause));
    if (!page.last) break;
    after = page.last;
    groupsDue += page.due;
    versionsPublished += page.published;
  }
  return { groupsDue, versionsPublished };
}

async function signalsPage(
  db: Queryable,
  after: DueKey | null,
  limit: number,
  now: Date,
  cause: Cause,
): Promise<{ last: DueKey | null; due: number; published: number }> {
  const page = await dueSignalKeysAfter(db, now, after, limit);
  const free = await tryLockAccounts(
    db,
    page.map((g) => g.accountId),
  );
  const locked = await lockGroups(
    db,
    page.filter((g) => free.has(g.accountId)),
  );
  // Read again under lock: a group dissolved or judged since the page was read is left as it is.
  const groups = [...locked.values()].filter(
    (g) =>
      g.status === 'active' && g.version > 0 && g.signalsDueAt !== null && Date.parse(g.signalsDueAt) <= now.getTime(),
  );
  const people = await loadGroupMembers(db, groups);
  const factsOf = await loadGroupFacts(
    db,
    groups.map((group) => ({ group, people: people.get(group.buyingGroupId) ?? noMembers })),
    await scopesOfGroups(db, groups),
  );
  const decisions = groups.map((group) => {
    const members = people.get(group.buyingGroupId) ?? noMembers;
    return decideVersion({
      stored: group,
      before: members,
      next: group,
      after: members,
      causes: { cause, coalesced: undefined },
      facts: factsOf(group.buyingGroupId),
      now,
    });
  });
  await enqueue(db, await saveDecisions(db, decisions));
  return {
    last: page.at(-1) ?? null,
    due: groups.length,
    published: decisions.filter((d) => d.published).length,
  };
}
