import type { AudienceRule, GroupChange, GroupMember, PersonAccountLink } from '@bg/contracts';
import {
  computeMembership,
  diffMembership,
  isInAudience,
  personSubject,
  type AccountFields,
  type Candidate,
  type MemberOverride,
  type Membership,
  type MembershipSlot,
  type PersonFields,
} from '@bg/rules';

/**
 * The dry run of a candidate template or audience: for each account, the group as it is (the projection's snapshot,
 * or the current rules when the projection has none yet) against the group as the candidate would make it. Pure: the
 * caller streams accounts in and reads the tally out.
 */

export type PreviewAccount = AccountFields & { accountId: string };

export type PreviewRules = { slots: readonly MembershipSlot[]; audience: AudienceRule };

export type AccountInput = {
  account: PreviewAccount;
  buyingGroupId: string;
  /** People of the accounts in scope, nearest account first. */
  candidates: readonly Candidate[];
  /** The group's latest snapshot in the projection, if any. */
  existing: (Membership & { status: 'active' | 'dissolved' }) | null;
};

export type AccountOutcome =
  | { kind: 'outside' }
  | { kind: 'unchanged' }
  | { kind: 'created'; members: GroupMember[] }
  | { kind: 'dissolved'; members: GroupMember[] }
  | { kind: 'changed'; changes: GroupChange[] };

const noMembers: Membership = { members: [], removedMembers: [] };

export function previewAccount(
  input: AccountInput,
  current: PreviewRules,
  candidate: { slots: readonly MembershipSlot[] | null; audience: AudienceRule | null },
  now: string,
): AccountOutcome {
  const wasIn = isInAudience(current.audience, input.account);
  const willBeIn = isInAudience(candidate.audience ?? current.audience, input.account);
  if (!wasIn && !willBeIn) return { kind: 'outside' };
  const overrides = input.existing ? overridesOf(input.existing) : [];
  const active = input.existing?.status === 'active' ? input.existing : null;
  const membership = (slots: readonly MembershipSlot[], previous: Membership) =>
    computeMembership({ slots, candidates: input.candidates, previous, overrides, now });
  const before = (): Membership => active ?? membership(current.slots, noMembers);

  if (!wasIn) return { kind: 'created', members: membership(candidate.slots ?? current.slots, noMembers).members };
  if (!willBeIn) return { kind: 'dissolved', members: before().members };
  // Same audience verdict and same template: nothing the candidate changes.
  if (candidate.slots === null) return { kind: 'unchanged' };
  const was = before();
  const changes = diffMembership(was, membership(candidate.slots, was));
  return changes.length === 0 ? { kind: 'unchanged' } : { kind: 'changed', changes };
}

/**
 * The explicit edits a snapshot shows: non-rule members were added by someone, removed members were kept out. Role
 * assignment holds the edits themselves; the snapshot is the API's view of them.
 */
export function overridesOf(snapshot: Membership): MemberOverride[] {
  const adds: MemberOverride[] = snapshot.members
    .filter((member) => member.source !== 'rule')
    .map((member) => ({
      personId: member.personId,
      action: 'add',
      role: member.role,
      source: member.source as Exclude<GroupMember['source'], 'rule'>,
      requestedAt: member.since,
    }));
  const removals: MemberOverride[] = snapshot.removedMembers
    .filter((removed) => removed.source !== 'rule')
    .map((removed) => ({
      personId: removed.personId,
      action: 'remove',
      role: removed.role,
      source: removed.source as Exclude<GroupMember['source'], 'rule'>,
      requestedAt: removed.removedAt,
    }));
  return [...adds, ...removals];
}

export type ScopedPerson = PersonFields & { personId: string; accounts?: PersonAccountLink[] };
/** A person's link to an account, with their engagement score there (what `engagementScore` reads), if any. */
export type AccountLink = { accountId: string; relationship: string; person: ScopedPerson; engagementScore?: number };

/** Links grouped by account, for `candidatesInScope`. */
export function linksByAccount(links: readonly AccountLink[]): Map<string, AccountLink[]> {
  const grouped = new Map<string, AccountLink[]>();
  for (const link of links) grouped.set(link.accountId, [...(grouped.get(link.accountId) ?? []), link]);
  return grouped;
}

/**
 * Candidates of a group whose scope is `scope` (nearest account first): a person linked to several accounts in scope
 * is judged by the link to the nearest, with their relationship and engagement score there, as role assignment does.
 */
export function candidatesInScope(
  scope: readonly string[],
  links: ReadonlyMap<string, readonly AccountLink[]>,
): Candidate[] {
  const taken = new Set<string>();
  const candidates: Candidate[] = [];
  for (const accountId of scope) {
    for (const { relationship, person, engagementScore } of links.get(accountId) ?? []) {
      if (taken.has(person.personId)) continue;
      taken.add(person.personId);
      candidates.push({
        personId: person.personId,
        subject: personSubject(person, relationship, engagementScore),
      });
    }
  }
  return candidates;
}

export type Sample = {
  buyingGroupId: string;
  accountId: string;
  accountName: string | null;
  personId?: string;
  role?: string;
  from?: string;
  to?: string;
  members?: number;
};

export type PreviewTotals = {
  accountsEvaluated: number;
  groups: { created: number; dissolved: number; changed: number; unchanged: number };
  members: { added: number; removed: number; roleChanged: number };
  samples: {
    groupsCreated: Sample[];
    groupsDissolved: Sample[];
    membersAdded: Sample[];
    membersRemoved: Sample[];
    membersRoleChanged: Sample[];
  };
};

/**
 * Counts every change and keeps the first few of each kind as samples. Members of a group the candidate creates count
 * as added, members of a group it dissolves as removed.
 */
export class PreviewTally {
  private readonly totals: PreviewTotals = {
    accountsEvaluated: 0,
    groups: { created: 0, dissolved: 0, changed: 0, unchanged: 0 },
    members: { added: 0, removed: 0, roleChanged: 0 },
    samples: { groupsCreated: [], groupsDissolved: [], membersAdded: [], membersRemoved: [], membersRoleChanged: [] },
  };

  constructor(private readonly sampleSize: number) {}

  add(input: Pick<AccountInput, 'account' | 'buyingGroupId'>, outcome: AccountOutcome): void {
    this.totals.accountsEvaluated += 1;
    const where = {
      buyingGroupId: input.buyingGroupId,
      accountId: input.account.accountId,
      accountName: input.account.name ?? null,
    };
    const { groups, members, samples } = this.totals;
    switch (outcome.kind) {
      case 'outside':
        return;
      case 'unchanged':
        groups.unchanged += 1;
        return;
      case 'created':
        groups.created += 1;
        this.sample(samples.groupsCreated, { ...where, members: outcome.members.length });
        for (const member of outcome.members)
          this.sample(samples.membersAdded, { ...where, personId: member.personId, role: member.role });
        members.added += outcome.members.length;
        return;
      case 'dissolved':
        groups.dissolved += 1;
        this.sample(samples.groupsDissolved, { ...where, members: outcome.members.length });
        for (const member of outcome.members)
          this.sample(samples.membersRemoved, { ...where, personId: member.personId, role: member.role });
        members.removed += outcome.members.length;
        return;
      case 'changed':
        groups.changed += 1;
        for (const change of outcome.changes) {
          if (change.kind === 'member.added') {
            members.added += 1;
            this.sample(samples.membersAdded, { ...where, personId: change.personId, role: change.role });
          } else if (change.kind === 'member.removed') {
            members.removed += 1;
            this.sample(samples.membersRemoved, { ...where, personId: change.personId, role: change.role });
          } else if (change.kind === 'member.role-changed') {
            members.roleChanged += 1;
            this.sample(samples.membersRoleChanged, {
              ...where,
              personId: change.personId,
              from: change.from,
              to: change.to,
            });
          }
        }
    }
  }

  result(): PreviewTotals {
    return structuredClone(this.totals);
  }

  private sample(list: Sample[], sample: Sample): void {
    if (list.length < this.sampleSize) list.push(sample);
  }
}
