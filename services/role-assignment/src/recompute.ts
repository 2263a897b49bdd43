import { internalEventTypes, type GroupMembershipChanged, type MemberScope } from '@bg/contracts';
import { encodeEvent } from '@bg/kafka';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { compareText, type Candidate, type Membership, type Suggester } from '@bg/rules';
import { groupKey, groupsOfMany, membershipsOf, saveGroups, slotOccupancyOf, type GroupWrite } from './db/groups';
import {
  ancestorsOfMany,
  linksOfPersons,
  liveAccounts,
  lockAccounts,
  overridesOfMany,
  peopleOfMany,
  scopesOfMany,
  type PersonLink,
} from './db/state';
import {
  candidatesOf,
  decideGroup,
  decidePeople,
  emptyMembership,
  type GroupDecision,
  type GroupRecord,
  type Interest,
  type PersonJudgement,
} from './domain/group-state';
import { departureOf } from './domain/departures';
import { ModelCache } from './model-cache';
import { addTarget, answeredInputs, byGroup, everyGroupOfTheAccount, type RecomputeTarget } from './domain/targets';

export const roleAssignmentSource = 'bg/role-assignment';

// Keyed by the stored model's version, checked on every use: one per process is enough.
const models = new ModelCache();

/** What a recomputation produced: the events of the groups that changed, and the targets it left to the queue. */
export type Recomputed = { outbox: OutboxMessage[]; deferred: RecomputeTarget[] };

/**
 * Recomputes `targets` in the caller's transaction, with a fixed number of queries whatever their count, and returns
 * the membership-changed events of the groups that changed. Work is proportional to the change: a target naming people
 * re-judges only them (their rows, their edits, their links), unless a capped slot makes them compete — then, like a
 * target for the whole group (an account change, a hierarchy move, a new definition), the whole group is computed
 * from all its people. Only changed member rows are written and sent.
 *
 * The targets' accounts are locked first. With `lock: 'try'` an account that another transaction holds is not waited
 * for; its targets are returned as deferred, for the caller to queue.
 */
export async function recomputeGroups(
  db: Queryable,
  targets: RecomputeTarget[],
  interests: ReadonlyMap<string, Interest>,
  now: string,
  lock: 'wait' | 'try' = 'wait',
): Promise<Recomputed> {
  if (targets.length === 0) return { outbox: [], deferred: [] };
  const locked = await lockAccounts(
    db,
    targets.map((t) => t.accountId),
    lock,
  );
  const deferred = targets.filter((t) => !locked.has(t.accountId));
  // One client runs one query at a time: sequential awaits, not Promise.all.
  const groups = await groupsOfMany(db, [...locked]);
  const sorted = resolveTargets(
    targets.filter((t) => locked.has(t.accountId)),
    groups,
    interests,
  ).sort(byGroup);
  const suggesters = await models.suggesters(db, interests.values());
  const decisions: { target: RecomputeTarget; decision: GroupDecision }[] = [];
  const whole: RecomputeTarget[] = [];
  const partial: { target: RecomputeTarget; group: GroupRecord; interest: Interest; personIds: string[] }[] = [];
  for (const target of sorted) {
    const group = groups.get(groupKey(target.accountId, target.solutionInterestId));
    const interest = interests.get(target.solutionInterestId);
    if (target.personIds === null) whole.push(target);
    // People only matter to an active group; groups come and go with account and definition changes (whole targets).
    else if (group?.status === 'active' && interest)
      partial.push({ target, group, interest, personIds: target.personIds });
  }

  if (partial.length > 0) {
    const judged = await judgePeople(db, partial, now, suggesters);
    for (const { target } of partial) {
      const decision = judged.get(groupKey(target.accountId, target.solutionInterestId));
      if (decision) decisions.push({ target, decision });
      else whole.push({ ...target, personIds: null });
    }
  }
  if (whole.length > 0) decisions.push(...(await decideWholeGroups(db, whole, groups, interests, now, suggesters)));

  const changed = decisions.filter(({ decision }) => decision.changed);
  const writes: GroupWrite[] = changed.map(({ decision }) => ({ group: decision.next, delta: decision.delta }));
  await saveGroups(db, writes);
  const departures = await departuresOf(
    db,
    changed.map(({ decision }) => decision),
    interests,
  );
  return {
    outbox: changed.map(({ target, decision }) =>
      membershipChanged(
        decision,
        target,
        interests.get(decision.next.solutionInterestId)?.memberScope,
        departures.get(decision.next.buyingGroupId),
      ),
    ),
    deferred,
  };
}

/**
 * Members gone from their group because they left its account (CONTRACT.md §7), by group, with the accounts they are
 * linked to now. Costs nothing unless a version removes a member: then one query for their links (and their chains for
 * roll-up groups).
 */
async function departuresOf(
  db: Queryable,
  decisions: readonly GroupDecision[],
  interests: ReadonlyMap<string, Interest>,
): Promise<Map<string, { personId: string; toAccountIds: string[] }[]>> {
  const gone = decisions.filter((d) => d.next.status === 'active' && d.delta.members.removed.length > 0);
  const result = new Map<string, { personId: string; toAccountIds: string[] }[]>();
  if (gone.length === 0) return result;
  const links = await linksOfPersons(db, [...new Set(gone.flatMap((d) => d.delta.members.removed))]);
  const rollUp = (d: GroupDecision) =>
    interests.get(d.next.solutionInterestId)?.memberScope === 'account-and-descendants';
  const linked = gone.filter(rollUp).flatMap((d) => d.delta.members.removed.flatMap((id) => links.get(id) ?? []));
  const chains =
    linked.length > 0
      ? await ancestorsOfMany(db, [...new Set(linked.map((l) => l.accountId))])
      : new Map<string, string[]>();
  for (const decision of gone) {
    const departed = decision.delta.members.removed.flatMap((personId) => {
      const toAccountIds = departureOf(
        decision.next.accountId,
        rollUp(decision),
        (links.get(personId) ?? []).map((l) => ({ ...l, ancestors: chains.get(l.accountId) ?? [] })),
      );
      return toAccountIds === null ? [] : [{ personId, toAccountIds }];
    });
    if (departed.length > 0) result.set(decision.next.buyingGroupId, departed);
  }
  return result;
}

/**
 * Targets for every group of an account, made concrete now that the account is locked: a change of people touches the
 * groups the account has, a change of the account one group per live solution interest (creating or dissolving them).
 */
function resolveTargets(
  targets: RecomputeTarget[],
  groups: ReadonlyMap<string, GroupRecord>,
  interests: ReadonlyMap<string, Interest>,
): RecomputeTarget[] {
  const interestsOf = new Map<string, string[]>();
  for (const group of groups.values())
    interestsOf.set(group.accountId, [...(interestsOf.get(group.accountId) ?? []), group.solutionInterestId]);
  const resolved = new Map<string, RecomputeTarget>();
  for (const target of targets) {
    if (target.solutionInterestId !== everyGroupOfTheAccount) {
      addTarget(resolved, target);
      continue;
    }
    const ids = target.personIds === null ? [...interests.keys()] : (interestsOf.get(target.accountId) ?? []);
    for (const solutionInterestId of ids) addTarget(resolved, { ...target, solutionInterestId });
  }
  return [...resolved.values()];
}

/** Re-judges the named people of each group alone; a group missing from the result must be computed whole. */
async function judgePeople(
  db: Queryable,
  partial: { target: RecomputeTarget; group: GroupRecord; interest: Interest; personIds: string[] }[],
  now: string,
  suggesters: ReadonlyMap<string, Suggester>,
): Promise<Map<string, GroupDecision>> {
  const personIds = [...new Set(partial.flatMap((p) => p.personIds))];
  const previous = await membershipsOf(
    db,
    partial.map((p) => ({
      accountId: p.group.accountId,
      solutionInterestId: p.group.solutionInterestId,
      personIds: p.personIds,
    })),
  );
  const overrides = await overridesOfMany(db, [...new Set(partial.map((p) => p.group.accountId))], personIds);
  // Who holds a capped slot matters only where a template caps one.
  const occupancy = await slotOccupancyOf(
    db,
    partial.filter((p) => p.group.slots.some((slot) => slot.maxMembers != null)).map((p) => p.group),
  );
  const links = await linksOfPersons(db, personIds);
  // Ancestor chains matter only for a roll-up group's person not linked to its account itself (then a link lower in
  // the hierarchy may be the nearest); a person linked to the group's own account is judged by that link.
  const linkedElsewhere = partial
    .filter((p) => p.interest.memberScope === 'account-and-descendants')
    .flatMap((p) =>
      p.personIds.filter(
        (id) => !(links.get(id) ?? []).some((l) => l.accountLive && l.accountId === p.group.accountId),
      ),
    )
    .flatMap((id) => (links.get(id) ?? []).map((l) => l.accountId));
  const chains =
    linkedElsewhere.length > 0 ? await ancestorsOfMany(db, [...new Set(linkedElsewhere)]) : new Map<string, string[]>();

  const decisions = new Map<string, GroupDecision>();
  for (const { group, interest, personIds: people } of partial) {
    const key = groupKey(group.accountId, group.solutionInterestId);
    const rows = previous.get(key) ?? emptyMembership;
    const edits = overrides.get(key) ?? [];
    const judgements: PersonJudgement[] = people.map((personId) => ({
      personId,
      candidate: nearestCandidate(
        group.accountId,
        interest.memberScope === 'account-and-descendants',
        links.get(personId) ?? [],
        chains,
      ),
      previous: rowsOf(rows, personId),
      overrides: edits.filter((o) => o.personId === personId),
    }));
    const decision = decidePeople(
      group,
      judgements,
      occupancy.get(key) ?? [],
      now,
      suggesters.get(group.solutionInterestId),
    );
    if (decision) decisions.set(key, decision);
  }
  return decisions;
}

/**
 * The person as a candidate of the group of `accountId`: by their link to that account, or — for a roll-up — by the
 * nearest of their links in its scope (the account itself, then the shallowest descendant, then the lowest account
 * id), a descendant being in scope when every account between it and the group's is live.
 */
function nearestCandidate(
  accountId: string,
  rollUp: boolean,
  links: PersonLink[],
  chains: ReadonlyMap<string, string[]>,
): Candidate | undefined {
  let best: { link: PersonLink; depth: number } | undefined;
  for (const link of links) {
    if (!link.accountLive) continue;
    const depth =
      link.accountId === accountId ? 0 : rollUp ? (chains.get(link.accountId) ?? []).indexOf(accountId) + 1 : 0;
    if (depth === 0 && link.accountId !== accountId) continue;
    if (!best || depth < best.depth || (depth === best.depth && compareText(link.accountId, best.link.accountId) < 0))
      best = { link, depth };
  }
  return best ? candidatesOf([best.link])[0] : undefined;
}

function rowsOf(membership: Membership, personId: string): Membership {
  return {
    members: membership.members.filter((m) => m.personId === personId),
    removedMembers: membership.removedMembers.filter((r) => r.personId === personId),
  };
}

/** Computes whole groups from all the people in their scope (creating, dissolving or reviving them as needed). */
async function decideWholeGroups(
  db: Queryable,
  targets: RecomputeTarget[],
  groups: ReadonlyMap<string, GroupRecord>,
  interests: ReadonlyMap<string, Interest>,
  now: string,
  suggesters: ReadonlyMap<string, Suggester>,
): Promise<{ target: RecomputeTarget; decision: GroupDecision }[]> {
  const accountIds = [...new Set(targets.map((t) => t.accountId))];
  const rollUpRoots = [
    ...new Set(
      targets
        .filter((t) => interests.get(t.solutionInterestId)?.memberScope === 'account-and-descendants')
        .map((t) => t.accountId),
    ),
  ];
  const accounts = await liveAccounts(db, accountIds);
  const rollUpScopes = await scopesOfMany(db, rollUpRoots);
  const previous = await membershipsOf(
    db,
    targets.map((t) => ({ ...t, personIds: null })),
  );
  const overrides = await overridesOfMany(db, accountIds);
  const people = await peopleOfMany(db, [...new Set([...accountIds, ...[...rollUpScopes.values()].flat()])]);

  const decided: { target: RecomputeTarget; decision: GroupDecision }[] = [];
  for (const target of targets) {
    const key = groupKey(target.accountId, target.solutionInterestId);
    const interest = interests.get(target.solutionInterestId) ?? null;
    const scope =
      interest?.memberScope === 'account-and-descendants'
        ? (rollUpScopes.get(target.accountId) ?? [target.accountId])
        : [target.accountId];
    const decision = decideGroup({
      interest,
      account: accounts.get(target.accountId) ?? null,
      people: scope.flatMap((accountId) => people.get(accountId) ?? []),
      overrides: overrides.get(key) ?? [],
      previous: groups.get(key) ?? null,
      previousMembership: previous.get(key) ?? emptyMembership,
      now,
      suggest: suggesters.get(target.solutionInterestId),
    });
    if (decision) decided.push({ target, decision });
  }
  return decided;
}

function membershipChanged(
  { next, delta, slotsChanged, stageModelChanged, signalsChanged }: GroupDecision,
  target: RecomputeTarget,
  memberScope: MemberScope | undefined,
  departures: { personId: string; toAccountIds: string[] }[] | undefined,
): OutboxMessage {
  const changedPeople = new Set([
    ...delta.members.upserted.map((m) => m.personId),
    ...delta.members.removed,
    ...delta.removedMembers.upserted.map((r) => r.personId),
    ...delta.removedMembers.cleared,
  ]);
  const { cause, coalesced } = answeredInputs(target, changedPeople);
  const data: GroupMembershipChanged = {
    buyingGroupId: next.buyingGroupId,
    accountId: next.accountId,
    solutionInterestId: next.solutionInterestId,
    name: next.name,
    status: next.status,
    membershipVersion: next.membershipVersion,
    // Scoring counts a roll-up group's activities over its scope; a deleted interest's last scope stays as it was.
    ...(memberScope ? { memberScope } : {}),
    ...(slotsChanged ? { slots: next.slots } : {}),
    ...(stageModelChanged ? { stageModel: next.stageModel } : {}),
    ...(signalsChanged ? { signals: next.signals } : {}),
    members: delta.members,
    removedMembers: delta.removedMembers,
    ...(departures ? { departures } : {}),
    cause,
    ...(coalesced.length > 0 ? { coalesced } : {}),
  };
  return encodeEvent(internalEventTypes.groupMembershipChanged, {
    id: `${next.buyingGroupId}:m${next.membershipVersion}`,
    key: next.accountId,
    source: roleAssignmentSource,
    subject: next.buyingGroupId,
    data,
  });
}
