import { describe, expect, it } from 'vitest';
import { groupMemberSchema } from '@bg/contracts';
import {
  computeMembership,
  judgeAlone,
  type AiSuggestion,
  type Membership,
  type MembershipInput,
  type Suggester,
} from '../../src/membership';
import type { MemberOverride } from '../../src/overrides';
import { EARLIER, NOW, candidate, empty, slot, titleHas } from './fixtures';

/** A stand-in for the model: a role per job title, with a confidence. */
const model =
  (known: Record<string, [string, number]>): Suggester =>
  (subject) => {
    const hit = known[String(subject.jobTitle)];
    return hit ? suggestion(hit[0], hit[1]) : null;
  };
const suggestion = (role: string, confidence: number): AiSuggestion => ({
  role,
  confidence,
  model: 'nb1-test',
  because: [{ field: 'jobTitle', value: 'enginer', weight: 2.5 }],
});

const decisionMaker = slot('Decision Maker', titleHas('CTO'));
const practitioner = slot('Practitioner', titleHas('Engineer'), { maxMembers: 2 });
const slots = [decisionMaker, practitioner];
const cto = candidate('p-cto', { jobTitle: 'CTO' });
const engineer = candidate('p-eng', { jobTitle: 'Engineer' });
const typoA = candidate('p-typo-a', { jobTitle: 'Enginer' });
const typoB = candidate('p-typo-b', { jobTitle: 'Enigneer' });
const suggest = model({ Enginer: ['Practitioner', 0.9], Enigneer: ['Practitioner', 0.8], CTO: ['Practitioner', 0.99] });

const compute = (input: Partial<MembershipInput>): Membership =>
  computeMembership({ slots, candidates: [], previous: empty, overrides: [], now: NOW, suggest, ...input });
const rows = (membership: Membership) => membership.members.map((m) => [m.personId, m.role, m.source]);

describe('suggested members (source ai)', () => {
  it('places people no rule places, with the model, its confidence and the features, valid against the contract', () => {
    const membership = compute({ candidates: [cto, typoA] });
    expect(rows(membership)).toEqual([
      ['p-cto', 'Decision Maker', 'rule'],
      ['p-typo-a', 'Practitioner', 'ai'],
    ]);
    const ai = membership.members[1]!;
    expect(ai.reason).toEqual({
      slot: 1,
      matched: [],
      model: 'nb1-test',
      confidence: 0.9,
      because: suggestion('x', 0).because,
    });
    expect(groupMemberSchema.parse(ai)).toEqual(ai);
  });

  it('never asks the model about a person a rule places, and places nobody without a suggester', () => {
    expect(rows(compute({ candidates: [cto] }))).toEqual([['p-cto', 'Decision Maker', 'rule']]);
    expect(rows(compute({ candidates: [typoA], suggest: undefined }))).toEqual([]);
  });

  it('takes only the room the rules leave in a capped slot, the most confident first', () => {
    const membership = compute({ candidates: [engineer, typoA, typoB] });
    expect(rows(membership)).toEqual([
      ['p-eng', 'Practitioner', 'rule'],
      ['p-typo-a', 'Practitioner', 'ai'],
    ]);
  });

  it('yields to a manual removal, which sticks, and to a manual add in another role', () => {
    const removal: MemberOverride = {
      personId: 'p-typo-a',
      action: 'remove',
      role: null,
      source: 'manual',
      requestedAt: EARLIER,
    };
    const add: MemberOverride = {
      personId: 'p-typo-b',
      action: 'add',
      role: 'Decision Maker',
      source: 'manual',
      requestedAt: EARLIER,
    };
    const previous = compute({ candidates: [typoA, typoB] });
    const membership = compute({ candidates: [typoA, typoB], previous, overrides: [removal, add] });
    expect(rows(membership)).toEqual([['p-typo-b', 'Decision Maker', 'manual']]);
    expect(membership.removedMembers).toEqual([
      { personId: 'p-typo-a', role: 'Practitioner', source: 'manual', removedAt: EARLIER },
    ]);
  });

  it('keeps since while the same slot holds the person, whatever the confidence does', () => {
    const first = compute({ candidates: [typoA], now: EARLIER });
    const later = compute({
      candidates: [typoA],
      previous: first,
      suggest: model({ Enginer: ['Practitioner', 0.75] }),
    });
    expect(later.members[0]).toMatchObject({ since: EARLIER, reason: { confidence: 0.75 } });
  });

  it('judges alone a person the model puts in a capped slot only while it has room (a suggestion takes room too)', () => {
    const held = (members: number) => ({ members, latestRuleSince: EARLIER });
    const alone = (occupancy: number[]) =>
      judgeAlone({
        slots,
        occupancy: occupancy.map(held),
        people: [{ candidate: typoA, previous: empty, overrides: [] }],
        now: NOW,
        suggest,
      });
    // Practitioner (maxMembers 2) holds one: room for the suggestion, nobody else's place depends on it.
    expect(rows(alone([0, 1])!)).toEqual([['p-typo-a', 'Practitioner', 'ai']]);
    // Full: the suggestion competes with whoever holds it (and whoever waits), so the whole group decides.
    expect(alone([0, 2])).toBeNull();
    const uncapped = [decisionMaker, slot('Practitioner', titleHas('Engineer'))];
    const judged = judgeAlone({
      slots: uncapped,
      occupancy: [held(0), held(9)],
      people: [{ candidate: typoA, previous: empty, overrides: [] }],
      now: NOW,
      suggest,
    });
    expect(rows(judged!)).toEqual([['p-typo-a', 'Practitioner', 'ai']]);
  });
});
