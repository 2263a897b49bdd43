import { describe, expect, it } from 'vitest';
import { nextMissingRoles, sameRoles, statusAfterChange, wantsAudience } from '../../src/domain/audience-membership';

describe('audience membership from missing roles', () => {
  it('keeps the missing roles as a set, so repeated events change nothing', () => {
    const once = nextMissingRoles([], 'missing', 'Decision Maker');
    const twice = nextMissingRoles(once, 'missing', 'Decision Maker');
    expect(twice).toEqual(['Decision Maker']);
    expect(sameRoles(once, twice)).toBe(true);
    expect(nextMissingRoles(['Influencer'], 'filled', 'Decision Maker')).toEqual(['Influencer']);
  });

  it('keeps the account in the audience until every missing role is filled', () => {
    let roles = nextMissingRoles([], 'missing', 'Decision Maker');
    roles = nextMissingRoles(roles, 'missing', 'Influencer');
    roles = nextMissingRoles(roles, 'filled', 'Decision Maker');
    expect(wantsAudience(roles)).toBe(true);
    roles = nextMissingRoles(roles, 'filled', 'Influencer');
    expect(wantsAudience(roles)).toBe(false);
  });

  it('arms a sync when the wish differs from what the audience holds, and not otherwise', () => {
    expect(statusAfterChange('in-sync', ['Decision Maker'], false)).toBe('pending');
    expect(statusAfterChange('in-sync', ['Decision Maker', 'Influencer'], true)).toBe('in-sync');
    expect(statusAfterChange('pending', [], false)).toBe('in-sync');
    expect(statusAfterChange('parked', [], true)).toBe('pending');
  });

  it('leaves a running sync to the worker, which compares wish and result when it finishes', () => {
    expect(statusAfterChange('running', [], false)).toBe('running');
  });
});
