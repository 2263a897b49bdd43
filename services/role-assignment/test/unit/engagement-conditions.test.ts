import { describe, expect, it } from 'vitest';
import type { RoleSlot } from '@bg/contracts';
import { readsEngagement } from '../../src/domain/engagement-conditions';

const slot = (conditions: RoleSlot['conditions']): RoleSlot => ({
  role: 'Champion',
  weight: 60,
  required: false,
  minMembers: 1,
  maxMembers: null,
  conditions,
});
const interest = (slots: RoleSlot[]) => ({ template: { id: 'rt', version: 1, name: 'T', slots } });

describe('readsEngagement', () => {
  it('tells the templates whose slots place people by engagementScore: only their groups re-judge on a score', () => {
    const byTitle = slot({ field: 'jobTitle', op: 'exists' });
    const byEngagement = slot({
      any: [
        { field: 'jobTitle', op: 'eq', value: 'CMO' },
        { field: 'engagementScore', op: 'gte', value: 40 },
      ],
    });
    expect(readsEngagement(interest([byTitle]))).toBe(false);
    expect(readsEngagement(interest([byTitle, byEngagement]))).toBe(true);
  });
});
