import { describe, expect, it } from 'vitest';
import type { GroupExplicitSet } from '@bg/contracts';
import { applyExplicitSets } from '../../src/domain/journey';
import { noJourney, type GroupHeader } from '../../src/domain/group-state';

const header: GroupHeader = {
  accountId: 'acc-1',
  buyingGroupId: 'bg-1',
  solutionInterestId: 'si-x',
  name: 'G',
  status: 'active',
  membershipVersion: 1,
  slots: [],
  memberScope: 'account',
  ...noJourney,
};
const set = (eventId: string, minute: number, fields: Partial<GroupExplicitSet>): GroupExplicitSet => ({
  buyingGroupId: 'bg-1',
  accountId: 'acc-1',
  solutionInterestId: 'si-x',
  source: 'journey',
  requestedAt: `2026-11-26T10:0${minute}:00.000Z`,
  cause: { eventId, eventType: 'buying-group.stage.set' },
  ...fields,
});

describe('applyExplicitSets', () => {
  it('applies sets in order, each field only when newer than its last set', () => {
    const applied = applyExplicitSets(header, [
      set('a', 1, { stage: 'Evaluation' }),
      set('b', 2, { journeyStatus: 'nurture' }),
      set('c', 0, { stage: 'Awareness' }),
    ]);
    expect(applied?.group).toMatchObject({
      explicitStage: { name: 'Evaluation', source: 'journey' },
      stageSetAt: '2026-11-26T10:01:00.000Z',
      journeyStatus: 'nurture',
    });
    expect(applied?.causes.map((c) => c.eventId)).toEqual(['a', 'b']);
  });

  it('changes nothing on a redelivered set', () => {
    const once = applyExplicitSets(header, [set('a', 1, { journeyStatus: 'nurture' })])!.group;
    expect(applyExplicitSets(once, [set('a', 1, { journeyStatus: 'nurture' })])).toBeNull();
  });

  it('keeps an operator’s stage against a later journey set, and lets the operator hand it back', () => {
    const manual = applyExplicitSets(header, [set('m', 1, { stage: 'Decision', source: 'manual' })])!.group;
    expect(applyExplicitSets(manual, [set('j', 2, { stage: 'Awareness' })])!.group.explicitStage).toMatchObject({
      name: 'Decision',
      source: 'manual',
    });
    expect(
      applyExplicitSets(manual, [set('m2', 3, { stage: null, source: 'manual' })])!.group.explicitStage,
    ).toBeNull();
  });
});
