import { describe, expect, it } from 'vitest';
import { groupSubject, judgeStage, setExplicitStage, type GroupStageModel } from '../../src';

const model: GroupStageModel = {
  id: 'sm-1',
  name: 'Funnel',
  stages: [
    { name: 'Awareness' },
    { name: 'Evaluation', when: { field: 'completeness', op: 'gte', value: 50 } },
    {
      name: 'Decision',
      when: {
        all: [
          { field: 'missingRoleCount', op: 'eq', value: 0 },
          { field: 'engagement', op: 'gt', value: 20 },
        ],
      },
    },
  ],
};
const fields = (completeness: number, missingRoleCount = 1, engagement = 0) =>
  groupSubject({ completeness, engagement, memberCount: 2, missingRoleCount });
const t0 = '2026-11-26T10:00:00.000Z';
const t1 = '2026-11-26T11:00:00.000Z';

describe('judgeStage', () => {
  it('gives no stage without a stage model', () => {
    expect(judgeStage(null, null, fields(100), null, t0)).toBeNull();
  });

  it('puts a group by rule in the last stage whose condition holds, a stage without one always holding', () => {
    expect(judgeStage(model, null, fields(49), null, t0)).toEqual({
      model: 'sm-1',
      name: 'Awareness',
      index: 0,
      source: 'rule',
      since: t0,
    });
    expect(judgeStage(model, null, fields(50), null, t0)).toMatchObject({ name: 'Evaluation', index: 1 });
    // The last stage that holds wins, even over a later-listed one that does not.
    expect(judgeStage(model, null, fields(30, 0, 50), null, t0)).toMatchObject({ name: 'Decision', index: 2 });
  });

  it('gives no stage when no stage holds', () => {
    const strict: GroupStageModel = {
      ...model,
      stages: [{ name: 'Won', when: { field: 'completeness', op: 'eq', value: 100 } }],
    };
    expect(judgeStage(strict, null, fields(99), null, t0)).toBeNull();
  });

  it('reads no opportunity as a count of 0 and a missing opportunityStage', () => {
    const opportunity: GroupStageModel = {
      ...model,
      stages: [
        { name: 'Open', when: { field: 'openOpportunityCount', op: 'gt', value: 0 } },
        { name: 'None', when: { field: 'opportunityStage', op: 'notExists' } },
      ],
    };
    expect(judgeStage(opportunity, null, fields(0), null, t0)).toMatchObject({ name: 'None' });
  });

  it('keeps `since` while the stage stays, and restarts it on entering another', () => {
    const first = judgeStage(model, null, fields(60), null, t0)!;
    expect(judgeStage(model, null, fields(70), first, t1)!.since).toBe(t0);
    expect(judgeStage(model, null, fields(10), first, t1)).toMatchObject({ name: 'Awareness', since: t1 });
  });

  it('lets an explicit stage win over the rule, unless the model no longer has it', () => {
    const explicit = { name: 'Awareness', source: 'journey' as const, since: t0 };
    expect(judgeStage(model, explicit, fields(100, 0, 50), null, t1)).toMatchObject({
      name: 'Awareness',
      index: 0,
      source: 'journey',
    });
    expect(judgeStage(model, { ...explicit, name: 'Gone' }, fields(60), null, t1)).toMatchObject({
      name: 'Evaluation',
      source: 'rule',
    });
  });
});

describe('setExplicitStage', () => {
  const journey = { name: 'Evaluation', source: 'journey' as const, since: t0 };
  const manual = { name: 'Decision', source: 'manual' as const, since: t0 };

  it('sets, replaces and hands back (null) a stage', () => {
    expect(setExplicitStage(null, { name: 'Evaluation', source: 'journey', at: t0 })).toEqual(journey);
    expect(setExplicitStage(journey, { name: 'Decision', source: 'journey', at: t1 })).toMatchObject({
      name: 'Decision',
    });
    expect(setExplicitStage(journey, { name: null, source: 'journey', at: t1 })).toBeNull();
  });

  it('never lets a journey override or clear an operator’s stage (manual > journey)', () => {
    expect(setExplicitStage(manual, { name: 'Awareness', source: 'journey', at: t1 })).toBe(manual);
    expect(setExplicitStage(manual, { name: null, source: 'journey', at: t1 })).toBe(manual);
    expect(setExplicitStage(journey, { name: null, source: 'manual', at: t1 })).toBeNull();
  });
});

describe('groupSubject', () => {
  const scores = { completeness: 50, engagement: 10, memberCount: 2, missingRoleCount: 1 };
  const opportunity = (opportunityId: string, stage: 'open' | 'won' | 'lost', updatedAt: string) => ({
    opportunityId,
    stage,
    updatedAt,
  });

  it('counts the open opportunities and reads the stage of the most recently updated one', () => {
    const subject = groupSubject(scores, {
      opportunities: [
        opportunity('o-1', 'open', '2026-11-01T00:00:00.000Z'),
        opportunity('o-2', 'won', '2026-11-20T00:00:00.000Z'),
        opportunity('o-3', 'open', '2026-11-10T00:00:00.000Z'),
      ],
      lastActivityAt: null,
    });
    expect(subject).toMatchObject({ openOpportunityCount: 2, opportunityStage: 'won' });
  });

  it('breaks a tie of update times by opportunity id, whatever the order given', () => {
    const at = '2026-11-01T00:00:00.000Z';
    const a = [opportunity('o-a', 'lost', at), opportunity('o-b', 'open', at)];
    expect(groupSubject(scores, { opportunities: a, lastActivityAt: null }).opportunityStage).toBe('open');
    expect(groupSubject(scores, { opportunities: [...a].reverse(), lastActivityAt: null }).opportunityStage).toBe(
      'open',
    );
  });

  it('gives whole days since the last activity, and none without an activity', () => {
    const facts = { opportunities: [], lastActivityAt: '2026-11-20T12:00:00.000Z' };
    expect(groupSubject(scores, facts, '2026-11-23T11:59:59.000Z').daysSinceLastActivity).toBe(2);
    expect(groupSubject(scores, facts, '2026-11-23T12:00:00.000Z').daysSinceLastActivity).toBe(3);
    expect(groupSubject(scores, { opportunities: [], lastActivityAt: null }, t0)).not.toHaveProperty(
      'daysSinceLastActivity',
    );
  });

  it('lets a stage move on when a deal is won', () => {
    const deal: GroupStageModel = {
      id: 'sm-deal',
      name: 'Deal',
      stages: [
        { name: 'Prospect' },
        { name: 'Pipeline', when: { field: 'openOpportunityCount', op: 'gte', value: 1 } },
        { name: 'Customer', when: { field: 'opportunityStage', op: 'eq', value: 'won' } },
      ],
    };
    const open = { opportunities: [opportunity('o-1', 'open', t0)], lastActivityAt: null };
    const won = { opportunities: [opportunity('o-1', 'won', t1)], lastActivityAt: null };
    expect(judgeStage(deal, null, groupSubject(scores, open), null, t0)).toMatchObject({ name: 'Pipeline' });
    expect(judgeStage(deal, null, groupSubject(scores, won), null, t1)).toMatchObject({ name: 'Customer' });
  });
});
