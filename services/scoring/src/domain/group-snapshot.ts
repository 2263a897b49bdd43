import { isDeepStrictEqual } from 'node:util';
import type {
  BuyingGroupChanged,
  Cause,
  GroupChange,
  GroupMember,
  GroupSignals,
  RemovedMember,
  RoleSlot,
  SignalSettings,
} from '@bg/contracts';
import {
  diffMembership,
  groupSubject,
  judgeStage,
  type ExplicitStage,
  type GroupStage,
  type GroupStageModel,
} from '@bg/rules';
import { computeCompleteness, missingRoles } from './completeness';
import type { GroupEngagement } from './engagement';
import type { ScoringFacts } from './group-state';
import { isProgress, judgeSignals } from './signals';

export interface RoleTransitions {
  /** Required roles that became missing in this version. */
  missing: string[];
  /** Roles that were missing and no longer are. */
  filled: string[];
}

/** The group a version shows: identity, name, status, slots and people, and what caused it. */
export interface GroupView {
  buyingGroupId: string;
  accountId: string;
  solutionInterestId: string;
  name: string;
  status: BuyingGroupChanged['status'];
  slots: readonly Pick<RoleSlot, 'role' | 'required' | 'minMembers'>[];
  members: GroupMember[];
  removedMembers: RemovedMember[];
  /** CONTRACT.md §7: the stage model (null: no stage), and what journeys and operators set. */
  stageModel?: GroupStageModel | null;
  explicitStage?: ExplicitStage | null;
  journeyStatus?: string | null;
  /**
   * What the stage and the signals read besides the group's own scores: its opportunities and its members' last
   * activity (none when absent).
   */
  facts?: ScoringFacts;
  /** CONTRACT.md §7: the solution interest's signals (null: none), and the group's last progress as stored. */
  signalSettings?: SignalSettings | null;
  lastProgressAt?: string | null;
  /** Members removed because they left the account: the accounts each is linked to now (CONTRACT.md §7). */
  departures?: ReadonlyMap<string, string[]> | undefined;
  cause: Cause;
  coalesced?: string[] | undefined;
}

/** What a reader saw in the last published version: all that the next one is compared with. */
export type PreviousVersion = Pick<
  BuyingGroupChanged,
  'version' | 'name' | 'status' | 'members' | 'removedMembers' | 'completeness' | 'missingRoles'
> & {
  engagement: Pick<BuyingGroupChanged['engagement'], 'score'>;
  stage?: GroupStage | null | undefined;
  journeyStatus?: string | null | undefined;
  signals?: GroupSignals | null | undefined;
};

/** A version to publish, with the role transitions it reports (the internal role events follow them). */
export interface PublishedVersion {
  snapshot: BuyingGroupChanged;
  roleTransitions: RoleTransitions;
  /** The group's last progress as of this version (it is `computedAt` when this version is progress). */
  lastProgressAt: string | null;
}

/** Default move of a group's engagement score for a periodic re-score to publish a version. */
export const defaultEngagementStep = 5;

/**
 * The next public version of a group, from what it shows now and the version published before (null when none was);
 * null when there is nothing to publish.
 *
 * - A group appears (`group.created`) on its first active version and when a dissolved group is active again.
 *   A group that was never published is taken to have scored 0: its first version carries `completeness.changed` /
 *   `engagement.changed` only for a score that is not 0, and `role.missing` for every role it misses.
 * - Member changes are the system's one diff rule (`diffMembership`): added, removed (by the explicit remover, else
 *   by the rules) and role-changed, by kind then person.
 * - Role transitions are reported for active groups only: a dissolved group no longer asks for people, and on
 *   re-activation every missing role is reported again, as for a new group.
 * - Nothing is published when there is no change and the state is the one published (ignoring version, cause, time,
 *   member order and the per-member engagement breakdown, which alone does not make a version), nor for a group
 *   dissolved before it was ever published.
 */
export function buildSnapshot(
  group: GroupView,
  engagement: GroupEngagement,
  previous: PreviousVersion | null,
  now: Date,
): PublishedVersion | null {
  const completeness = computeCompleteness(group.slots, group.members);
  const missing = missingRoles(completeness, group.slots);
  const active = group.status === 'active';
  const wasActive = previous?.status === 'active';
  const roleTransitions = active ? diffRoles(wasActive ? previous.missingRoles : [], missing) : noTransitions();
  // Re-judged on every version; costs nothing for a group without a stage model.
  const stage = group.stageModel
    ? judgeStage(
        group.stageModel,
        group.explicitStage ?? null,
        groupSubject(
          {
            completeness: completeness.score,
            engagement: engagement.score,
            memberCount: group.members.length,
            missingRoleCount: missing.length,
          },
          group.facts,
          now.toISOString(),
        ),
        previous?.stage ?? null,
        now.toISOString(),
      )
    : null;

  const before = { members: previous?.members ?? [], removedMembers: previous?.removedMembers ?? [] };
  const changesButSignals: GroupChange[] = [
    ...lifecycleChanges(previous?.status ?? null, group.status),
    ...withDepartures(diffMembership(before, group), group.departures),
    ...roleTransitions.missing.map((role): GroupChange => ({ kind: 'role.missing', role })),
    ...roleTransitions.filled.map((role): GroupChange => ({ kind: 'role.filled', role })),
    ...scoreChange('completeness.changed', previous?.completeness.score ?? 0, completeness.score),
    ...scoreChange('engagement.changed', previous?.engagement.score ?? 0, engagement.score),
    ...stageChange(previous?.stage ?? null, stage),
    ...journeyStatusChange(previous?.journeyStatus ?? null, group.journeyStatus ?? null),
  ];
  // Signals last: whether this version is progress is read from the changes above.
  const signals = judgeSignals(
    {
      settings: group.signalSettings ?? null,
      active,
      members: group.members,
      lastActivityOf: group.facts?.lastActivityOf ?? (() => undefined),
      previous: previous?.signals ?? null,
      lastProgressAt: group.lastProgressAt ?? null,
    },
    isProgress(changesButSignals, previous?.stage ?? null, stage),
    now,
  );
  const changes = [...changesButSignals, ...signals.changes];

  const snapshot: BuyingGroupChanged = {
    buyingGroupId: group.buyingGroupId,
    accountId: group.accountId,
    solutionInterestId: group.solutionInterestId,
    name: group.name,
    version: (previous?.version ?? 0) + 1,
    status: group.status,
    members: group.members,
    removedMembers: group.removedMembers,
    completeness,
    engagement: { score: engagement.score, members: engagement.members },
    missingRoles: missing,
    stage,
    journeyStatus: group.journeyStatus ?? null,
    signals: signals.signals,
    changes,
    cause: group.cause,
    ...(group.coalesced ? { coalesced: group.coalesced } : {}),
    computedAt: now.toISOString(),
  };

  if (previous === null ? !active : changes.length === 0 && sameState(previous, snapshot)) return null;
  return { snapshot, roleTransitions, lastProgressAt: signals.lastProgressAt };
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
  after: BuyingGroupChanged['status'],
): GroupChange[] {
  if (after === 'active' && before !== 'active') return [{ kind: 'group.created' }];
  if (after === 'dissolved' && before === 'active') return [{ kind: 'group.dissolved' }];
  return [];
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

function withDepartures(changes: GroupChange[], departures: ReadonlyMap<string, string[]> | undefined): GroupChange[] {
  if (!departures || departures.size === 0) return changes;
  return changes.map((change) => {
    const toAccountIds = change.kind === 'member.removed' ? departures.get(change.personId) : undefined;
    return toAccountIds ? { ...change, departure: { toAccountIds } } : change;
  });
}

function stageChange(before: GroupStage | null, after: GroupStage | null): GroupChange[] {
  if ((before?.name ?? null) === (after?.name ?? null)) return [];
  return [
    { kind: 'stage.changed', from: before?.name ?? null, to: after?.name ?? null, source: after?.source ?? 'rule' },
  ];
}

function journeyStatusChange(before: string | null, after: string | null): GroupChange[] {
  return before === after ? [] : [{ kind: 'journey-status.changed', from: before, to: after }];
}

function scoreChange(kind: 'completeness.changed' | 'engagement.changed', from: number, to: number): GroupChange[] {
  return from === to ? [] : [{ kind, from, to }];
}

/** Same published state: compares what a reader sees, not how it was produced or in which order members came. */
function sameState(a: PreviousVersion, b: BuyingGroupChanged): boolean {
  return isDeepStrictEqual(publishedState(a), publishedState(b));
}

function publishedState(snapshot: PreviousVersion) {
  return {
    name: snapshot.name,
    status: snapshot.status,
    members: [...snapshot.members].sort(byPersonId),
    removedMembers: [...snapshot.removedMembers].sort(byPersonId),
    completeness: snapshot.completeness,
    engagement: snapshot.engagement.score,
    missingRoles: snapshot.missingRoles,
    // Who holds the stage is part of what a reader sees; `since` follows the name, so it need not be compared.
    stage: snapshot.stage ? { ...snapshot.stage, since: undefined } : null,
    journeyStatus: snapshot.journeyStatus ?? null,
    signals: snapshot.signals ?? null,
  };
}

function byPersonId(a: { personId: string }, b: { personId: string }): number {
  return a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0;
}
