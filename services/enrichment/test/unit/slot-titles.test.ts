import { describe, expect, it } from 'vitest';
import { titlesForSlot } from '../../src/domain/slot-titles';

describe('titles to search for a slot', () => {
  it('takes the values of every positive jobTitle predicate, anywhere in the tree, once each', () => {
    const titles = titlesForSlot({
      all: [
        { field: 'jobTitle', op: 'containsAny', value: ['CISO', 'Chief Information Security Officer'] },
        {
          any: [
            { field: 'jobTitle', op: 'eq', value: 'VP Security' },
            { field: 'jobTitle', op: 'hasAnyWord', value: ['ciso', '  Head   of Security '] },
            { field: 'jobTitle', op: 'startsWith', value: 'Director' },
          ],
        },
        { field: 'relationship', op: 'eq', value: 'employee' },
      ],
    });
    expect(titles).toEqual([
      'CISO',
      'Chief Information Security Officer',
      'VP Security',
      'Head of Security',
      'Director',
    ]);
  });

  it('ignores titles a person must not have, other fields and non-text values', () => {
    const titles = titlesForSlot({
      any: [
        { field: 'jobTitle', op: 'notIn', value: ['Intern'] },
        { field: 'jobTitle', op: 'neq', value: 'Assistant' },
        { field: 'jobTitle', op: 'exists' },
        { field: 'seniority', op: 'in', value: ['C-Level'] },
        { field: 'jobTitle', op: 'in', value: ['CTO', 42, ''] },
      ],
    });
    expect(titles).toEqual(['CTO']);
  });

  it('is empty when the slot says nothing about titles', () => {
    expect(titlesForSlot({ field: 'seniority', op: 'eq', value: 'VP' })).toEqual([]);
  });
});
