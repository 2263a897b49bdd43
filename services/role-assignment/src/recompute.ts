import { Topics, internalEventTypes, type Cause, type GroupRecomputed, type SolutionInterestDefined } from '@bg/contracts';
import { encodeCloudEvent } from '@bg/kafka';
import { enqueue, type Queryable } from '@bg/postgres';
import { currentTraceHeaders } from '@bg/service-kit';
import { groupsOfMany, saveGroups } from './db/groups';
import { descendantsOfMany, liveAccounts, lockAccounts, overridesOfMany, peopleOfMany } from './db/state';
import { decideGroup, type GroupState } from './domain/group-state';

/** One group to recompute, with the input event(s) that asked for it. */
export type RecomputeTarget = { accountId: string; solutionInterestId: string; cause: Cause; coalesced: string[] };

/**
 * Recomputes `targets` in the caller's transaction with a fixed number of queries whatever their count: lock the
 * accounts, load groups, accounts, scopes, people and overrides in bulk, decide each group (pure), save and emit the
 * changed ones. Returns how many groups changed.
 */
export async function recomputeGroups(
  db: Queryable,
  targets: RecomputeTarget[],
  interests: Map<string, SolutionInterestDefined>,
  now: string,
): Promise<number> {
  if (targets.length === 0) return 0;
  const accountIds = [...new Set(targets.map((t) => t.accountId))];
  await lockAccounts(db, accountIds);
  const descendantRoots = [
    ...new Set(targets.filter((t) => interests.get(t.solutionInterestId)?.memberScope === 'account-and-descendants').map((t) => t.accountId)),
  ];
  // One client runs one query at a time: sequential awaits, not Promise.all.
  const groups = await groupsOfMany(db, accountIds);
  const accounts = await liveAccounts(db, accountIds);
  const descendants = await descendantsOfMany(db, descendantRoots);
  const overrides = await overridesOfMany(db, accountIds);
  const scopeAccounts = new Set([...accountIds, ...[...descendants.values()].flat()]);
  const people = await peopleOfMany(db, [...scopeAccounts]);

  const changed: GroupState[] = [];
  const events = [];
  for (const target of targets) {
    const key = `${target.accountId}|${target.solutionInterestId}`;
    const interest = interests.get(target.solutionInterestId) ?? null;
    const scope =
      interest?.memberScope === 'account-and-descendants' ? [target.accountId, ...(descendants.get(target.accountId) ?? [])] : [target.accountId];
    const decision = decideGroup({
      interest,
      account: accounts.get(target.accountId) ?? null,
      people: scope.flatMap((accountId) => people.get(accountId) ?? []),
      overrides: overrides.get(key) ?? [],
      previous: groups.get(key) ?? null,
      now,
    });
    if (!decision?.changed) continue;
    changed.push(decision.next);
    events.push(groupRecomputedMessage(decision.next, target));
  }
  await saveGroups(db, changed);
  await enqueue(db, events);
  return changed.length;
}

function groupRecomputedMessage(group: GroupState, target: RecomputeTarget) {
  const data: GroupRecomputed = {
    buyingGroupId: group.buyingGroupId,
    accountId: group.accountId,
    solutionInterestId: group.solutionInterestId,
    name: group.name,
    status: group.status,
    slots: group.slots,
    members: group.members,
    removedMembers: group.removedMembers,
    membershipVersion: group.membershipVersion,
    cause: target.cause,
    ...(target.coalesced.length > 0 ? { coalesced: target.coalesced } : {}),
  };
  return {
    topic: Topics.groupRecomputed,
    key: group.accountId,
    value: encodeCloudEvent({
      id: `${group.buyingGroupId}:m${group.membershipVersion}`,
      type: internalEventTypes.groupRecomputed,
      source: 'bg/role-assignment',
      subject: group.buyingGroupId,
      data,
    }),
    headers: currentTraceHeaders(),
  };
}
