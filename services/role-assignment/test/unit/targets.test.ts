import { describe, expect, it } from 'vitest';
import type { Cause } from '@bg/contracts';
import { addTarget, answeredInputs, mergeTargets, requestsOf, type RecomputeTarget } from '../../src/domain/targets';

const cause = (eventId: string, source = 'crm/test'): Cause => ({ eventId, eventType: 'person.upserted', source });
const target = (personIds: string[] | null, by: Cause, coalesced: Cause[] = []): RecomputeTarget => ({
  accountId: 'acme',
  solutionInterestId: 'si-x',
  personIds,
  cause: by,
  coalesced,
});

describe('mergeTargets', () => {
  it('folds requests into one: the people of both, caused by the later, listing the earlier', () => {
    const merged = mergeTargets(target(['p-1'], cause('e1')), target(['p-2', 'p-1'], cause('e2')));
    expect(merged).toMatchObject(target(['p-1', 'p-2'], cause('e2'), [cause('e1')]));
  });

  it('keeps each request with the people it named, in arrival order', () => {
    const merged = mergeTargets(
      mergeTargets(target(['p-1'], cause('e1'), [cause('e0')]), target(null, cause('e2'))),
      target(['p-3'], cause('e3')),
    );
    expect(requestsOf(merged)).toEqual([
      { causes: [cause('e0'), cause('e1')], personIds: ['p-1'] },
      { causes: [cause('e2')], personIds: null },
      { causes: [cause('e3')], personIds: ['p-3'] },
    ]);
    expect(requestsOf(target(['p-1'], cause('e1')))).toEqual([{ causes: [cause('e1')], personIds: ['p-1'] }]);
  });

  it('computes the whole group when either request asks for it', () => {
    expect(mergeTargets(target(null, cause('e1')), target(['p-2'], cause('e2'))).personIds).toBeNull();
    expect(mergeTargets(target(['p-1'], cause('e1')), target(null, cause('e2'))).personIds).toBeNull();
  });

  it('lists every folded input once, never the cause itself (the same event reaching a group twice)', () => {
    const merged = mergeTargets(
      target(['p-1'], cause('e1'), [cause('e0')]),
      target(['p-1'], cause('e2'), [cause('e1'), cause('e2')]),
    );
    expect(merged.coalesced).toEqual([cause('e0'), cause('e1')]);
  });

  it('tells inputs apart by source and id: another CRM’s event with the same id is folded in, not dropped', () => {
    const merged = mergeTargets(
      target(['p-1'], cause('evt-1', 'crm/salesforce')),
      target(['p-2'], cause('evt-1', 'crm/hubspot')),
    );
    expect(merged.cause).toEqual(cause('evt-1', 'crm/hubspot'));
    expect(merged.coalesced).toEqual([cause('evt-1', 'crm/salesforce')]);
  });
});

describe('addTarget', () => {
  it('keys requests by group: one per (account, solution interest)', () => {
    const targets = new Map<string, RecomputeTarget>();
    addTarget(targets, target(['p-1'], cause('e1')));
    addTarget(targets, { ...target(['p-2'], cause('e2')), solutionInterestId: 'si-y' });
    addTarget(targets, target(['p-3'], cause('e3')));
    expect([...targets.values()].map((t) => [t.solutionInterestId, t.personIds, t.cause.eventId])).toEqual([
      ['si-x', ['p-1', 'p-3'], 'e3'],
      ['si-y', ['p-2'], 'e2'],
    ]);
  });
});

describe('answeredInputs', () => {
  const folded = [target(['p-1'], cause('e1')), target(['p-2'], cause('e2')), target(['p-3'], cause('e3'))].reduce(
    (earlier: RecomputeTarget | undefined, later) => mergeTargets(earlier, later),
    undefined,
  )!;

  it('names the inputs whose people the version changed: the last of them the cause, the others coalesced', () => {
    expect(answeredInputs(folded, new Set(['p-1', 'p-2']))).toEqual({ cause: cause('e2'), coalesced: [cause('e1')] });
  });

  it('leaves out an input whose person it did not change (the other half of a change already answered)', () => {
    expect(answeredInputs(folded, new Set(['p-2']))).toEqual({ cause: cause('e2'), coalesced: [] });
    expect(answeredInputs(folded, new Set(['p-2', 'someone-displaced']))).toEqual({
      cause: cause('e2'),
      coalesced: [],
    });
  });

  it('names a request for the whole group whatever changed, and every input when none of their people changed', () => {
    const withWhole = mergeTargets(folded, target(null, cause('e4')));
    expect(answeredInputs(withWhole, new Set(['p-1']))).toEqual({ cause: cause('e4'), coalesced: [cause('e1')] });
    expect(answeredInputs(folded, new Set(['someone-else']))).toEqual({
      cause: cause('e3'),
      coalesced: [cause('e1'), cause('e2')],
    });
  });

  it('names what an input had folded in before with it', () => {
    const single = target(['p-1'], cause('e2'), [cause('e1')]);
    expect(answeredInputs(single, new Set(['p-1']))).toEqual({ cause: cause('e2'), coalesced: [cause('e1')] });
  });
});
