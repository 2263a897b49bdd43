import type { GroupMembershipChanged } from '@bg/contracts';
import { applyMembershipDelta, type Membership } from '@bg/rules';
import { coalesce, type Coalesced } from '@bg/rules';
import { noJourney, type GroupHeader } from './group-state';

/** A membership change that does not follow the stored version: one in between was lost, which is a bug upstream. */
export class MembershipVersionGap extends Error {
  constructor(buyingGroupId: string, stored: number, received: number) {
    super(
      `membership version ${received} of group ${buyingGroupId} does not follow the stored version ${stored}: ` +
        `version ${stored + 1} is missing`,
    );
    this.name = 'MembershipVersionGap';
  }
}

export interface FoldedChanges {
  group: GroupHeader;
  membership: Membership;
  causes: Coalesced;
  /** Members who left the account, with the accounts they are linked to now (the latest word per person). */
  departures: Map<string, string[]>;
}

/**
 * Applies one group's membership changes, in arrival order, on top of what is stored (`stored` null for a group not
 * seen yet): version n+1 goes on top of n; a version not newer than the one reached (a re-sent older message) is
 * ignored; a later one throws, naming the group and the versions. The changes applied fold into one version whose
 * cause is the last and whose `coalesced` lists the others' ids and theirs. Null when none was newer.
 */
export function foldMembershipChanges(
  stored: GroupHeader | null,
  membership: Membership,
  changes: readonly GroupMembershipChanged[],
): FoldedChanges | null {
  let group = stored;
  let current = membership;
  const applied: GroupMembershipChanged[] = [];
  const departures = new Map<string, string[]>();
  for (const change of changes) {
    const reached = group?.membershipVersion ?? 0;
    if (change.membershipVersion <= reached) continue;
    if (change.membershipVersion > reached + 1)
      throw new MembershipVersionGap(change.buyingGroupId, reached, change.membershipVersion);
    const slots = change.slots ?? group?.slots;
    if (!slots)
      throw new Error(
        `membership version ${change.membershipVersion} of group ${change.buyingGroupId} carries no slots, and none are stored`,
      );
    group = {
      ...journeyOf(group),
      // Carried only when it changes, as the slots are.
      stageModel: change.stageModel === undefined ? (group?.stageModel ?? null) : change.stageModel,
      signalSettings: change.signals === undefined ? (group?.signalSettings ?? null) : change.signals,
      accountId: change.accountId,
      buyingGroupId: change.buyingGroupId,
      solutionInterestId: change.solutionInterestId,
      name: change.name,
      status: change.status,
      membershipVersion: change.membershipVersion,
      memberScope: change.memberScope ?? group?.memberScope ?? 'account',
      slots,
    };
    current = applyMembershipDelta(current, change);
    for (const { personId, toAccountIds } of change.departures ?? []) departures.set(personId, toAccountIds);
    applied.push(change);
  }
  const last = applied.at(-1);
  if (!group || !last) return null;
  const members = new Set(current.members.map((m) => m.personId));
  const both = current.removedMembers.find((r) => members.has(r.personId));
  // One row per person: someone both a member and removed would be a bug upstream, refused rather than stored.
  if (both)
    throw new Error(
      `membership version ${last.membershipVersion} of group ${group.buyingGroupId} lists ${both.personId} both as a member and as removed`,
    );
  return { group, membership: current, causes: coalesce(applied.slice(0, -1), last), departures };
}

/** What journeys and operators set stays through membership changes. */
function journeyOf(
  group: GroupHeader | null,
): Pick<GroupHeader, 'explicitStage' | 'stageSetAt' | 'journeyStatus' | 'statusSetAt'> {
  if (!group) return noJourney;
  const { explicitStage, stageSetAt, journeyStatus, statusSetAt } = group;
  return { explicitStage, stageSetAt, journeyStatus, statusSetAt };
}
