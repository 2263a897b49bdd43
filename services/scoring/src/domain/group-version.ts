import { isDeepStrictEqual } from 'node:util';
import type { RoleSlot } from '@bg/contracts';
import type { Coalesced, GroupFacts } from '@bg/rules';
import { computeCompleteness } from './completeness';
import { groupEngagement, type GroupEngagement } from './engagement';
import { buildSnapshot, type GroupView, type PreviousVersion, type PublishedVersion } from './group-snapshot';
import { memberRowChanges, type GroupHeader, type GroupMembers, type MemberRow, type StoredGroup } from './group-state';
import { memberSlotWeights } from './member-slot';

/** What one unit of work does to one group: its row (when it changed), its changed member rows, and the version. */
export interface GroupDecision {
  /** The group as read under lock, null for a group not stored yet: its version is what the write checks. */
  stored: StoredGroup | null;
  /** The group row after this unit of work. */
  group: StoredGroup;
  /** Whether that row differs from the stored one (else it is not written). */
  groupChanged: boolean;
  rows: { upserted: MemberRow[]; deleted: string[] };
  published: PublishedVersion | null;
}

/**
 * The next state of a group: from the stored row and people (`stored`, `before`) to `next` with `after` (scores
 * included), caused by `causes`. A version is published only when a reader would see something new; then the row
 * takes its scores and missing roles, otherwise it keeps those of the last published version. Only the member rows
 * that differ are written.
 */
export function decideVersion(input: {
  stored: StoredGroup | null;
  before: GroupMembers;
  next: GroupHeader;
  after: GroupMembers;
  causes: Coalesced;
  /** Members removed because they left the account (from the membership changes). */
  departures?: ReadonlyMap<string, string[]>;
  /** What the stage reads besides the group's scores (a group without a stage model reads nothing). */
  facts?: GroupFacts;
  now: Date;
}): GroupDecision {
  const { stored, before, next, after, causes } = input;
  const view: GroupView = {
    buyingGroupId: next.buyingGroupId,
    accountId: next.accountId,
    solutionInterestId: next.solutionInterestId,
    name: next.name,
    status: next.status,
    slots: next.slots,
    members: after.members,
    removedMembers: after.removedMembers,
    stageModel: next.stageModel,
    explicitStage: next.explicitStage,
    journeyStatus: next.journeyStatus,
    departures: input.departures,
    facts: input.facts,
    ...causes,
  };
  const published = buildSnapshot(
    view,
    groupEngagementOf(next.slots, after),
    previousVersion(stored, before),
    input.now,
  );
  const group: StoredGroup = published
    ? {
        ...next,
        version: published.snapshot.version,
        completeness: published.snapshot.completeness.score,
        engagement: published.snapshot.engagement.score,
        missingRoles: published.snapshot.missingRoles,
        stage: published.snapshot.stage ?? null,
      }
    : { ...next, ...publishedScores(stored) };
  return {
    stored,
    group,
    groupChanged: !isDeepStrictEqual(stored, group),
    rows: memberRowChanges(before, after),
    published,
  };
}

/** A group's engagement: its members' scores weighted by the weight of the slot each holds. */
export function groupEngagementOf(
  slots: readonly Pick<RoleSlot, 'role' | 'weight'>[],
  people: GroupMembers,
): GroupEngagement {
  return groupEngagement(memberSlotWeights(people.members, slots), people.scores);
}

/**
 * The last published version as a reader saw it, rebuilt from the stored row and people: a change stored since was
 * not published because it showed nothing new, so what is stored still shows what that version did.
 */
function previousVersion(stored: StoredGroup | null, people: GroupMembers): PreviousVersion | null {
  if (stored === null || stored.version === 0) return null;
  return {
    version: stored.version,
    name: stored.name,
    status: stored.status,
    members: people.members,
    removedMembers: people.removedMembers,
    completeness: { score: stored.completeness, slots: computeCompleteness(stored.slots, people.members).slots },
    engagement: { score: stored.engagement },
    missingRoles: stored.missingRoles,
    stage: stored.stage,
    journeyStatus: stored.journeyStatus,
  };
}

function publishedScores(stored: StoredGroup | null) {
  return {
    version: stored?.version ?? 0,
    completeness: stored?.completeness ?? 0,
    engagement: stored?.engagement ?? 0,
    missingRoles: stored?.missingRoles ?? [],
    stage: stored?.stage ?? null,
  };
}
