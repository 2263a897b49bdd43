import {
  buyingGroupId,
  type AccountUpserted,
  type GroupMember,
  type RemovedMember,
  type RoleSlot,
  type SolutionInterestDefined,
} from '@bg/contracts';
import { computeMembership, isInAudience, personSubject, type MemberOverride } from '@bg/rules';
import { isDeepStrictEqual } from 'node:util';

export type GroupStatus = 'active' | 'dissolved';

/** What role-assignment stores per group and publishes when it changes. */
export type GroupState = {
  accountId: string;
  solutionInterestId: string;
  buyingGroupId: string;
  name: string;
  status: GroupStatus;
  slots: RoleSlot[];
  members: GroupMember[];
  removedMembers: RemovedMember[];
  membershipVersion: number;
};

export type ScopedPerson = { personId: string; relationship: string; person: Parameters<typeof personSubject>[0] };

export type GroupInputs = {
  interest: SolutionInterestDefined | null;
  account: AccountUpserted | null;
  /** People of the account, then of its descendants when the scope says so, nearest first. */
  people: ScopedPerson[];
  overrides: MemberOverride[];
  previous: GroupState | null;
  now: string;
};

/**
 * The group as it should be now, or null when there is nothing to store (no group existed and none should). A group
 * exists while its account is alive and in the audience; otherwise it is dissolved but stays readable with the members
 * it had. `changed` tells whether anything a consumer can see differs from `previous`.
 */
export function decideGroup(inputs: GroupInputs): { next: GroupState; changed: boolean } | null {
  const { interest, account, previous } = inputs;
  const active = interest !== null && account !== null && isInAudience(interest.audience, account);
  if (!active) {
    if (previous === null || previous.status === 'dissolved') return null;
    const next: GroupState = { ...previous, status: 'dissolved', membershipVersion: previous.membershipVersion + 1 };
    return { next, changed: true };
  }
  const membership = computeMembership({
    slots: interest.template.slots,
    candidates: distinctPeople(inputs.people).map((p) => ({ personId: p.personId, subject: personSubject(p.person, p.relationship) })),
    previous: previous?.status === 'active' ? previous : { members: [], removedMembers: [] },
    overrides: inputs.overrides,
    now: inputs.now,
  });
  const candidate: Omit<GroupState, 'membershipVersion'> = {
    accountId: account.accountId,
    solutionInterestId: interest.solutionInterestId,
    buyingGroupId: buyingGroupId(interest.solutionInterestId, account.accountId),
    name: `${interest.name} for ${account.name}`,
    status: 'active',
    slots: interest.template.slots,
    members: membership.members,
    removedMembers: membership.removedMembers,
  };
  if (previous !== null && isDeepStrictEqual({ ...previous, membershipVersion: 0 }, { ...candidate, membershipVersion: 0 })) {
    return { next: previous, changed: false };
  }
  return { next: { ...candidate, membershipVersion: (previous?.membershipVersion ?? 0) + 1 }, changed: true };
}

/** A person linked to several accounts in scope is judged by the nearest link (the list is nearest first). */
function distinctPeople(people: ScopedPerson[]): ScopedPerson[] {
  const seen = new Set<string>();
  return people.filter((p) => !seen.has(p.personId) && seen.add(p.personId));
}
