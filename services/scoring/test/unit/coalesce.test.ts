import { describe, expect, it } from 'vitest';
import { coalesce, foldGroupInputs, isStaleInput, withCause } from '../../src/domain/coalesce';
import { member, recomputed } from './fixtures';

const cause = (eventId: string, eventType = 'person.upserted') => ({ eventId, eventType });

describe('coalesce', () => {
  it('takes the last cause and lists the others, oldest first', () => {
    expect(coalesce([{ cause: cause('e1') }, { cause: cause('e2') }], { cause: cause('e3') })).toEqual({
      cause: cause('e3'),
      coalesced: ['e1', 'e2'],
    });
  });

  it('keeps what the inputs had folded in themselves, each id once, never the cause', () => {
    const result = coalesce([{ cause: cause('e2'), coalesced: ['e1'] }, { cause: cause('e2') }], {
      cause: cause('e4'),
      coalesced: ['e3', 'e4'],
    });
    expect(result).toEqual({ cause: cause('e4'), coalesced: ['e1', 'e2', 'e3'] });
  });

  it('has no coalesced list for a single input', () => {
    expect(coalesce([], { cause: cause('e1') })).toEqual({ cause: cause('e1'), coalesced: undefined });
  });
});

describe('withCause', () => {
  it('replaces the cause and drops the coalesced ids of the membership change', () => {
    const input = recomputed({ coalesced: ['e0'] });
    const rescored = withCause(input, { cause: cause('rescore:x', 'engagement.rescored'), coalesced: undefined });
    expect(rescored.cause).toEqual(cause('rescore:x', 'engagement.rescored'));
    expect(rescored).not.toHaveProperty('coalesced');
    expect(withCause(input, { cause: cause('a2'), coalesced: ['a1'] }).coalesced).toEqual(['a1']);
  });
});

describe('foldGroupInputs', () => {
  it('folds a burst for one group into its last input, caused by the last and listing the others', () => {
    const inputs = [
      recomputed({ membershipVersion: 1, cause: cause('e1') }),
      recomputed({ membershipVersion: 2, cause: cause('e2'), members: [member('p-1', 'Decision Maker', 0)] }),
      recomputed({ membershipVersion: 3, cause: cause('e3'), members: [member('p-2', 'Influencer', 1)] }),
    ];
    const [folded, ...others] = foldGroupInputs(inputs);
    expect(others).toEqual([]);
    expect(folded).toEqual({ ...inputs[2], coalesced: ['e1', 'e2'] });
  });

  it('keeps groups apart', () => {
    const folded = foldGroupInputs([
      recomputed({ buyingGroupId: 'bg-1', cause: cause('e1') }),
      recomputed({ buyingGroupId: 'bg-2', cause: cause('e2') }),
      recomputed({ buyingGroupId: 'bg-1', cause: cause('e3') }),
    ]);
    expect(folded.map((input) => [input.buyingGroupId, input.cause.eventId, input.coalesced])).toEqual([
      ['bg-1', 'e3', ['e1']],
      ['bg-2', 'e2', undefined],
    ]);
  });

  it('lets the newest membership win over one that arrived after it', () => {
    const newest = recomputed({ membershipVersion: 5, cause: cause('e5'), name: 'newest' });
    const [folded] = foldGroupInputs([newest, recomputed({ membershipVersion: 4, cause: cause('e4'), name: 'older' })]);
    expect(folded).toMatchObject({ name: 'newest', cause: cause('e5'), coalesced: ['e4'] });
  });
});

describe('isStaleInput', () => {
  it('ignores a membership older than the stored one, applies an equal or newer one', () => {
    expect(isStaleInput({ membershipVersion: 3 }, 4)).toBe(true);
    expect(isStaleInput({ membershipVersion: 4 }, 4)).toBe(false);
    expect(isStaleInput({ membershipVersion: 5 }, 4)).toBe(false);
    expect(isStaleInput({ membershipVersion: 1 }, null)).toBe(false);
  });
});
