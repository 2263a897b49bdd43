import { createHash } from 'node:crypto';
import type { OpportunityUpserted } from '@bg/contracts';
import type { PersonTraits } from './features';

/** One person who held one role in one won deal: a labelled example. */
export type Example = {
  opportunityId: string;
  accountId: string;
  personId: string;
  role: string;
  person: PersonTraits;
};

export type TrainingWindow = {
  /** Instant the look-back counts back from. */
  now: string;
  lookbackDays: number;
  /** Only this solution interest's opportunities, when given. */
  solutionInterestId?: string | null;
};

export const defaultLookbackDays = 540;

/**
 * The training set (CONTRACT.md §8): the contact roles of won opportunities closed within the look-back window,
 * joined to the people's current fields; a person the CRM no longer has (unknown or deleted) is left out. Sorted, so
 * that the same data gives the same model whatever order it was read in.
 */
export function trainingExamples(
  opportunities: readonly OpportunityUpserted[],
  people: ReadonlyMap<string, PersonTraits>,
  window: TrainingWindow,
): Example[] {
  const from = Date.parse(window.now) - window.lookbackDays * 86_400_000;
  const to = Date.parse(window.now);
  const examples: Example[] = [];
  for (const opportunity of opportunities) {
    if (opportunity.stage !== 'won' || !opportunity.closedAt) continue;
    const closed = Date.parse(opportunity.closedAt);
    if (closed < from || closed > to) continue;
    if (window.solutionInterestId && opportunity.solutionInterestId !== window.solutionInterestId) continue;
    const seen = new Set<string>();
    for (const { personId, role } of opportunity.contactRoles) {
      const person = people.get(personId);
      if (!person || seen.has(personId)) continue;
      seen.add(personId);
      examples.push({
        opportunityId: opportunity.opportunityId,
        accountId: opportunity.accountId,
        personId,
        role,
        person,
      });
    }
  }
  return examples.sort(
    (a, b) => cmp(a.opportunityId, b.opportunityId) || cmp(a.personId, b.personId) || cmp(a.role, b.role),
  );
}

/** The window's bounds as instants, for `trainedOn`. */
export function windowBounds(window: TrainingWindow): { from: string; to: string } {
  return {
    from: new Date(Date.parse(window.now) - window.lookbackDays * 86_400_000).toISOString(),
    to: new Date(Date.parse(window.now)).toISOString(),
  };
}

/**
 * Deals held out for measuring, chosen by account (all of an account's deals on one side, so the test never sees a
 * colleague of a training person in the same deal): about `share` of the accounts, by a seeded hash of the id.
 */
export function splitByAccount(
  examples: readonly Example[],
  share = 0.25,
  seed = 'bg-ai',
): { train: Example[]; test: Example[] } {
  const held = (accountId: string) =>
    createHash('sha256').update(`${seed}\u0000${accountId}`).digest().readUInt32BE(0) / 2 ** 32 < share;
  return {
    train: examples.filter((e) => !held(e.accountId)),
    test: examples.filter((e) => held(e.accountId)),
  };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
