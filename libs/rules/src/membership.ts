import type { GroupChange, GroupMember, MemberReason, RemovedMember, RoleSlot } from '@bg/contracts';
import { evaluateCondition, type ConditionResult, type Subject } from './conditions';
import { compareInstants, compareText } from './ordering';
import { effectiveOverrides, type MemberOverride, type OverrideSource } from './overrides';

/** A person of the group's account(s), as the condition language sees them in this group. */
export interface Candidate {
  personId: string;
  subject: Subject;
}

export interface Membership {
  members: GroupMember[];
  /**
   * People kept out by an explicit removal (manual, import, journey, ai) who are still people of the account. A rule
   * member who stops matching simply leaves `members`; a deleted or unlinked person leaves both lists, since there is
   * no longer anyone to show.
   */
  removedMembers: RemovedMember[];
}

export type MembershipSlot = Pick<RoleSlot, 'role' | 'maxMembers' | 'conditions'>;

export interface MembershipInput {
  /** In priority order: a person takes the first slot they match. */
  slots: readonly MembershipSlot[];
  /** People of the account (or of it and its descendants); a deleted person is not a candidate. */
  candidates: readonly Candidate[];
  /** The group's membership before this computation: keeps `since` for people who stay in their role. */
  previous: Membership;
  overrides: readonly MemberOverride[];
  now: string;
}

type Skip = NonNullable<MemberReason['skipped']>[number];

const notes: Record<OverrideSource, string> = {
  manual: 'added manually',
  import: 'added by import',
  journey: 'added by a journey',
  ai: 'added by AI',
};

const changeOrder: Record<GroupChange['kind'], number> = {
  'group.created': 0,
  'group.dissolved': 1,
  'member.added': 2,
  'member.removed': 3,
  'member.role-changed': 4,
  'role.missing': 5,
  'role.filled': 6,
  'completeness.changed': 7,
  'engagement.changed': 8,
};

/**
 * One group's membership. Explicit edits come first (each person's highest-precedence edit): an add places the person
 * in the named role whether or not a rule matches, a removal keeps them out. Everyone else is placed by the rules,
 * slot by slot in priority order.
 */
export function computeMembership(input: MembershipInput): Membership {
  const { slots, previous, now } = input;
  const candidates = new Map(input.candidates.map((candidate) => [candidate.personId, candidate]));
  // An edit of someone who is no longer a person of the account waits, dormant, until they come back.
  const overrides = effectiveOverrides(input.overrides.filter((override) => candidates.has(override.personId)));
  const before = new Map(previous.members.map((member) => [member.personId, member]));
  const sinceIn = (personId: string, role: string): string => {
    const earlier = before.get(personId);
    return earlier !== undefined && earlier.role === role ? earlier.since : now;
  };

  const members: GroupMember[] = [];
  const removedMembers: RemovedMember[] = [];
  const assigned = slots.map(() => 0);
  for (const override of overrides.values()) {
    const { personId, source } = override;
    if (override.action === 'remove') {
      const role = override.role ?? roleBefore(personId, previous) ?? ruleRole(slots, candidates.get(personId));
      if (role !== null) removedMembers.push({ personId, role, source, removedAt: override.requestedAt });
      continue;
    }
    const slot = slots.findIndex((candidateSlot) => candidateSlot.role === override.role);
    // Explicit adds count towards their slot (the first with that role) and are kept even beyond its maxMembers.
    if (slot >= 0) assigned[slot] = (assigned[slot] ?? 0) + 1;
    const reason = { slot: slot >= 0 ? slot : null, matched: [], note: notes[source] };
    members.push({ personId, role: override.role, source, since: sinceIn(personId, override.role), reason });
  }
  const ruled = [...candidates.values()].filter((candidate) => !overrides.has(candidate.personId));
  members.push(...placeByRules(slots, ruled, assigned, sinceIn));
  return {
    members: members.sort(memberOrder),
    removedMembers: removedMembers.sort((a, b) => compareText(a.personId, b.personId)),
  };
}

/** The member changes from one membership to the next, by kind then personId. */
export function diffMembership(before: Membership, after: Membership): GroupChange[] {
  const earlier = new Map(before.members.map((member) => [member.personId, member]));
  const later = new Map(after.members.map((member) => [member.personId, member]));
  const removers = new Map(after.removedMembers.map((removed) => [removed.personId, removed.source]));
  const changes: GroupChange[] = [];
  for (const member of after.members) {
    const was = earlier.get(member.personId);
    if (was === undefined) {
      changes.push({ kind: 'member.added', personId: member.personId, role: member.role, source: member.source });
    } else if (was.role !== member.role) {
      changes.push({ kind: 'member.role-changed', personId: member.personId, from: was.role, to: member.role });
    }
  }
  for (const member of before.members) {
    if (later.has(member.personId)) continue;
    // The source of a removal is who removed: the explicit remover, else the rules (no longer matching, unlinked, deleted).
    const source = removers.get(member.personId) ?? 'rule';
    changes.push({ kind: 'member.removed', personId: member.personId, role: member.role, source });
  }
  return changes.sort((a, b) => changeOrder[a.kind] - changeOrder[b.kind] || compareText(personOf(a), personOf(b)));
}

interface Pending {
  personId: string;
  results: ConditionResult[];
  skipped: Skip[];
}

/**
 * Each slot in priority order takes, among the people still unplaced who match it, as many as it has room for: by
 * precedence (all equal here: explicit adds were placed before), then longest in the role, then personId. Those who
 * do not fit try the later slots they match.
 */
function placeByRules(
  slots: readonly MembershipSlot[],
  candidates: readonly Candidate[],
  assigned: number[],
  sinceIn: (personId: string, role: string) => string,
): GroupMember[] {
  let unplaced: Pending[] = candidates.map((candidate) => ({
    personId: candidate.personId,
    results: slots.map((slot) => evaluateCondition(slot.conditions, candidate.subject)),
    skipped: [],
  }));
  const placed: GroupMember[] = [];
  slots.forEach((slot, index) => {
    const matching: Pending[] = [];
    const notMatching: Pending[] = [];
    for (const pending of unplaced) {
      if (pending.results[index]?.matched) matching.push(pending);
      else notMatching.push({ ...pending, skipped: [...pending.skipped, { slot: index, why: 'no-match' }] });
    }
    const since = (pending: Pending): string => sinceIn(pending.personId, slot.role);
    matching.sort((a, b) => compareInstants(since(a), since(b)) || compareText(a.personId, b.personId));
    const room = slot.maxMembers == null ? matching.length : Math.max(0, slot.maxMembers - (assigned[index] ?? 0));
    for (const pending of matching.slice(0, room)) {
      const reason = { slot: index, matched: pending.results[index]?.trace ?? [], skipped: pending.skipped };
      placed.push({ personId: pending.personId, role: slot.role, source: 'rule', since: since(pending), reason });
    }
    assigned[index] = (assigned[index] ?? 0) + Math.min(room, matching.length);
    const overflow = matching.slice(room).map((pending) => ({
      ...pending,
      skipped: [...pending.skipped, { slot: index, why: 'full' as const }],
    }));
    unplaced = [...notMatching, ...overflow];
  });
  return placed;
}

function roleBefore(personId: string, previous: Membership): string | null {
  const member = previous.members.find((candidate) => candidate.personId === personId);
  const removed = previous.removedMembers.find((candidate) => candidate.personId === personId);
  return member?.role ?? removed?.role ?? null;
}

/** The role the rules would give, ignoring maxMembers: what a removal with no role and no history kept them from. */
function ruleRole(slots: readonly MembershipSlot[], candidate: Candidate | undefined): string | null {
  if (candidate === undefined) return null;
  return slots.find((slot) => evaluateCondition(slot.conditions, candidate.subject).matched)?.role ?? null;
}

// By slot (members of a role outside the template last, by role), then personId.
function memberOrder(a: GroupMember, b: GroupMember): number {
  const slotA = a.reason.slot ?? Number.MAX_SAFE_INTEGER;
  const slotB = b.reason.slot ?? Number.MAX_SAFE_INTEGER;
  return slotA - slotB || compareText(a.role, b.role) || compareText(a.personId, b.personId);
}

const personOf = (change: GroupChange): string => ('personId' in change ? change.personId : '');
