import { isDeepStrictEqual } from 'node:util';
import type {
  BuyingGroupChanged,
  GroupSignals,
  MemberReason,
  MemberScope,
  MemberSource,
  RoleSlot,
  SignalSettings,
} from '@bg/contracts';
import {
  noFacts,
  type ExplicitStage,
  type GroupFacts,
  type GroupStage,
  type GroupStageModel,
  type Membership,
} from '@bg/rules';
import type { LastActivityOf } from './signals';

/** A group as stored, besides its people: what role-assignment last said about it. */
export interface GroupHeader {
  accountId: string;
  buyingGroupId: string;
  solutionInterestId: string;
  name: string;
  status: BuyingGroupChanged['status'];
  membershipVersion: number;
  /** Whose activities its engagement counts: the account's, or also its descendants' (a roll-up group). */
  memberScope: MemberScope;
  /** The full slot definitions, from the last membership change that carried them. */
  slots: RoleSlot[];
  /** The stage model, likewise (null: the group has no stage). */
  stageModel: GroupStageModel | null;
  /** The solution interest's signals, likewise (null: none). */
  signalSettings: SignalSettings | null;
  /** What journeys and operators set (CONTRACT.md §7), each with the time of the last set applied. */
  explicitStage: ExplicitStage | null;
  stageSetAt: string | null;
  journeyStatus: string | null;
  statusSetAt: string | null;
}

/** A group's journey fields before anything set them. */
export const noJourney = {
  stageModel: null,
  signalSettings: null,
  explicitStage: null,
  stageSetAt: null,
  journeyStatus: null,
  statusSetAt: null,
} as const satisfies Partial<GroupHeader>;

/** What the last published version showed of the scores; `version` 0 means none was published yet. */
export interface PublishedScores {
  version: number;
  completeness: number;
  engagement: number;
  missingRoles: string[];
  /**
   * The stage the last published version showed. (The journey status needs no copy: only an explicit set changes it,
   * and that always publishes.)
   */
  stage: GroupStage | null;
  /** The signals the last published version showed (null: none). */
  signals: GroupSignals | null;
  /** The last version that was progress (CONTRACT.md §7), from which the group stalls. */
  lastProgressAt: string | null;
}

/** Besides the published state: when a signal would next change by the clock alone (null: none can). */
export interface SignalClock {
  signalsDueAt: string | null;
}

export type StoredGroup = GroupHeader & PublishedScores & SignalClock;

/** What a version reads besides its group and people: the stage's facts, and each member's last activity. */
export type ScoringFacts = GroupFacts & { lastActivityOf: LastActivityOf };

export const noScoringFacts: ScoringFacts = Object.freeze({ ...noFacts, lastActivityOf: () => undefined });

/** A group's people (members and explicitly removed ones), with the engagement score each member was last given. */
export interface GroupMembers extends Membership {
  scores: ReadonlyMap<string, number>;
}

export const noMembers: GroupMembers = Object.freeze({ members: [], removedMembers: [], scores: new Map() });

/** One person's stored row: a member (with reason and score) or an explicitly removed one (neither). */
export interface MemberRow {
  personId: string;
  role: string;
  source: MemberSource;
  removed: boolean;
  /** `since` of a member, `removedAt` of a removed one. */
  changedAt: string;
  reason: MemberReason | null;
  engagement: number | null;
}

/** The rows to write to go from `before` to `after`: those added or changed in any field, and the persons gone. */
export function memberRowChanges(
  before: GroupMembers,
  after: GroupMembers,
): { upserted: MemberRow[]; deleted: string[] } {
  const earlier = new Map(memberRows(before).map((row) => [row.personId, row]));
  const upserted: MemberRow[] = [];
  for (const row of memberRows(after)) {
    if (!isDeepStrictEqual(earlier.get(row.personId), row)) upserted.push(row);
    earlier.delete(row.personId);
  }
  return { upserted, deleted: [...earlier.keys()] };
}

function memberRows(people: GroupMembers): MemberRow[] {
  return [
    ...people.members.map((m) => ({
      personId: m.personId,
      role: m.role,
      source: m.source,
      removed: false,
      changedAt: m.since,
      reason: m.reason,
      engagement: people.scores.get(m.personId) ?? 0,
    })),
    ...people.removedMembers.map((r) => ({
      personId: r.personId,
      role: r.role,
      source: r.source,
      removed: true,
      changedAt: r.removedAt,
      reason: null,
      engagement: null,
    })),
  ];
}

/** Members of `after` who were not members before: they are the ones to score from their activities. */
export function joiners(before: Membership, after: Membership): string[] {
  const earlier = new Set(before.members.map((m) => m.personId));
  return after.members.filter((m) => !earlier.has(m.personId)).map((m) => m.personId);
}

/**
 * The scores after a membership change: a member who stays keeps the score they had (the clock's effect on it is the
 * periodic re-score's job, so a membership change never moves the scores of the members it does not touch); a joiner
 * gets `fresh`.
 */
export function carryScores(
  before: GroupMembers,
  after: Membership,
  fresh: (personId: string) => number,
): GroupMembers {
  const stayed = new Set(before.members.map((m) => m.personId));
  const scores = new Map(
    after.members.map((m) => [
      m.personId,
      stayed.has(m.personId) ? (before.scores.get(m.personId) ?? 0) : fresh(m.personId),
    ]),
  );
  return { ...after, scores };
}

/** The same people with some members' scores replaced; `scoreOf` answers undefined for those it does not know. */
export function withScores(people: GroupMembers, scoreOf: (personId: string) => number | undefined): GroupMembers {
  const scores = new Map(
    people.members.map((m) => [m.personId, scoreOf(m.personId) ?? people.scores.get(m.personId) ?? 0]),
  );
  return { ...people, scores };
}
