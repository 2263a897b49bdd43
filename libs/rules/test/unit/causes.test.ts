import { describe, expect, it } from 'vitest';
import { coalesce } from '../../src/causes';

const cause = (eventId: string, source = 'crm/test', eventType = 'person.upserted') => ({ eventId, eventType, source });

describe('coalesce', () => {
  it('takes the last cause and lists the others, oldest first', () => {
    expect(coalesce([{ cause: cause('e1') }, { cause: cause('e2') }], { cause: cause('e3') })).toEqual({
      cause: cause('e3'),
      coalesced: ['e1', 'e2'],
    });
  });

  it('keeps what the inputs had folded in themselves, each input once, never the cause', () => {
    const result = coalesce([{ cause: cause('e2'), coalesced: [cause('e1')] }, { cause: cause('e2') }], {
      cause: cause('e4'),
      coalesced: [cause('e3'), cause('e4')],
    });
    expect(result).toEqual({ cause: cause('e4'), coalesced: ['e1', 'e2', 'e3'] });
  });

  it('tells inputs apart by source and id: another CRM’s event with the cause’s id is listed, each CRM’s once', () => {
    const result = coalesce([{ cause: cause('evt-1', 'crm/salesforce') }, { cause: cause('evt-1', 'crm/hubspot') }], {
      cause: cause('evt-1', 'crm/hubspot'),
      coalesced: [cause('evt-1', 'crm/salesforce')],
    });
    expect(result).toEqual({ cause: cause('evt-1', 'crm/hubspot'), coalesced: ['evt-1'] });
  });

  it('has no coalesced list for a single input', () => {
    expect(coalesce([], { cause: cause('e1') })).toEqual({ cause: cause('e1'), coalesced: undefined });
  });
});
