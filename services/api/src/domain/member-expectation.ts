import type { GroupMember, RemovedMember } from '@bg/contracts';

export type MemberCommandPlan = {
  action: 'add' | 'remove';
  personId: string;
  /** For an add, the role asked for; for a removal, the role the person holds (if any). */
  role: string | null;
  group: { accountId: string; members: readonly GroupMember[]; removedMembers: readonly RemovedMember[] };
  /** Whether the person is linked to the group's account (or, by scope, a descendant) in this API's view. */
  personInScope: boolean;
};

/**
 * What a manual edit will do to the group once role assignment applies it, in words for the operator. Manual is the
 * highest precedence, so the edit always wins over rules, imports, journeys and AI.
 */
export function expectedOutcome(plan: MemberCommandPlan): string {
  const { personId, role } = plan;
  const member = plan.group.members.find((candidate) => candidate.personId === personId);
  const removed = plan.group.removedMembers.find((candidate) => candidate.personId === personId);
  let outcome: string;
  if (plan.action === 'add') {
    if (member === undefined) {
      outcome = removed
        ? `${personId}, removed earlier (${removed.source}), will be added back as '${role}' (manual)`
        : `${personId} will be added as '${role}' (manual), whatever the rules say`;
    } else if (member.role !== role) {
      outcome = `${personId} will move from '${member.role}' to '${role}' (manual)`;
    } else if (member.source === 'manual') {
      outcome = `${personId} already holds '${role}' by a manual edit; nothing will change`;
    } else {
      outcome = `${personId} keeps '${role}', now held manually, so rule changes will not remove them`;
    }
  } else {
    outcome = member
      ? `${personId} will be removed from '${member.role}' and kept out of the group, even when the rules match them`
      : `${personId} is not a member; they will be kept out of the group, even when the rules match them`;
  }
  if (!plan.personInScope) {
    outcome += `; ${personId} is not linked to account ${plan.group.accountId} yet, so the edit waits until they are`;
  }
  return outcome;
}
