import {
  defaultLookbackDays,
  generateTemplate,
  isTooLittle,
  trainModel,
  trainingExamples,
  windowBounds,
  type GeneratedTemplate,
  type ModelSummary,
  type TooLittleData,
  type TrainingWindow,
} from '@bg/ai';
import { enqueue, withTransaction, type Pool, type Queryable } from '@bg/postgres';
import { currentModel, lockModel, saveModel } from '../db/ai-model';
import { wonDealsWithPeople } from '../db/opportunities';
import { addTemplateVersion, findTemplate, lockTemplate, type TemplateRecord } from '../db/templates';
import { ProblemError } from '../domain/problem';
import { aiModelTrained } from './emit';

/**
 * Trains the model on the won deals of the default look-back window (CONTRACT.md §8) from the API's own projection of
 * opportunities and people, stores its summary and, when it is a new version, publishes it for role-assignment (one
 * transaction: the event matches what is stored). Returns the current summary; null while the data is too little.
 */
export async function retrainModel(pool: Pool, now: Date): Promise<ModelSummary | null> {
  return withTransaction(pool, async (tx) => {
    await lockModel(tx);
    const window: TrainingWindow = { now: now.toISOString(), lookbackDays: defaultLookbackDays };
    const model = trainModel(await examplesOf(tx, window), window);
    const held = await currentModel(tx);
    if (!model) return held;
    if (held?.version === model.version) return held;
    const { classifier: _classifier, ...summary } = model;
    await saveModel(tx, summary);
    await enqueue(tx, [aiModelTrained(model)]);
    return summary;
  });
}

export type GenerateInput = {
  lookbackDays: number;
  solutionInterestId?: string | null | undefined;
  minSupport: number;
};

/**
 * `POST /v1/role-templates/{id}/generate`: a new draft version of the template, learnt from won deals, with its
 * justification; 422 problem+json saying how much data there is and how much is needed when it is too little.
 */
export async function generateRoleTemplate(
  pool: Pool,
  id: string,
  input: GenerateInput,
  now: Date,
): Promise<{ template: TemplateRecord; justification: GeneratedTemplate['justification'] }> {
  return withTransaction(pool, async (tx) => {
    const window: TrainingWindow = {
      now: now.toISOString(),
      lookbackDays: input.lookbackDays,
      solutionInterestId: input.solutionInterestId ?? null,
    };
    const generated = generateTemplate(await examplesOf(tx, window), window, { minSupport: input.minSupport });
    if (isTooLittle(generated)) throw tooLittle(generated, input);
    await lockTemplate(tx, id);
    // A new version of an existing template keeps its name; a new template is named after where it came from.
    const existing = await findTemplate(tx, id);
    const { template } = await addTemplateVersion(tx, id, {
      name: existing?.name ?? `Generated from won deals (${input.lookbackDays} days)`,
      description: `Learnt by model ${generated.justification.model} from ${generated.justification.trainedOn.opportunities} won opportunities`,
      slots: generated.slots,
    });
    return { template, justification: generated.justification };
  });
}

async function examplesOf(db: Queryable, window: TrainingWindow) {
  const { from, to } = windowBounds(window);
  const { opportunities, people } = await wonDealsWithPeople(db, from, to);
  return trainingExamples(opportunities, people, window);
}

function tooLittle({ have, need }: TooLittleData, input: GenerateInput): ProblemError {
  const scope = input.solutionInterestId ? ` of solution interest '${input.solutionInterestId}'` : '';
  return new ProblemError(
    422,
    `too little data to learn roles from: ${have.opportunities} won opportunities${scope} closed in the last ` +
      `${input.lookbackDays} days with ${have.people} contact roles of known people in ${have.roles} roles; at least ` +
      `${need.opportunities} opportunities, ${need.people} contact roles (minSupport ${input.minSupport}) and ` +
      `${need.roles} roles are needed`,
  );
}
