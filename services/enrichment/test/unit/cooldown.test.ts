import { describe, expect, it } from 'vitest';
import { inCooldown } from '../../src/domain/cooldown';

const day = 24 * 60 * 60_000;
const now = Date.parse('2026-11-26T10:00:00Z');

describe('lookup cool-down', () => {
  it('allows the first lookup of a slot', () => {
    expect(inCooldown(null, now, day)).toBe(false);
  });

  it('refuses a second lookup within the cool-down and allows it once the cool-down has passed', () => {
    expect(inCooldown(new Date(now - day + 1), now, day)).toBe(true);
    expect(inCooldown(new Date(now - day), now, day)).toBe(false);
  });

  it('a zero cool-down never refuses', () => {
    expect(inCooldown(new Date(now), now, 0)).toBe(false);
  });
});
