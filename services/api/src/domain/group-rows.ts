import type {
  BuyingGroupChanged,
  GroupMember,
  GroupStageView,
  MemberReason,
  MemberSource,
  RemovedMember,
} from '@bg/contracts';
import { compareText, memberOrder } from '@bg/rules';
import { groupRowOf, type GroupRow } from './group-summary';

type EngagementEntry = NonNullable<BuyingGroupChanged['engagement']['members']>[number];

/** The people of a version exactly as published, for the rare version whose lists the member rows cannot give back. */
export type PublishedPeople = {
  members: GroupMember[];
  removedMembers: RemovedMember[];
  engagementMembers?: EngagementEntry[] | undefined;
};

/**
 * A group's row: the columns the list filters on and the rest of its latest version except its people (members,
 * removed members and the per-member engagement breakdown live in member rows). `updatedAt` is the `computedAt`.
 */
export type GroupRecord = GroupRow & {
  completenessSlots: BuyingGroupChanged['completeness']['slots'];
  /** Whether the version carried `engagement.members`; each member row then holds its entry. */
  engagementByMember: boolean;
  changes: BuyingGroupChanged['changes'];
  cause: BuyingGroupChanged['cause'];
  coalesced: string[] | null;
  publishedPeople: PublishedPeople | null;
  /**
   * CONTRACT.md §7: the stage and journey status (and signals, when the version carried them) as published; null for a
   * version published before they existed.
   */
  journey: {
    stage: GroupStageView | null;
    journeyStatus: string | null;
    signals?: BuyingGroupChanged['signals'];
  } | null;
};

/** One person of a group's latest version: a member (with its reason and engagement entry) or an explicitly removed one. */
export type MemberRow = {
  personId: string;
  role: string;
  source: MemberSource;
  removed: boolean;
  /** `since` of a member, `removedAt` of a removed one. */
  changedAt: string;
  reason: MemberReason | null;
  engagement: { score: number; weight: number } | null;
};

/** A version split into its group row and one row per person (members first: a person listed twice is a member). */
export function splitSnapshot(snapshot: BuyingGroupChanged): { group: GroupRecord; members: MemberRow[] } {
  const breakdown = snapshot.engagement.members;
  const entries = new Map<string, EngagementEntry>();
  for (const entry of breakdown ?? []) if (!entries.has(entry.personId)) entries.set(entry.personId, entry);
  const rows = new Map<string, MemberRow>();
  for (const m of snapshot.members) {
    if (rows.has(m.personId)) continue;
    const entry = entries.get(m.personId);
    rows.set(m.personId, {
      personId: m.personId,
      role: m.role,
      source: m.source,
      removed: false,
      changedAt: m.since,
      reason: m.reason,
      engagement: entry === undefined ? null : { score: entry.score, weight: entry.weight },
    });
  }
  for (const r of snapshot.removedMembers) {
    if (rows.has(r.personId)) continue;
    rows.set(r.personId, {
      personId: r.personId,
      role: r.role,
      source: r.source,
      removed: true,
      changedAt: r.removedAt,
      reason: null,
      engagement: null,
    });
  }
  const group: GroupRecord = {
    ...groupRowOf(snapshot),
    completenessSlots: snapshot.completeness.slots,
    engagementByMember: breakdown !== undefined,
    changes: snapshot.changes,
    cause: snapshot.cause,
    coalesced: snapshot.coalesced ?? null,
    journey:
      snapshot.stage === undefined && snapshot.journeyStatus === undefined
        ? null
        : {
            stage: snapshot.stage ?? null,
            journeyStatus: snapshot.journeyStatus ?? null,
            ...(snapshot.signals === undefined ? {} : { signals: snapshot.signals }),
          },
    publishedPeople: rowsGiveBack(snapshot)
      ? null
      : {
          members: snapshot.members,
          removedMembers: snapshot.removedMembers,
          ...(breakdown ? { engagementMembers: breakdown } : {}),
        },
  };
  return { group, members: [...rows.values()] };
}

/** The version as published, from its group row and member rows (in any order). */
export function assembleSnapshot(group: GroupRecord, rows: readonly MemberRow[]): BuyingGroupChanged {
  const members = rows
    .filter((row) => !row.removed)
    .map((row): GroupMember => ({
      personId: row.personId,
      role: row.role,
      source: row.source,
      since: row.changedAt,
      reason: row.reason!,
    }))
    .sort(memberOrder);
  const removedMembers = rows
    .filter((row) => row.removed)
    .map((row): RemovedMember => ({
      personId: row.personId,
      role: row.role,
      source: row.source,
      removedAt: row.changedAt,
    }))
    .sort(byPersonId);
  const entries = new Map(rows.map((row) => [row.personId, row.engagement]));
  // With a breakdown, every member row holds its entry: a version where that is not so keeps its people as published.
  const engagementMembers = group.engagementByMember
    ? members.map((m) => ({ personId: m.personId, ...entries.get(m.personId)! }))
    : undefined;
  const people = group.publishedPeople ?? { members, removedMembers, engagementMembers };
  return {
    buyingGroupId: group.buyingGroupId,
    accountId: group.accountId,
    solutionInterestId: group.solutionInterestId,
    name: group.name,
    version: group.version,
    status: group.status,
    members: people.members,
    removedMembers: people.removedMembers,
    completeness: { score: group.completeness, slots: group.completenessSlots },
    engagement: group.engagementByMember
      ? { score: group.engagement, members: people.engagementMembers ?? [] }
      : { score: group.engagement },
    missingRoles: group.missingRoles,
    ...(group.journey ?? {}),
    changes: group.changes,
    cause: group.cause,
    ...(group.coalesced === null ? {} : { coalesced: group.coalesced }),
    computedAt: group.updatedAt,
  };
}

/**
 * Whether the member rows give the version's people back as published: each person once, members in scoring's
 * order (`memberOrder`), removed members by personId, and the engagement breakdown (if any) one entry per member in
 * member order. Scoring always publishes so; anything else is kept as published (`publishedPeople`).
 */
export function rowsGiveBack(snapshot: BuyingGroupChanged): boolean {
  const people = [...snapshot.members, ...snapshot.removedMembers].map((p) => p.personId);
  if (new Set(people).size !== people.length) return false;
  const breakdown = snapshot.engagement.members;
  return (
    isSorted(snapshot.members, memberOrder) &&
    isSorted(snapshot.removedMembers, byPersonId) &&
    (breakdown === undefined ||
      (breakdown.length === snapshot.members.length &&
        breakdown.every((entry, i) => entry.personId === snapshot.members[i]!.personId)))
  );
}

function isSorted<T>(list: readonly T[], compare: (a: T, b: T) => number): boolean {
  return list.every((item, i) => i === 0 || compare(list[i - 1]!, item) < 0);
}

function byPersonId(a: { personId: string }, b: { personId: string }): number {
  return compareText(a.personId, b.personId);
}
