import {
  buyingGroupId,
  type AccountUpserted,
  type RoleSlot,
  type SignalSettings,
  type SolutionInterestDefined,
} from '@bg/contracts';
import {
  computeMembership,
  isEmptyDelta,
  isInAudience,
  judgeAlone,
  type SlotOccupancy,
  membershipDelta,
  personSubject,
  type Candidate,
  type MemberOverride,
  type Membership,
  type MembershipDelta,
  type GroupStageModel,
  type Suggester,
} from '@bg/rules';
import { isDeepStrictEqual } from 'node:util';

export type GroupStatus = 'active' | 'dissolved';

/** A group as role-assignment stores it, without its member rows. */
export type GroupRecord = {
  accountId: string;
  solutionInterestId: string;
  buyingGroupId: string;
  name: string;
  status: GroupStatus;
  slots: RoleSlot[];
  membershipVersion: number;
  /** Revision of the solution interest whose slots were last sent downstream. */
  slotsRevision: number;
  /** The stage model last sent downstream (scoring judges the stage); null: none. */
  stageModel: GroupStageModel | null;
  /** The solution interest's signals last sent downstream (scoring judges them); null: none. */
  signals: SignalSettings | null;
};

/** A person as linked to one account, with their engagement score there (what `engagementScore` reads), if any. */
export type ScopedPerson = {
  personId: string;
  relationship: string;
  person: Parameters<typeof personSubject>[0];
  engagementScore?: number;
};

/** A solution interest as role-assignment holds it: the definition and its revision. */
export type Interest = SolutionInterestDefined;

/** The outcome of a decision: the group to store, what changed in its rows, and whether anything changed at all. */
export type GroupDecision = {
  next: GroupRecord;
  delta: MembershipDelta;
  /** Whether the slots changed since they were last sent (they then travel with the event). */
  slotsChanged: boolean;
  /** Likewise the stage model, and the signals. */
  stageModelChanged: boolean;
  signalsChanged: boolean;
  changed: boolean;
};

export const emptyMembership: Membership = { members: [], removedMembers: [] };

export type FullInputs = {
  interest: Interest | null;
  account: AccountUpserted | null;
  /** People of the account, then of its descendants when the scope says so, nearest first. */
  people: ScopedPerson[];
  overrides: MemberOverride[];
  previous: GroupRecord | null;
  previousMembership: Membership;
  now: string;
  /** The model's suggestions, when the solution interest wants them (CONTRACT.md §8). */
  suggest?: Suggester | undefined;
};

/**
 * The whole group as it should be now, or null when there is nothing to store (no group existed and none should). A
 * group exists while its account is alive and in the audience; otherwise it is dissolved but stays readable with the
 * members it had. A group that comes back starts afresh.
 */
export function decideGroup(inputs: FullInputs): GroupDecision | null {
  const { interest, account, previous } = inputs;
  const active = interest !== null && account !== null && isInAudience(interest.audience, account);
  if (!active) {
    if (previous === null || previous.status === 'dissolved') return null;
    return finish(
      previous,
      { ...previous, status: 'dissolved' },
      membershipDelta(inputs.previousMembership, inputs.previousMembership),
      false,
      false,
      false,
    );
  }
  const before = previous?.status === 'active' ? inputs.previousMembership : emptyMembership;
  const membership = computeMembership({
    slots: interest.template.slots,
    candidates: candidatesOf(inputs.people),
    previous: before,
    overrides: inputs.overrides,
    now: inputs.now,
    suggest: inputs.suggest,
  });
  const candidate: Omit<GroupRecord, 'membershipVersion' | 'slotsRevision' | 'stageModel' | 'signals'> = {
    accountId: account.accountId,
    solutionInterestId: interest.solutionInterestId,
    buyingGroupId: buyingGroupId(interest.solutionInterestId, account.accountId),
    name: `${interest.name} for ${account.name}`,
    status: 'active',
    slots: interest.template.slots,
  };
  // Rows of a dissolved group are replaced as a whole when it comes back.
  const delta = membershipDelta(inputs.previousMembership, membership);
  const slotsChanged = previous === null || !isDeepStrictEqual(previous.slots, candidate.slots);
  const stageModel = interest.stageModel ?? null;
  const stageModelChanged = previous === null || !isDeepStrictEqual(previous.stageModel, stageModel);
  const signals = interest.signals ?? null;
  const signalsChanged = previous === null || !isDeepStrictEqual(previous.signals, signals);
  return finish(
    previous,
    {
      ...candidate,
      membershipVersion: previous?.membershipVersion ?? 0,
      slotsRevision: slotsChanged ? interest.revision : previous.slotsRevision,
      stageModel,
      signals,
    },
    delta,
    slotsChanged,
    stageModelChanged,
    signalsChanged,
  );
}

export type PersonJudgement = {
  personId: string;
  /** The person as a candidate of this group (nearest link in scope), or undefined when not a person of it. */
  candidate: Candidate | undefined;
  /** The person's rows before, and their own edits of this group. */
  previous: Membership;
  overrides: MemberOverride[];
};

/**
 * An active group with only some people re-judged, together but without anyone else (judgeAlone), or null when that
 * could differ from computing the whole group (a full capped slot is involved): then the caller computes the whole
 * group instead. `occupancy`: the group's members per slot before the change, and who entered each last.
 */
export function decidePeople(
  group: GroupRecord,
  people: PersonJudgement[],
  occupancy: readonly (SlotOccupancy | undefined)[],
  now: string,
  suggest?: Suggester,
): GroupDecision | null {
  const after = judgeAlone({ slots: group.slots, occupancy, people, now, suggest });
  if (after === null) return null;
  const before: Membership = {
    members: people.flatMap((p) => p.previous.members),
    removedMembers: people.flatMap((p) => p.previous.removedMembers),
  };
  return finish(group, group, membershipDelta(before, after), false, false, false);
}

function finish(
  previous: GroupRecord | null,
  next: GroupRecord,
  delta: MembershipDelta,
  slotsChanged: boolean,
  stageModelChanged: boolean,
  signalsChanged: boolean,
): GroupDecision {
  const changed =
    previous === null ||
    previous.status !== next.status ||
    previous.name !== next.name ||
    slotsChanged ||
    stageModelChanged ||
    signalsChanged ||
    !isEmptyDelta(delta);
  const membershipVersion = (previous?.membershipVersion ?? 0) + (changed ? 1 : 0);
  return { next: { ...next, membershipVersion }, delta, slotsChanged, stageModelChanged, signalsChanged, changed };
}

/** A person linked to several accounts in scope is judged by the nearest link (the list is nearest first). */
export function candidatesOf(people: ScopedPerson[]): Candidate[] {
  const seen = new Set<string>();
  return people
    .filter((p) => !seen.has(p.personId) && seen.add(p.personId))
    .map((p) => ({ personId: p.personId, subject: personSubject(p.person, p.relationship, p.engagementScore) }));
}
