import { describe, expect, it } from 'vitest';
import { coalesce } from '../../src/causes';

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
