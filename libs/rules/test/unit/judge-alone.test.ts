import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applyMembershipDelta,
  canJudgeAlone,
  computeMembership,
  judgePerson,
  membershipDelta,
  type Candidate,
  type Membership,
} from '../../src/membership';
import type { MemberOverride } from '../../src/overrides';
import { EARLIER, NOW, candidate, slot, titleHas } from './fixtures';

/**
 * Work proportional to the change: re-judging only the person who changed must give exactly what a full computation
 * of the group gives, whenever `canJudgeAlone` says it may be used — for any template, people, edits and change.
 */

const words = ['CMO', 'CEO', 'VP', 'Director', 'Engineer', 'Analyst', 'Clerk'];
const roles = ['Decision Maker', 'Influencer', 'Practitioner', 'Champion'];

const slotArb = fc.record({
  role: fc.constantFrom(...roles),
  words: fc.subarray(words, { minLength: 1, maxLength: 3 }),
  maxMembers: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
});
const personArb = fc.record({
  title: fc.constantFrom(...words, 'Receptionist'),
  relationship: fc.constantFrom('employee', 'contractor'),
});
const overrideArb = (people: number) =>
  fc.record({
    person: fc.integer({ min: 0, max: people - 1 }),
    action: fc.constantFrom('add', 'remove'),
    source: fc.constantFrom('manual', 'import', 'ai'),
    role: fc.constantFrom(...roles),
  });

const scenarioArb = fc
  .record({
    slots: fc.array(slotArb, { minLength: 1, maxLength: 4 }),
    capped: fc.boolean(),
    people: fc.array(personArb, { minLength: 1, maxLength: 12 }),
  })
  .chain((base) =>
    fc.record({
      base: fc.constant(base),
      overrides: fc.array(overrideArb(base.people.length), { maxLength: 3 }),
      changed: fc.integer({ min: 0, max: base.people.length - 1 }),
      // The change: a new title, or the person leaves the group's people.
      next: fc.option(personArb, { nil: null }),
    }),
  );

const personId = (i: number) => `p-${String(i).padStart(2, '0')}`;
const asCandidate = (i: number, p: { title: string; relationship: string }): Candidate =>
  candidate(personId(i), { jobTitle: `Senior ${p.title}` }, p.relationship);
const rowsOf = (membership: Membership, id: string): Membership => ({
  members: membership.members.filter((m) => m.personId === id),
  removedMembers: membership.removedMembers.filter((r) => r.personId === id),
});

describe('judging one person alone', () => {
  it('gives what a full computation gives whenever canJudgeAlone allows it', () => {
    let judgedAlone = 0;
    fc.assert(
      fc.property(scenarioArb, ({ base, overrides: edits, changed, next }) => {
        const slots = base.slots.map((s) =>
          slot(s.role, titleHas(...s.words), { maxMembers: base.capped ? s.maxMembers : null }),
        );
        const overrides: MemberOverride[] = edits.map((e) =>
          e.action === 'add'
            ? { personId: personId(e.person), action: 'add', role: e.role, source: e.source, requestedAt: EARLIER }
            : { personId: personId(e.person), action: 'remove', role: null, source: e.source, requestedAt: EARLIER },
        );
        const before = base.people.map((p, i) => asCandidate(i, p));
        const previous = computeMembership({
          slots,
          candidates: before,
          previous: { members: [], removedMembers: [] },
          overrides,
          now: EARLIER,
        });
        const id = personId(changed);
        const after =
          next === null
            ? before.filter((c) => c.personId !== id)
            : before.map((c, i) => (i === changed ? asCandidate(i, next) : c));
        const full = computeMembership({ slots, candidates: after, previous, overrides, now: NOW });

        const alone = {
          slots,
          candidate: after.find((c) => c.personId === id),
          previous: rowsOf(previous, id),
          overrides: overrides.filter((o) => o.personId === id),
        };
        if (!base.capped) expect(canJudgeAlone(alone)).toBe(true);
        if (!canJudgeAlone(alone)) return;
        judgedAlone++;
        const judged = judgePerson({ ...alone, now: NOW });
        expect(applyMembershipDelta(previous, membershipDelta(alone.previous, judged))).toEqual(full);
      }),
      { numRuns: 2_000, seed: 20261130 },
    );
    // The property is not vacuous: most changes are judged alone.
    expect(judgedAlone).toBeGreaterThan(1_000);
  });
});
