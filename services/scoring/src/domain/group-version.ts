import { isDeepStrictEqual } from 'node:util';
import type { RoleSlot } from '@bg/contracts';
import type { Coalesced } from '@bg/rules';
import { computeCompleteness } from './completeness';
import { groupEngagement, type GroupEngagement } from './engagement';
import { buildSnapshot, type GroupView, type PreviousVersion, type PublishedVersion } from './group-snapshot';
import {
  memberRowChanges,
  noScoringFacts,
  type GroupHeader,
  type GroupMembers,
  type MemberRow,
  type ScoringFacts,
  type StoredGroup,
} from './group-state';
import { signalsDueAt } from './signals';
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
  /**
   * What the stage and the signals read besides the group's scores (a group without a stage model or signals reads
   * nothing).
   */
  facts?: ScoringFacts;
  now: Date;
}): GroupDecision {
  const { stored, before, next, after, causes } = input;
  const facts = input.facts ?? noScoringFacts;
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
    facts,
    signalSettings: next.signalSettings,
    lastProgressAt: stored?.lastProgressAt ?? null,
    ...causes,
  };
  const published = buildSnapshot(
    view,
    groupEngagementOf(next.slots, after),
    previousVersion(stored, before),
    input.now,
  );
  const shown = published
    ? {
        ...next,
        version: published.snapshot.version,
        completeness: published.snapshot.completeness.score,
        engagement: published.snapshot.engagement.score,
        missingRoles: published.snapshot.missingRoles,
        stage: published.snapshot.stage ?? null,
        signals: published.snapshot.signals ?? null,
        lastProgressAt: published.lastProgressAt,
      }
    : { ...next, ...publishedScores(stored) };
  // Recomputed on every decision: an activity that publishes nothing still moves its member's deadline.
  const group: StoredGroup = {
    ...shown,
    signalsDueAt: signalsDueAt({
      settings: shown.signalSettings,
      active: shown.status === 'active',
      members: after.members,
      lastActivityOf: facts.lastActivityOf,
      signals: shown.signals,
      lastProgressAt: shown.lastProgressAt,
    }),
  };
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
    signals: stored.signals,
  };
}

function publishedScores(stored: StoredGroup | null) {
  return {
    version: stored?.version ?? 0,
    completeness: stored?.completeness ?? 0,
    engagement: stored?.engagement ?? 0,
    missingRoles: stored?.missingRoles ?? [],
    stage: stored?.stage ?? null,
    signals: stored?.signals ?? null,
    lastProgressAt: stored?.lastProgressAt ?? null,
  };
}
