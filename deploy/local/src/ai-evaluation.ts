import type { RoleSlot } from '@bg/contracts';
import {
  generateSlots,
  loadPredictor,
  placeBySlots,
  scoreRoles,
  splitByAccount,
  trainClassifier,
  trainingExamples,
  type Example,
  type RoleScore,
} from '@bg/ai';
import { demoRoleTemplate } from './demo-dataset';
import { syntheticCrm } from './synthetic-won-deals';

export type Evaluation = {
  train: { opportunities: number; people: number };
  test: { opportunities: number; people: number };
  slots: RoleSlot[];
  rules: { roles: RoleScore[]; macroF1: number | null };
  suggestions: { roles: RoleScore[]; macroF1: number | null; suggested: number };
  baseline: { roles: RoleScore[]; macroF1: number | null };
  millis: { training: number };
};

/**
 * The AI evaluation: a synthetic CRM's won deals split by account into train and test; on the test people (judged
 * against their true roles), (a) the generated template's rules, (b) those rules plus the model's member suggestions
 * for the people the rules leave out, and the baseline, the hand-written demo template.
 */
export function evaluateAi(options: {
  seed: number;
  accounts: number;
  minSupport: number;
  minConfidence: number;
}): Evaluation {
  const now = '2026-11-30T00:00:00.000Z';
  const crm = syntheticCrm({ seed: options.seed, accounts: options.accounts, now });
  const people = new Map(crm.persons.map((p) => [p.personId, p]));
  const examples = trainingExamples(crm.opportunities, people, { now, lookbackDays: 540 });
  const { train, test } = splitByAccount(examples);
  const started = performance.now();
  const classifier = trainClassifier(train);
  if (!classifier) throw new Error('the synthetic CRM is too small to learn from');
  const slots = generateSlots(train, examples, { minSupport: options.minSupport, lexicon: classifier.lexicon }).map(
    (g) => g.slot,
  );
  const training = performance.now() - started;
  const predict = loadPredictor(classifier);
  // Each test person once, judged against their true role (the deals' roles carry noise).
  const testPeople = uniqueBy(test, (e) => e.personId);
  const truth = (e: Example) => crm.truth.get(e.personId)!;
  const roles = [...new Set(crm.truth.values())].sort();
  const byRules = testPeople.map((e) => ({ actual: truth(e), predicted: placeBySlots(slots, e) }));
  let suggested = 0;
  const withSuggestions = testPeople.map((e, i) => {
    const ruled = byRules[i]!.predicted;
    if (ruled !== null) return byRules[i]!;
    const prediction = predict(e.person);
    const usable =
      prediction && prediction.confidence >= options.minConfidence && slots.some((s) => s.role === prediction.role);
    if (usable) suggested += 1;
    return { actual: truth(e), predicted: usable ? prediction.role : null };
  });
  const baseline = testPeople.map((e) => ({
    actual: truth(e),
    predicted: placeBySlots(demoRoleTemplate.slots as RoleSlot[], e),
  }));
  return {
    train: { opportunities: new Set(train.map((e) => e.opportunityId)).size, people: train.length },
    test: { opportunities: new Set(test.map((e) => e.opportunityId)).size, people: testPeople.length },
    slots,
    rules: scoreRoles(byRules, roles),
    suggestions: { ...scoreRoles(withSuggestions, roles), suggested },
    baseline: scoreRoles(baseline, roles),
    millis: { training: Math.round(training) },
  };
}

/** The evaluation as a table: per role, precision / recall / F1 of each method. */
export function evaluationTable(evaluation: Evaluation): string {
  const cell = (s: RoleScore | undefined) =>
    s ? [s.precision, s.recall, s.f1].map((v) => (v === null ? '  –  ' : v.toFixed(2).padStart(5))).join(' ') : '';
  const methods = [
    ['(a) generated rules', evaluation.rules],
    ['(b) rules + suggestions', evaluation.suggestions],
    ['baseline: demo template', evaluation.baseline],
  ] as const;
  const roles = evaluation.rules.roles.map((r) => r.role);
  const lines = [
    `${'role'.padEnd(18)} ${'people'.padStart(6)}  ${methods.map(([name]) => name.padEnd(17)).join('  ')}`,
    `${''.padEnd(18)} ${''.padStart(6)}  ${methods.map(() => '    P     R    F1').join('  ')}`,
  ];
  for (const role of roles) {
    const actual = evaluation.rules.roles.find((r) => r.role === role)!.actual;
    lines.push(
      `${role.padEnd(18)} ${String(actual).padStart(6)}  ${methods.map(([, m]) => cell(m.roles.find((r) => r.role === role))).join('  ')}`,
    );
  }
  const macro = (v: number | null) => (v === null ? '–' : v.toFixed(3));
  lines.push(
    `${'macro-F1'.padEnd(18)} ${''.padStart(6)}  ${methods.map(([, m]) => macro(m.macroF1).padStart(17)).join('  ')}`,
  );
  return lines.join('\n');
}

function uniqueBy<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [keyOf(item), item])).values()];
}
