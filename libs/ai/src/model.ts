import type { RoleSlot } from '@bg/contracts';
import { loadPredictor, trainClassifier, versionOf, type RoleClassifier, type RolePredictor } from './classifier';
import { scoreRoles } from './metrics';
import { generateSlots, placeBySlots, type PredicateJustification } from './template';
import { splitByAccount, windowBounds, type Example, type TrainingWindow } from './training-set';

/** Below this there is nothing worth learning: the 422 of CONTRACT.md §8 says how much there is and how much is needed. */
export const minimumData = { opportunities: 10, people: 20 } as const;

export type TrainedOn = { opportunities: number; people: number; from: string; to: string };
export type RoleQuality = { role: string; people: number; precision: number | null; recall: number | null };

/** The current model (GET /v1/ai/model): what it learnt from and how well it predicts deals it did not see. */
export type ModelSummary = { version: string; trainedAt: string; trainedOn: TrainedOn; roles: RoleQuality[] };

/** A trained model: its summary and the classifier that predicts with it (sent to role-assignment). */
export type TrainedModel = ModelSummary & { classifier: RoleClassifier };

export type TooLittleData = {
  have: { opportunities: number; people: number; roles: number };
  need: { opportunities: number; people: number; roles: number };
};

/** What the data lacks for learning, or null when there is enough. */
export function tooLittleData(examples: readonly Example[]): TooLittleData | null {
  const have = countsOf(examples);
  const need = { ...minimumData, roles: 2 };
  return have.opportunities < need.opportunities || have.people < need.people || have.roles < need.roles
    ? { have, need }
    : null;
}

/**
 * Trains the model on every example, and measures it by training the same way on the deals of three accounts in four
 * and predicting the fourth's (held out by account). Null when the data is too little.
 */
export function trainModel(examples: readonly Example[], window: TrainingWindow): TrainedModel | null {
  if (tooLittleData(examples)) return null;
  const classifier = trainClassifier(examples);
  if (!classifier) return null;
  const { train, test } = splitByAccount(examples);
  const measured = train.length > 0 && test.length > 0 ? trainClassifier(train) : null;
  const predict = measured ? loadPredictor(measured) : null;
  const roles = [...new Set(examples.map((e) => e.role))].sort();
  const scores = scoreRoles(
    predict ? test.map((e) => ({ actual: e.role, predicted: predict(e.person)?.role ?? null })) : [],
    roles,
  );
  const trainedOn = trainedOnOf(examples, window);
  return {
    version: versionOf(classifier, trainedOn),
    trainedAt: window.now,
    trainedOn,
    roles: scores.roles.map((s) => ({
      role: s.role,
      people: examples.filter((e) => e.role === s.role).length,
      precision: s.precision,
      recall: s.recall,
    })),
    classifier,
  };
}

export type SlotJustification = {
  role: string;
  wonDeals: number;
  support: number;
  precision: number | null;
  recall: number | null;
  predicates: PredicateJustification[];
};

export type GeneratedTemplate = {
  slots: RoleSlot[];
  justification: { slots: SlotJustification[]; trainedOn: TrainedOn; model: string };
};

/**
 * A template generated from won deals (CONTRACT.md §8): rules learnt on the training accounts' deals, each slot's
 * precision and recall measured on the held-out accounts' deals by placing people exactly as the rule engine does.
 * `TooLittleData` when there is not enough to learn from, or when no role has a rule with `minSupport` people.
 */
export function generateTemplate(
  examples: readonly Example[],
  window: TrainingWindow,
  options: { minSupport: number },
): GeneratedTemplate | TooLittleData {
  const lacking = tooLittleData(examples);
  if (lacking) return lacking;
  const model = trainModel(examples, window);
  const { train, test } = splitByAccount(examples);
  const learnFrom = train.length > 0 ? train : [...examples];
  const lexicon = trainClassifier(learnFrom)?.lexicon;
  const generated = lexicon ? generateSlots(learnFrom, examples, { minSupport: options.minSupport, lexicon }) : [];
  // Enough people, yet no role with `minSupport` of them behind a rule: say how many a role needs.
  if (!model || generated.length === 0)
    return {
      have: countsOf(examples),
      need: { ...minimumData, people: Math.max(minimumData.people, options.minSupport * 2), roles: 2 },
    };
  const slots = generated.map((g) => g.slot);
  const scores = scoreRoles(
    test.map((e) => ({ actual: e.role, predicted: placeBySlots(slots, e) })),
    slots.map((s) => s.role),
  );
  return {
    slots,
    justification: {
      slots: generated.map((g, index) => ({
        role: g.justification.role,
        wonDeals: g.justification.wonDeals,
        support: g.justification.support,
        precision: scores.roles[index]!.precision,
        recall: scores.roles[index]!.recall,
        predicates: g.justification.predicates,
      })),
      trainedOn: model.trainedOn,
      model: model.version,
    },
  };
}

export const isTooLittle = (result: GeneratedTemplate | TooLittleData): result is TooLittleData => 'need' in result;

function countsOf(examples: readonly Example[]): TooLittleData['have'] {
  return {
    opportunities: new Set(examples.map((e) => e.opportunityId)).size,
    people: examples.length,
    roles: new Set(examples.map((e) => e.role)).size,
  };
}

function trainedOnOf(examples: readonly Example[], window: TrainingWindow): TrainedOn {
  return {
    opportunities: new Set(examples.map((e) => e.opportunityId)).size,
    people: new Set(examples.map((e) => e.personId)).size,
    ...windowBounds(window),
  };
}

export { loadPredictor, type RolePredictor };
