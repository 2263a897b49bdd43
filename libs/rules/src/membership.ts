import { isDeepStrictEqual } from 'node:util';
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

/** A model's role for a person no rule places (CONTRACT.md §8), at or above the solution interest's confidence. */
export type AiSuggestion = {
  role: string;
  confidence: number;
  model: string;
  because: { field: string; value: string; weight: number }[];
};

/** Asked only for people no explicit edit and no rule places; null when the model has nothing confident to say. */
export type Suggester = (subject: Subject) => AiSuggestion | null;

export interface MembershipInput {
  /** In priority order: a person takes the first slot they match. */
  slots: readonly MembershipSlot[];
  /** People of the account (or of it and its descendants); a deleted person is not a candidate. */
  candidates: readonly Candidate[];
  /** The group's membership before this computation: keeps `since` for people who stay in their role. */
  previous: Membership;
  overrides: readonly MemberOverride[];
  now: string;
  /** Present when the solution interest has `aiSuggestions` and a model is trained. */
  suggest?: Suggester | undefined;
  /**
   * Seats of each slot (by index) held by people outside this computation, who rank ahead of everyone in it: set when
   * some people are judged alone (judgeAlone), so that they meet a full capped slot as the whole group would.
   */
  seatsTaken?: readonly number[];
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
  'stage.changed': 9,
  'journey-status.changed': 10,
  'group.stalled': 11,
  'group.unstalled': 12,
  'member.disengaged': 13,
  'member.reengaged': 14,
};

/**
 * One group's membership. Explicit edits come first (each person's highest-precedence edit): an add places the person
 * in the named role whether or not a rule matches, a removal keeps them out. Everyone else is placed by the rules,
 * slot by slot in priority order.
 */
export function computeMembership(input: MembershipInput): Membership {
  return placeMembers(input).membership;
}

/** computeMembership, also telling which capped slots turned someone away because they were full. */
function placeMembers(input: MembershipInput): { membership: Membership; turnedAway: Set<number> } {
  const { slots, previous, now } = input;
  const candidates = new Map(input.candidates.map((candidate) => [candidate.personId, candidate]));
  // An edit of someone who is no longer a person of the account waits, dormant, until they come back.
  const overrides = effectiveOverrides(input.overrides.filter((override) => candidates.has(override.personId)));
  const before = new Map(previous.members.map((member) => [member.personId, member]));
  // `since` is the time in the slot (a template may have several slots of one role): kept while the person stays in
  // the same slot with the same role, restarted otherwise.
  const sinceIn = (personId: string, role: string, slot: number | null): string => {
    const earlier = before.get(personId);
    return earlier !== undefined && earlier.role === role && earlier.reason.slot === slot ? earlier.since : now;
  };

  const members: GroupMember[] = [];
  const removedMembers: RemovedMember[] = [];
  const assigned = slots.map((_, index) => input.seatsTaken?.[index] ?? 0);
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
    members.push({
      personId,
      role: override.role,
      source,
      since: sinceIn(personId, override.role, reason.slot),
      reason,
    });
  }
  const ruled = [...candidates.values()].filter((candidate) => !overrides.has(candidate.personId));
  const turnedAway = new Set<number>();
  const byRules = placeByRules(slots, ruled, assigned, sinceIn, turnedAway);
  members.push(...byRules);
  if (input.suggest) {
    const placed = new Set(byRules.map((member) => member.personId));
    const unplaced = ruled.filter((candidate) => !placed.has(candidate.personId));
    members.push(...placeBySuggestions(slots, unplaced, assigned, input.suggest, sinceIn, turnedAway));
  }
  const membership = {
    members: members.sort(memberOrder),
    removedMembers: removedMembers.sort((a, b) => compareText(a.personId, b.personId)),
  };
  return { membership, turnedAway };
}

/** One person to judge alone: as a candidate now (none when no longer a person of the group), their rows, their edits. */
export interface AloneInput {
  candidate: Candidate | undefined;
  previous: Membership;
  overrides: readonly MemberOverride[];
}

/** A slot's members before the change (explicit and AI members included: they take room). */
export interface SlotOccupancy {
  members: number;
  /** The latest `since` of its rule members: who entered the slot last, and so ranks last among its holders. */
  latestRuleSince: string | null;
}

/**
 * These people's rows computed without looking at anyone else, or null when that could differ from a full computation
 * of the group — then the whole group is computed. Only a capped slot (`maxMembers`) makes people compete. Each person
 * is judged with the seats of capped slots that the others hold (`occupancy`, less the seats of the people judged
 * here): while a slot has room, everyone matching it is in it and nobody waits, so people entering (up to its room)
 * or leaving it move no one else; once it is full, a person entering it, or still waiting for it, ranks after every
 * holder (holders rank by time in the slot, and the person's is now), so waits, as in the full computation — provided
 * every holder entered before now. So null when one of them carries an explicit add (it takes room beyond the rules),
 * when AI suggestions are on (a rule member may take an AI member's seat), when one of them leaves a full capped slot
 * (someone may be waiting for the place), when more enter it than its room, or when one waits for a slot a holder
 * entered at or after now.
 */
export function judgeAlone(input: {
  slots: readonly MembershipSlot[];
  occupancy: readonly (SlotOccupancy | undefined)[];
  people: readonly AloneInput[];
  now: string;
  suggest?: Suggester | undefined;
}): Membership | null {
  const { slots, people, now } = input;
  const capped = slots.flatMap((slot, index) => (slot.maxMembers == null ? [] : [index]));
  const inSlot = (members: readonly GroupMember[], index: number) =>
    new Set(members.filter((member) => member.reason.slot === index).map((member) => member.personId));
  const previousMembers = people.flatMap((person) => person.previous.members);
  const held = (index: number) => input.occupancy[index]?.members ?? 0;
  const seatsTaken = slots.map((_, index) => Math.max(0, held(index) - inSlot(previousMembers, index).size));
  const judged = people.map((person) =>
    placeMembers({
      slots,
      candidates: person.candidate === undefined ? [] : [person.candidate],
      previous: person.previous,
      overrides: person.overrides,
      now,
      suggest: input.suggest,
      seatsTaken,
    }),
  );
  const after: Membership = {
    members: judged.flatMap((j) => j.membership.members),
    removedMembers: judged.flatMap((j) => j.membership.removedMembers),
  };
  if (capped.length === 0) return after;
  if (people.some((person) => person.overrides.some((override) => override.action === 'add'))) return null;
  // The slots these people wait for: before (a member placed further down), and now (placed further down or nowhere).
  const waited = new Set([
    ...previousMembers.flatMap((member) =>
      (member.reason.skipped ?? []).filter((skip) => skip.why === 'full').map((skip) => skip.slot),
    ),
    ...judged.flatMap((j) => [...j.turnedAway]),
  ]);
  if (waited.size > 0) {
    if (input.suggest !== undefined) return null;
    for (const index of waited) {
      const latest = input.occupancy[index]?.latestRuleSince ?? null;
      // A slot that has room now while someone waited for it: a seat freed that this judgement cannot hand out.
      if (seatsTaken[index]! < slots[index]!.maxMembers! || (latest !== null && compareInstants(latest, now) >= 0))
        return null;
    }
  }
  for (const index of capped) {
    const cap = slots[index]!.maxMembers!;
    const before = inSlot(previousMembers, index);
    const entered = inSlot(after.members, index);
    const leaving = [...before].some((personId) => !entered.has(personId));
    if (leaving && held(index) >= cap) return null;
    if (held(index) - before.size + entered.size > cap) return null;
  }
  return after;
}

/** What changed between two memberships, row by row: what a writer stores and sends downstream. */
export interface MembershipDelta {
  members: { upserted: GroupMember[]; removed: string[] };
  removedMembers: { upserted: RemovedMember[]; cleared: string[] };
}

/** The rows that differ (added or changed in any field) and the ids gone, for members and removed members. */
export function membershipDelta(before: Membership, after: Membership): MembershipDelta {
  const rows = <T extends { personId: string }>(old: readonly T[], next: readonly T[]) => {
    const earlier = new Map(old.map((row) => [row.personId, row]));
    const later = new Set(next.map((row) => row.personId));
    return {
      upserted: next.filter((row) => !isDeepStrictEqual(earlier.get(row.personId), row)),
      gone: old.filter((row) => !later.has(row.personId)).map((row) => row.personId),
    };
  };
  const members = rows(before.members, after.members);
  const removed = rows(before.removedMembers, after.removedMembers);
  return {
    members: { upserted: members.upserted, removed: members.gone },
    removedMembers: { upserted: removed.upserted, cleared: removed.gone },
  };
}

/** Whether a delta changes anything. */
export function isEmptyDelta(delta: MembershipDelta): boolean {
  return (
    delta.members.upserted.length === 0 &&
    delta.members.removed.length === 0 &&
    delta.removedMembers.upserted.length === 0 &&
    delta.removedMembers.cleared.length === 0
  );
}

/** `before` with `delta` applied: rows replaced or added by id, the gone ones dropped; member order as computed. */
export function applyMembershipDelta(before: Membership, delta: MembershipDelta): Membership {
  const patch = <T extends { personId: string }>(
    rows: readonly T[],
    upserted: readonly T[],
    gone: readonly string[],
  ) => {
    const byId = new Map(rows.map((row) => [row.personId, row]));
    for (const id of gone) byId.delete(id);
    for (const row of upserted) byId.set(row.personId, row);
    return [...byId.values()];
  };
  return {
    members: patch(before.members, delta.members.upserted, delta.members.removed).sort(memberOrder),
    removedMembers: patch(before.removedMembers, delta.removedMembers.upserted, delta.removedMembers.cleared).sort(
      (a, b) => compareText(a.personId, b.personId),
    ),
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
 * precedence (all equal here: explicit adds were placed before), then longest in the slot, then personId. Those who
 * do not fit try the later slots they match.
 */
function placeByRules(
  slots: readonly MembershipSlot[],
  candidates: readonly Candidate[],
  assigned: number[],
  sinceIn: (personId: string, role: string, slot: number) => string,
  turnedAway: Set<number>,
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
    const since = (pending: Pending): string => sinceIn(pending.personId, slot.role, index);
    matching.sort((a, b) => compareInstants(since(a), since(b)) || compareText(a.personId, b.personId));
    const room = slot.maxMembers == null ? matching.length : Math.max(0, slot.maxMembers - (assigned[index] ?? 0));
    for (const pending of matching.slice(0, room)) {
      const reason = { slot: index, matched: pending.results[index]?.trace ?? [], skipped: pending.skipped };
      placed.push({ personId: pending.personId, role: slot.role, source: 'rule', since: since(pending), reason });
    }
    assigned[index] = (assigned[index] ?? 0) + Math.min(room, matching.length);
    if (matching.length > room) turnedAway.add(index);
    const overflow = matching.slice(room).map((pending) => ({
      ...pending,
      skipped: [...pending.skipped, { slot: index, why: 'full' as const }],
    }));
    unplaced = [...notMatching, ...overflow];
  });
  return placed;
}

/**
 * People no rule places whom the model names for a slot's role (the first slot of that role) with enough confidence:
 * members with source `ai`. They take the room the rules left (a suggestion never pushes out a person a rule placed;
 * it is weaker evidence than the operator's rule), the most confident first, then the longest in the slot, then
 * personId.
 */
function placeBySuggestions(
  slots: readonly MembershipSlot[],
  candidates: readonly Candidate[],
  assigned: number[],
  suggest: Suggester,
  sinceIn: (personId: string, role: string, slot: number) => string,
  turnedAway: Set<number>,
): GroupMember[] {
  const bySlot = new Map<number, { personId: string; suggestion: AiSuggestion }[]>();
  for (const candidate of candidates) {
    const suggestion = suggest(candidate.subject);
    const slot = suggestion ? slots.findIndex((s) => s.role === suggestion.role) : -1;
    if (suggestion && slot >= 0)
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), { personId: candidate.personId, suggestion }]);
  }
  const placed: GroupMember[] = [];
  for (const [slot, suggested] of [...bySlot].sort(([a], [b]) => a - b)) {
    const role = slots[slot]!.role;
    const cap = slots[slot]!.maxMembers;
    suggested.sort(
      (a, b) =>
        b.suggestion.confidence - a.suggestion.confidence ||
        compareInstants(sinceIn(a.personId, role, slot), sinceIn(b.personId, role, slot)) ||
        compareText(a.personId, b.personId),
    );
    const room = cap == null ? suggested.length : Math.max(0, cap - (assigned[slot] ?? 0));
    for (const { personId, suggestion } of suggested.slice(0, room)) {
      const { model, confidence, because } = suggestion;
      const reason = { slot, matched: [], model, confidence, because };
      placed.push({ personId, role, source: 'ai', since: sinceIn(personId, role, slot), reason });
    }
    assigned[slot] = (assigned[slot] ?? 0) + Math.min(room, suggested.length);
    if (suggested.length > room) turnedAway.add(slot);
  }
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
export function memberOrder(a: GroupMember, b: GroupMember): number {
  const slotA = a.reason.slot ?? Number.MAX_SAFE_INTEGER;
  const slotB = b.reason.slot ?? Number.MAX_SAFE_INTEGER;
  return slotA - slotB || compareText(a.role, b.role) || compareText(a.personId, b.personId);
}

const personOf = (change: GroupChange): string => ('personId' in change ? change.personId : '');
