import type { AudienceRule, MemberScope, PersonAccountLink } from '@bg/contracts';
import { isInAudience } from './audience';
import {
  engagementKey,
  personSubject,
  type AccountFields,
  type EngagementScores,
  type PersonFields,
} from './conditions';
import { accountsInScope } from './hierarchy';
import { computeMembership, type Candidate, type Membership, type MembershipSlot } from './membership';
import { compareText } from './ordering';
import type { MemberOverride } from './overrides';

/**
 * The reference model: every group's membership computed from scratch from the whole world, with no state but what it
 * is given. The incremental service is tested against it, so it favours plain loops over speed.
 */

export type OracleAccount = AccountFields & { accountId: string; deleted?: boolean };

export type OraclePerson = PersonFields & { personId: string; accounts: PersonAccountLink[]; deleted?: boolean };

export interface OracleSolutionInterest {
  solutionInterestId: string;
  memberScope: MemberScope;
  template: { slots: readonly MembershipSlot[] };
  audience: AudienceRule;
}

export type OracleOverride = MemberOverride & { solutionInterestId: string; accountId: string };

export interface OracleWorld {
  accounts: readonly OracleAccount[];
  persons: readonly OraclePerson[];
  solutionInterests: readonly OracleSolutionInterest[];
  overrides: readonly OracleOverride[];
  /** Engagement scores by `engagementKey(accountId, personId)`, for conditions on `engagementScore`. */
  engagementScores?: EngagementScores;
  /**
   * Membership by group key before this computation. Without it every `since` is `now`, so a full slot ranks
   * people by personId alone, where the service would rank the longest-standing members first.
   */
  previous?: ReadonlyMap<string, Membership>;
  now: string;
}

export interface OracleGroup extends Membership {
  solutionInterestId: string;
  accountId: string;
}

export function groupKey(solutionInterestId: string, accountId: string): string {
  return `${solutionInterestId}:${accountId}`;
}

/** Every active group (a live account in a solution interest's audience), by group key in key order. */
export function computeAllGroups(world: OracleWorld): Map<string, OracleGroup> {
  const accounts = world.accounts.filter((account) => !account.deleted);
  const persons = personsByAccount(world.persons.filter((person) => !person.deleted));
  const groups: OracleGroup[] = [];
  for (const interest of world.solutionInterests) {
    for (const account of accounts) {
      if (!isInAudience(interest.audience, account)) continue;
      const { solutionInterestId } = interest;
      const { accountId } = account;
      const key = groupKey(solutionInterestId, accountId);
      const membership = computeMembership({
        slots: interest.template.slots,
        candidates: candidatesOf(accountsInScope(accountId, interest.memberScope, accounts), persons, world),
        previous: world.previous?.get(key) ?? { members: [], removedMembers: [] },
        overrides: world.overrides.filter(
          (override) => override.solutionInterestId === solutionInterestId && override.accountId === accountId,
        ),
        now: world.now,
      });
      groups.push({ solutionInterestId, accountId, ...membership });
    }
  }
  groups.sort((a, b) =>
    compareText(groupKey(a.solutionInterestId, a.accountId), groupKey(b.solutionInterestId, b.accountId)),
  );
  return new Map(groups.map((group) => [groupKey(group.solutionInterestId, group.accountId), group]));
}

/**
 * The people linked to any account in scope (nearest first). A person linked to several of them is judged by the link
 * to the nearest: the group's own account if linked to it, else the shallowest descendant, then the lowest accountId;
 * among several links to that one account, the first listed.
 */
function candidatesOf(
  scope: readonly string[],
  linked: ReadonlyMap<string, readonly OraclePerson[]>,
  world: OracleWorld,
): Candidate[] {
  const candidates: Candidate[] = [];
  const taken = new Set<string>();
  for (const accountId of scope) {
    for (const person of linked.get(accountId) ?? []) {
      const link = person.accounts.find((candidate) => candidate.accountId === accountId);
      if (link === undefined || taken.has(person.personId)) continue;
      taken.add(person.personId);
      const subject = personSubject(
        person,
        link.relationship,
        world.engagementScores?.get(engagementKey(accountId, person.personId)),
      );
      candidates.push({ personId: person.personId, subject });
    }
  }
  return candidates;
}

/** The persons linked to each account, in the order given (an index, so that the oracle stays usable at 10k people). */
function personsByAccount(persons: readonly OraclePerson[]): Map<string, OraclePerson[]> {
  const linked = new Map<string, OraclePerson[]>();
  for (const person of persons) {
    for (const accountId of new Set(person.accounts.map((link) => link.accountId))) {
      const list = linked.get(accountId) ?? [];
      list.push(person);
      linked.set(accountId, list);
    }
  }
  return linked;
}
