import { describe, expect, it } from 'vitest';
import { computeMembership, personSubject } from '@bg/rules';
import {
  buildLexicon,
  conceptOf,
  correctTypo,
  featuresOf,
  createNormaliser,
  generateTemplate,
  isTooLittle,
  loadPredictor,
  placeBySlots,
  scoreRoles,
  suggesterFor,
  trainClassifier,
  trainModel,
  trainingExamples,
  type Example,
} from '../../src';

const now = '2026-11-30T00:00:00.000Z';
const titles: Record<string, string[]> = {
  'Decision Maker': ['Chief Technology Officer', 'CTO', 'Chief Information Officer', 'CIO'],
  Influencer: ['VP Engineering', 'Vice President, Engineering', 'VP of Engineering', 'Head of Engineering'],
  Practitioner: ['Software Engineer', 'Senior Software Engineer', 'Software Developer', 'Platform Engineer'],
};
const seniorityOf: Record<string, string> = { 'Decision Maker': 'C-Level', Influencer: 'VP', Practitioner: 'IC' };

/** Forty accounts, one won deal each, a person per role and title spelling. */
function examples(): Example[] {
  return Array.from({ length: 40 }, (_, a) =>
    Object.entries(titles).map(([role, list]) => ({
      opportunityId: `o-${a}`,
      accountId: `a-${a}`,
      personId: `p-${a}-${role}`,
      role,
      person: { jobTitle: list[a % list.length]!, department: 'Engineering', seniority: seniorityOf[role]! },
    })),
  ).flat();
}

describe('normalisation', () => {
  const lexicon = buildLexicon(['Software Engineer', 'Software Engineer', 'Software Engineer', 'Marketing Manager']);
  it('spells out abbreviations, so that "VP" and "Vice President" mean the same', () => {
    expect(conceptOf('vp', lexicon)).toEqual(conceptOf('vice', lexicon).concat(conceptOf('president', lexicon)));
    expect(conceptOf('mgr', lexicon)).toEqual(conceptOf('manager', lexicon));
  });
  it('corrects a typo to the nearest known word, but not a short word', () => {
    expect(correctTypo('sofware', lexicon)).toBe('software');
    expect(correctTypo('enigneer', lexicon)).toBe('engineer');
    expect(correctTypo('cdo', lexicon)).toBe('cdo');
  });
  it('gives the same features whatever the case and punctuation', () => {
    const normalise = createNormaliser(lexicon);
    const a = featuresOf({ jobTitle: 'Sr. Software Eng.' }, normalise);
    const b = featuresOf({ jobTitle: 'senior software engineer' }, normalise);
    expect([...a.keys()]).toEqual([...b.keys()]);
  });
});

describe('training set', () => {
  it('takes the contact roles of won deals closed in the window, of people the CRM has', () => {
    const deal = (id: string, stage: 'won' | 'lost', closedAt: string) => ({
      opportunityId: id,
      accountId: 'a',
      stage,
      closedAt,
      contactRoles: [
        { personId: 'p1', role: 'Decision Maker' },
        { personId: 'gone', role: 'Influencer' },
      ],
      updatedAt: closedAt,
    });
    const people = new Map([['p1', { jobTitle: 'CTO' }]]);
    const set = trainingExamples(
      [
        deal('won-recent', 'won', '2026-10-01T00:00:00Z'),
        deal('lost', 'lost', '2026-10-01T00:00:00Z'),
        deal('won-old', 'won', '2020-01-01T00:00:00Z'),
      ],
      people,
      { now, lookbackDays: 540 },
    );
    expect(set.map((e) => [e.opportunityId, e.personId, e.role])).toEqual([['won-recent', 'p1', 'Decision Maker']]);
  });

  it('takes only one solution interest’s deals when asked to', () => {
    const deal = (id: string, solutionInterestId: string | null) => ({
      opportunityId: id,
      accountId: 'a',
      solutionInterestId,
      stage: 'won' as const,
      closedAt: '2026-10-01T00:00:00Z',
      contactRoles: [{ personId: 'p1', role: 'Decision Maker' }],
      updatedAt: '2026-10-01T00:00:00Z',
    });
    const people = new Map([['p1', { jobTitle: 'CTO' }]]);
    const deals = [deal('x', 'si-x'), deal('y', 'si-y'), deal('none', null)];
    const window = { now, lookbackDays: 540 };
    expect(
      trainingExamples(deals, people, { ...window, solutionInterestId: 'si-x' }).map((e) => e.opportunityId),
    ).toEqual(['x']);
    expect(trainingExamples(deals, people, window)).toHaveLength(3);
  });
});

describe('model', () => {
  it('predicts a misspelt title with confidence, naming the features that drove it; the same data, the same version', () => {
    const model = trainModel(examples(), { now, lookbackDays: 540 })!;
    expect(model.version).toBe(trainModel(examples(), { now, lookbackDays: 540 })!.version);
    const prediction = loadPredictor(model.classifier)({ jobTitle: 'Sofware Enginer' });
    expect(prediction?.role).toBe('Practitioner');
    expect(prediction!.confidence).toBeGreaterThan(0.8);
    expect(prediction!.because.map((b) => b.value)).toContain('sofware');
  });

  it('says how much data there is and how much is needed when it is too little', () => {
    const result = generateTemplate(examples().slice(0, 9), { now, lookbackDays: 540 }, { minSupport: 2 });
    expect(isTooLittle(result) && result.have.opportunities).toBe(3);
    expect(isTooLittle(result) && result.need.opportunities).toBe(10);
  });
});

describe('generated template', () => {
  const result = generateTemplate(examples(), { now, lookbackDays: 540 }, { minSupport: 3 });
  if (isTooLittle(result)) throw new Error('expected a template');

  it('has one readable slot per role, short keyword lists, ordered and weighted by won deals', () => {
    expect(result.slots.map((s) => s.role)).toEqual(['Decision Maker', 'Influencer', 'Practitioner']);
    expect(result.slots.every((s) => s.required && s.weight === 100)).toBe(true);
    const keywords = JSON.stringify(result.slots).match(/"value":\[[^\]]*\]/g) ?? [];
    expect(keywords.every((list) => list.split(',').length <= 24)).toBe(true);
  });

  it('is evaluated by the rule engine as people would be placed, and places held-out deals right', () => {
    for (const example of examples()) expect(placeBySlots(result.slots, example)).toBe(example.role);
    for (const slot of result.justification.slots) {
      expect(slot.precision).toBe(1);
      expect(slot.recall).toBe(1);
      for (const p of slot.predicates) expect(p.confidence).toBeGreaterThan(0.5);
    }
  });
});

describe('suggested members', () => {
  it('are people no rule places, with source ai, the model and its confidence; rule members stay rule members', () => {
    const classifier = trainClassifier(examples())!;
    const suggest = suggesterFor(loadPredictor(classifier), 'nb1-test', 0.7);
    const slots = [
      { role: 'Decision Maker', conditions: { field: 'jobTitle', op: 'hasAnyWord' as const, value: ['CTO'] } },
      { role: 'Practitioner', conditions: { field: 'jobTitle', op: 'hasAnyWord' as const, value: ['Nobody'] } },
    ];
    const membership = computeMembership({
      slots,
      candidates: [
        { personId: 'cto', subject: personSubject({ jobTitle: 'CTO' }, 'employee') },
        { personId: 'eng', subject: personSubject({ jobTitle: 'Sofware Enginer' }, 'employee') },
      ],
      previous: { members: [], removedMembers: [] },
      overrides: [],
      now,
      suggest,
    });
    expect(membership.members.map((m) => [m.personId, m.role, m.source])).toEqual([
      ['cto', 'Decision Maker', 'rule'],
      ['eng', 'Practitioner', 'ai'],
    ]);
    expect(membership.members[1]!.reason).toMatchObject({ slot: 1, model: 'nb1-test' });
    expect(membership.members[1]!.reason.confidence).toBeGreaterThanOrEqual(0.7);
  });
});

describe('metrics', () => {
  it('gives per-role precision, recall and F1, and the macro-F1 over roles present', () => {
    const scores = scoreRoles(
      [
        { actual: 'A', predicted: 'A' },
        { actual: 'A', predicted: null },
        { actual: 'B', predicted: 'A' },
      ],
      ['A', 'B'],
    );
    expect(scores.roles[0]).toMatchObject({ role: 'A', precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(scores.roles[1]).toMatchObject({ role: 'B', precision: null, recall: 0, f1: null });
    expect(scores.macroF1).toBe(0.25);
  });
});
