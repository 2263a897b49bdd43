import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeCompleteness, missingRoles } from '../../src/domain/completeness';
import { member, slot } from './fixtures';

/**
 * Completeness (PRODUCT.md): each slot scores min(assigned / minMembers, 1), the group the mean over the required slots
 * (over all when none is required), rounded half up — checked against an exact rational characterisation over
 * generated templates and fills.
 */

const roles = ['Decision Maker', 'Influencer', 'Practitioner', 'Champion', 'Executive Sponsor'];

/** Distinct roles (so a member's role names one slot), each with its minMembers, required flag and fill. */
const groupArb = fc
  .uniqueArray(
    fc.record({
      role: fc.constantFrom(...roles),
      required: fc.boolean(),
      minMembers: fc.integer({ min: 1, max: 7 }),
      assigned: fc.integer({ min: 0, max: 9 }),
    }),
    { minLength: 1, maxLength: 5, selector: (s) => s.role },
  )
  .map((defs) => ({
    defs,
    slots: defs.map((d) => slot(d.role, { required: d.required, minMembers: d.minMembers })),
    members: defs.flatMap((d, index) =>
      Array.from({ length: d.assigned }, (_, i) => member(`p-${index}-${i}`, d.role, index)),
    ),
  }));

describe('completeness (properties)', () => {
  it('is an integer from 0 to 100, for the group and each slot', () => {
    fc.assert(
      fc.property(groupArb, ({ slots, members }) => {
        const result = computeCompleteness(slots, members);
        for (const score of [result.score, ...result.slots.map((s) => s.score)]) {
          expect(Number.isInteger(score)).toBe(true);
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(100);
        }
      }),
    );
  });

  it('is the exact mean fill of the counted slots, rounded half up (x.5 always goes up)', () => {
    fc.assert(
      fc.property(groupArb, ({ defs, slots, members }) => {
        const counted = defs.some((d) => d.required) ? defs.filter((d) => d.required) : defs;
        // percent = 100 × Σ min(a, m)/m / n as numerator / denominator, in integers.
        const denominator = counted.reduce((product, d) => product * BigInt(d.minMembers), 1n);
        const numerator = counted.reduce(
          (sum, d) => sum + (BigInt(Math.min(d.assigned, d.minMembers)) * denominator) / BigInt(d.minMembers),
          0n,
        );
        const scale = denominator * BigInt(counted.length);
        const score = BigInt(computeCompleteness(slots, members).score);
        // Half up: score ≤ percent + 1/2 < score + 1.
        expect(2n * score * scale <= 200n * numerator + scale).toBe(true);
        expect(200n * numerator + scale < 2n * (score + 1n) * scale).toBe(true);
      }),
    );
  });

  it('never falls when a slot gains a member; is 100 when every counted slot is full, 0 when none has anyone', () => {
    fc.assert(
      fc.property(groupArb, fc.nat(), ({ defs, slots, members }, pick) => {
        const before = computeCompleteness(slots, members);
        const index = pick % slots.length;
        const after = computeCompleteness(slots, [...members, member('p-new', slots[index]!.role, index)]);
        expect(after.score).toBeGreaterThanOrEqual(before.score);
        after.slots.forEach((s, i) => expect(s.score).toBeGreaterThanOrEqual(before.slots[i]!.score));
        const counted = defs.some((d) => d.required) ? defs.filter((d) => d.required) : defs;
        if (counted.every((d) => d.assigned >= d.minMembers)) expect(before.score).toBe(100);
        if (counted.every((d) => d.assigned === 0)) expect(before.score).toBe(0);
      }),
    );
  });

  it('names as missing exactly the required slots below their minMembers', () => {
    fc.assert(
      fc.property(groupArb, ({ defs, slots, members }) => {
        const result = computeCompleteness(slots, members);
        expect(missingRoles(result, slots)).toEqual(
          defs.filter((d) => d.required && d.assigned < d.minMembers).map((d) => d.role),
        );
      }),
    );
  });
});
