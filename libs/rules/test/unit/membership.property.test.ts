import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RoleSlot } from '@bg/contracts';
import { evaluateCondition } from '../../src/conditions';
import { computeMembership, type Candidate, type Membership } from '../../src/membership';
import { compareInstants, compareText } from '../../src/ordering';
import { effectiveOverrides, precedenceOf, type MemberOverride } from '../../src/overrides';
import { EARLIER, EARLIEST, NOW, candidate, empty, slot, titleHas } from './fixtures';

/**
 * Properties of one group's membership (README, "Membership rules") over generated templates, people, previous
 * memberships and member edits: one role per person, caps, precedence, and the rules' placement.
 */

const words = ['CMO', 'CEO', 'VP', 'Director', 'Engineer', 'Analyst'];
const roles = ['Decision Maker', 'Influencer', 'Practitioner', 'Champion'];
const LATER = '2026-11-27T10:00:00.000Z';

const slotArb = fc
  .record({
    role: fc.constantFrom(...roles),
    words: fc.subarray(words, { minLength: 1, maxLength: 3 }),
    maxMembers: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  })
  .map(({ role, words: matched, maxMembers }) => slot(role, titleHas(...matched), { maxMembers }));
const titleArb = fc.constantFrom(...words, 'Receptionist');
const personId = (i: number) => `p-${String(i).padStart(2, '0')}`;

const overrideArb = (people: number): fc.Arbitrary<MemberOverride> =>
  fc
    .record({
      person: fc.integer({ min: 0, max: people - 1 }),
      action: fc.constantFrom('add' as const, 'remove' as const),
      source: fc.constantFrom('manual' as const, 'import' as const, 'journey' as const, 'ai' as const),
      // 'Other' is in no template: an explicit add may still name it.
      role: fc.constantFrom(...roles, 'Other'),
      namesRole: fc.boolean(),
      requestedAt: fc.constantFrom(EARLIEST, EARLIER, NOW),
    })
    .map(({ person, action, source, role, namesRole, requestedAt }) =>
      action === 'add'
        ? { personId: personId(person), action, role, source, requestedAt }
        : { personId: personId(person), action, role: namesRole ? role : null, source, requestedAt },
    );

/** A template, people (with the titles they had before and have now), edits, and the membership computed before. */
const scenarioArb = fc
  .record({
    slots: fc.array(slotArb, { minLength: 1, maxLength: 4 }),
    titles: fc.array(fc.record({ before: titleArb, now: titleArb }), { minLength: 1, maxLength: 10 }),
  })
  .chain(({ slots, titles }) =>
    fc.record({
      slots: fc.constant(slots),
      titles: fc.constant(titles),
      overridesBefore: fc.array(overrideArb(titles.length), { maxLength: 4 }),
      overrides: fc.array(overrideArb(titles.length), { maxLength: 6 }),
    }),
  )
  .map(({ slots, titles, overridesBefore, overrides }) => {
    const people = (which: 'before' | 'now'): Candidate[] =>
      titles.map((title, i) => candidate(personId(i), { jobTitle: title[which] }));
    const previous = computeMembership({
      slots,
      candidates: people('before'),
      previous: empty,
      overrides: overridesBefore,
      now: EARLIER,
    });
    return { slots, candidates: people('now'), previous, overrides: [...overridesBefore, ...overrides] };
  });

type Scenario = { slots: RoleSlot[]; candidates: Candidate[]; previous: Membership; overrides: MemberOverride[] };
const compute = (s: Scenario, now = NOW) => computeMembership({ ...s, now });
const matchesSlot = (s: Scenario, personIdOf: string, index: number) =>
  evaluateCondition(s.slots[index]!.conditions, s.candidates.find((c) => c.personId === personIdOf)!.subject).matched;
/** The slot an explicit add counts towards: the first with its role. */
const addsIn = (s: Scenario, result: Membership, index: number) =>
  result.members.filter((m) => m.source !== 'rule' && m.reason.slot === index).length;

describe('membership (properties)', () => {
  it('gives each person one row at most: one role, or removed, or nothing — and only people of the account', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const result = compute(s);
        const ids = [...result.members, ...result.removedMembers].map((row) => row.personId);
        expect(new Set(ids).size).toBe(ids.length);
        const people = new Set(s.candidates.map((c) => c.personId));
        expect(ids.every((id) => people.has(id))).toBe(true);
      }),
    );
  });

  it('follows each person’s edit in force — the highest writer’s, the latest among equals — whatever the rules say', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const result = compute(s);
        const inForce = effectiveOverrides(s.overrides);
        for (const { personId: id } of s.candidates) {
          const edit = inForce.get(id);
          const member = result.members.find((m) => m.personId === id);
          const removed = result.removedMembers.find((r) => r.personId === id);
          if (edit?.action === 'add') {
            // A manual (or import, journey, AI) add is always there, unless a higher or later removal is in force.
            expect(member).toMatchObject({ role: edit.role, source: edit.source });
          } else if (edit?.action === 'remove') {
            expect(member).toBeUndefined();
            if (removed) expect(removed).toMatchObject({ source: edit.source, removedAt: edit.requestedAt });
          } else {
            expect(removed).toBeUndefined();
            if (member) expect(member.source).toBe('rule');
          }
        }
      }),
    );
  });

  it('never lets a lower writer override a higher one, whatever order the edits come in', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const inForce = effectiveOverrides(s.overrides);
        for (const [id, edit] of inForce) {
          const others = s.overrides.filter((o) => o.personId === id);
          expect(others.every((o) => precedenceOf(o.source) <= precedenceOf(edit.source))).toBe(true);
          const sameRank = others.filter((o) => precedenceOf(o.source) === precedenceOf(edit.source));
          expect(sameRank.every((o) => compareInstants(o.requestedAt, edit.requestedAt) <= 0)).toBe(true);
        }
      }),
    );
  });

  it('does not depend on the order people and edits arrive in', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer(), (s, seed) => {
        const shuffle = <T>(items: T[]) =>
          items
            .map((item, i) => ({ item, key: Math.sin(seed + i * 7919) }))
            .sort((a, b) => a.key - b.key)
            .map(({ item }) => item);
        expect(compute({ ...s, candidates: shuffle(s.candidates), overrides: shuffle(s.overrides) })).toEqual(
          compute(s),
        );
      }),
    );
  });

  it('places a person by the rules in the first slot they match that has room, saying why they skipped the others', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const result = compute(s);
        for (const member of result.members.filter((m) => m.source === 'rule')) {
          const index = member.reason.slot!;
          expect(member.role).toBe(s.slots[index]!.role);
          expect(matchesSlot(s, member.personId, index)).toBe(true);
          expect(member.reason.skipped?.map((skip) => skip.slot)).toEqual([...Array(index).keys()]);
          for (const skip of member.reason.skipped ?? []) {
            if (skip.why === 'no-match') expect(matchesSlot(s, member.personId, skip.slot)).toBe(false);
            else {
              const cap = s.slots[skip.slot]!.maxMembers;
              expect(cap).not.toBeNull();
              expect(result.members.filter((m) => m.reason.slot === skip.slot).length).toBeGreaterThanOrEqual(cap!);
            }
          }
        }
      }),
    );
  });

  it('leaves out by the rules only people who match no slot with room: a match of an uncapped slot is a member', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const result = compute(s);
        const edited = effectiveOverrides(s.overrides);
        for (const { personId: id } of s.candidates.filter((c) => !edited.has(c.personId))) {
          const isMember = result.members.some((m) => m.personId === id);
          const matchesUncapped = s.slots.some((slotDef, i) => slotDef.maxMembers == null && matchesSlot(s, id, i));
          const matchesAny = s.slots.some((_, i) => matchesSlot(s, id, i));
          if (matchesUncapped) expect(isMember).toBe(true);
          if (!matchesAny) expect(isMember).toBe(false);
        }
      }),
    );
  });

  it('never fills a capped slot beyond maxMembers by the rules; explicit adds are kept even beyond it', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const result = compute(s);
        s.slots.forEach((slotDef, index) => {
          if (slotDef.maxMembers == null) return;
          const adds = addsIn(s, result, index);
          const ruled = result.members.filter((m) => m.source === 'rule' && m.reason.slot === index).length;
          expect(ruled).toBeLessThanOrEqual(Math.max(0, slotDef.maxMembers - adds));
          expect(ruled + adds).toBeLessThanOrEqual(Math.max(slotDef.maxMembers, adds));
        });
      }),
    );
  });

  it('keeps in a full slot the longest in it, then the lowest personId, and moves the others on', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const result = compute(s);
        const before = new Map(s.previous.members.map((m) => [m.personId, m]));
        // Time in the slot: kept only by someone who held this very slot (and role) before.
        const sinceIn = (id: string, slot: number) => {
          const was = before.get(id);
          return was?.role === s.slots[slot]!.role && was.reason.slot === slot ? was.since : NOW;
        };
        const rank = (id: string, slot: number) => [sinceIn(id, slot), id] as const;
        const earlier = (a: readonly [string, string], b: readonly [string, string]) =>
          compareInstants(a[0], b[0]) < 0 || (compareInstants(a[0], b[0]) === 0 && compareText(a[1], b[1]) < 0);
        for (const moved of result.members) {
          for (const skip of (moved.reason.skipped ?? []).filter((k) => k.why === 'full')) {
            const holders = result.members.filter((m) => m.source === 'rule' && m.reason.slot === skip.slot);
            for (const holder of holders) {
              expect(earlier(rank(holder.personId, skip.slot), rank(moved.personId, skip.slot))).toBe(true);
            }
          }
        }
      }),
    );
  });

  it('keeps the since of a member who stays in the slot; anyone new to a slot (or role) is in it since now', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const before = new Map(s.previous.members.map((m) => [m.personId, m]));
        for (const member of compute(s).members) {
          const was = before.get(member.personId);
          const stayed = was?.role === member.role && was.reason.slot === member.reason.slot;
          expect(member.since).toBe(stayed ? was.since : NOW);
        }
      }),
    );
  });

  it('is settled: recomputing later with nothing changed gives the same membership', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const result = compute(s);
        expect(compute({ ...s, previous: result }, LATER)).toEqual(result);
      }),
    );
  });
});
