import { isDeepStrictEqual } from 'node:util';
import type { BuyingGroupChanged, GroupChange, GroupMember, GroupRecomputed, RemovedMember } from '@bg/contracts';
import { computeCompleteness, missingRoles } from './completeness';
import type { GroupEngagement } from './engagement';

export interface RoleTransitions {
  /** Required roles that became missing in this version. */
  missing: string[];
  /** Roles that were missing and no longer are. */
  filled: string[];
}

export interface SnapshotResult {
  /** The version to publish, or — when `changed` is false — the one already published (nothing to emit). */
  snapshot: BuyingGroupChanged;
  changed: boolean;
  roleTransitions: RoleTransitions;
}

/** Default move of a group's engagement score for a periodic re-score to publish a version. */
export const defaultEngagementStep = 5;

/**
 * Turns role-assignment's membership plus the engagement scores into the next public version of a group.
 *
 * - A group appears (`group.created`) on its first active version and when a dissolved group is active again.
 *   A group that was never published is taken to have scored 0: its first version carries `completeness.changed` /
 *   `engagement.changed` only for a score that is not 0, and `role.missing` for every role it misses.
 * - Role transitions are reported for active groups only: a dissolved group no longer asks for people, and on
 *   re-activation every missing role is reported again, as for a new group.
 * - `changed` is false when there is no change and the snapshot is the same as the published one (ignoring version,
 *   cause, time, member order and the per-member engagement breakdown, which alone does not make a version); then
 *   the published snapshot is returned and nothing is emitted. A group dissolved before it was ever published emits
 *   nothing either.
 */
export function buildSnapshot(
  input: GroupRecomputed,
  engagement: GroupEngagement,
  previous: BuyingGroupChanged | null,
  now: Date,
): SnapshotResult {
  const completeness = computeCompleteness(input.slots, input.members);
  const missing = missingRoles(completeness, input.slots);
  const active = input.status === 'active';
  const wasActive = previous?.status === 'active';
  const roleTransitions = active ? diffRoles(wasActive ? previous.missingRoles : [], missing) : noTransitions();

  const changes: GroupChange[] = [
    ...lifecycleChanges(previous?.status ?? null, input.status),
    ...memberChanges(previous?.members ?? [], input.members, input.removedMembers),
    ...roleTransitions.missing.map((role): GroupChange => ({ kind: 'role.missing', role })),
    ...roleTransitions.filled.map((role): GroupChange => ({ kind: 'role.filled', role })),
    ...scoreChange('completeness.changed', previous?.completeness.score ?? 0, completeness.score),
    ...scoreChange('engagement.changed', previous?.engagement.score ?? 0, engagement.score),
  ];

  const snapshot: BuyingGroupChanged = {
    buyingGroupId: input.buyingGroupId,
    accountId: input.accountId,
    solutionInterestId: input.solutionInterestId,
    name: input.name,
    version: (previous?.version ?? 0) + 1,
    status: input.status,
    members: input.members,
    removedMembers: input.removedMembers,
    completeness,
    engagement: { score: engagement.score, members: engagement.members },
    missingRoles: missing,
    changes,
    cause: input.cause,
    ...(input.coalesced ? { coalesced: input.coalesced } : {}),
    computedAt: now.toISOString(),
  };

  if (previous === null) return { snapshot, changed: active, roleTransitions };
  if (changes.length === 0 && sameState(previous, snapshot)) {
    return { snapshot: previous, changed: false, roleTransitions };
  }
  return { snapshot, changed: true, roleTransitions };
}

/**
 * Whether a periodic re-score (window and decay moving, no new input) is worth a version: only when the group's
 * engagement moved by at least `step`, or reached an end of the scale — a group decayed to 0 must not read 3 for ever.
 */
export function shouldEmitEngagementOnly(
  previousScore: number,
  newScore: number,
  step: number = defaultEngagementStep,
): boolean {
  if (newScore === previousScore) return false;
  if (newScore === 0 || newScore === 100) return true;
  return Math.abs(newScore - previousScore) >= step;
}

function lifecycleChanges(
  before: BuyingGroupChanged['status'] | null,
  after: GroupRecomputed['status'],
): GroupChange[] {
  if (after === 'active' && before !== 'active') return [{ kind: 'group.created' }];
  if (after === 'dissolved' && before === 'active') return [{ kind: 'group.dissolved' }];
  return [];
}

function memberChanges(
  before: readonly GroupMember[],
  after: readonly GroupMember[],
  removed: readonly RemovedMember[],
): GroupChange[] {
  const beforeById = new Map(before.map((member) => [member.personId, member]));
  const afterIds = new Set(after.map((member) => member.personId));
  const removedById = new Map(removed.map((member) => [member.personId, member]));
  const changes: GroupChange[] = [];
  for (const member of after) {
    const old = beforeById.get(member.personId);
    if (!old) {
      changes.push({ kind: 'member.added', personId: member.personId, role: member.role, source: member.source });
    } else if (old.role !== member.role) {
      changes.push({ kind: 'member.role-changed', personId: member.personId, from: old.role, to: member.role });
    }
  }
  for (const old of before) {
    if (afterIds.has(old.personId)) continue;
    // The removal record says which writer removed the person (e.g. a manual removal of a rule member).
    const source = removedById.get(old.personId)?.source ?? old.source;
    changes.push({ kind: 'member.removed', personId: old.personId, role: old.role, source });
  }
  return changes;
}

function diffRoles(before: readonly string[], after: readonly string[]): RoleTransitions {
  return {
    missing: after.filter((role) => !before.includes(role)),
    filled: before.filter((role) => !after.includes(role)),
  };
}

function noTransitions(): RoleTransitions {
  return { missing: [], filled: [] };
}

function scoreChange(kind: 'completeness.changed' | 'engagement.changed', from: number, to: number): GroupChange[] {
  return from === to ? [] : [{ kind, from, to }];
}

/** Same published state: compares what a reader sees, not how it was produced or in which order members came. */
function sameState(a: BuyingGroupChanged, b: BuyingGroupChanged): boolean {
  return isDeepStrictEqual(publishedState(a), publishedState(b));
}

function publishedState(snapshot: BuyingGroupChanged) {
  return {
    name: snapshot.name,
    status: snapshot.status,
    members: [...snapshot.members].sort(byPersonId),
    removedMembers: [...snapshot.removedMembers].sort(byPersonId),
    completeness: snapshot.completeness,
    engagement: snapshot.engagement.score,
    missingRoles: snapshot.missingRoles,
  };
}

function byPersonId(a: { personId: string }, b: { personId: string }): number {
  return a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0;
}
