import { describe, expect, it } from 'vitest';
import { defaultEngagementStep, shouldEmitEngagementOnly } from '../../src/domain/group-snapshot';

describe('shouldEmitEngagementOnly', () => {
  it('emits when a re-score moved the group by at least the step (5 by default), up or down', () => {
    expect(defaultEngagementStep).toBe(5);
    expect(shouldEmitEngagementOnly(40, 45)).toBe(true);
    expect(shouldEmitEngagementOnly(40, 35)).toBe(true);
  });

  it('stays silent for a smaller move or none', () => {
    expect(shouldEmitEngagementOnly(40, 44)).toBe(false);
    expect(shouldEmitEngagementOnly(40, 36)).toBe(false);
    expect(shouldEmitEngagementOnly(40, 40)).toBe(false);
  });

  it('follows a configured step', () => {
    expect(shouldEmitEngagementOnly(40, 42, 2)).toBe(true);
    expect(shouldEmitEngagementOnly(40, 49, 10)).toBe(false);
  });

  it('emits when the score reaches 0 or 100, however small the move', () => {
    expect(shouldEmitEngagementOnly(3, 0)).toBe(true);
    expect(shouldEmitEngagementOnly(98, 100)).toBe(true);
    expect(shouldEmitEngagementOnly(0, 0)).toBe(false);
  });
});
