import type { StageModel } from '@bg/contracts';
import { evaluateCondition, type Subject } from './conditions';
import { precedenceOf } from './overrides';

/** A stage model as a group holds it: the model's id with its ordered stages. */
export type GroupStageModel = StageModel & { id: string };

/** Who set a stage explicitly; `rule` is the stage model's own judgement. */
export type StageSource = 'rule' | 'journey' | 'manual';

/** A group's stage as published (CONTRACT.md §7). */
export type GroupStage = { model: string; name: string; index: number; source: StageSource; since: string };

/** An explicit stage in force: set by a journey or an operator, until a `null` of theirs hands it back to the rule. */
export type ExplicitStage = { name: string; source: 'journey' | 'manual'; since: string };

/** A group's own fields as stage conditions read them. The opportunity and activity fields are not computed yet. */
export function groupSubject(group: {
  completeness: number;
  engagement: number;
  memberCount: number;
  missingRoleCount: number;
}): Subject {
  return { ...group };
}

/**
 * The stage a group is in: null without a stage model; an explicit stage when one is in force (and still a stage of
 * the model); otherwise, by rule, the last stage whose `when` holds (a stage without `when` always holds), null when
 * none does. `since` carries on while the stage stays the same, whoever holds it; it is `now` on entering a stage.
 */
export function judgeStage(
  model: GroupStageModel | null | undefined,
  explicit: ExplicitStage | null,
  subject: Subject,
  previous: GroupStage | null,
  now: string,
): GroupStage | null {
  if (!model) return null;
  const chosen = explicitIn(model, explicit) ?? ruleStage(model, subject);
  if (!chosen) return null;
  const since = previous?.model === model.id && previous.name === chosen.name ? previous.since : now;
  return { model: model.id, name: chosen.name, index: chosen.index, source: chosen.source, since };
}

function explicitIn(model: GroupStageModel, explicit: ExplicitStage | null) {
  if (!explicit) return null;
  const index = model.stages.findIndex((s) => s.name === explicit.name);
  // A stage the model no longer has (it was redefined) does not bind the group: the rule judges it.
  return index < 0 ? null : { name: explicit.name, index, source: explicit.source };
}

function ruleStage(model: GroupStageModel, subject: Subject) {
  for (let index = model.stages.length - 1; index >= 0; index--) {
    const stage = model.stages[index]!;
    if (!stage.when || evaluateCondition(stage.when, subject).matched)
      return { name: stage.name, index, source: 'rule' as const };
  }
  return null;
}

/**
 * An explicit set of the stage (a name, or null to hand it back to the rule) applied to the one in force: a lower
 * writer never overrides a higher one's stage (manual > journey, as for members); null from a writer at least as high
 * as the holder clears it.
 */
export function setExplicitStage(
  held: ExplicitStage | null,
  set: { name: string | null; source: 'journey' | 'manual'; at: string },
): ExplicitStage | null {
  if (held && precedenceOf(set.source) < precedenceOf(held.source)) return held;
  return set.name === null ? null : { name: set.name, source: set.source, since: set.at };
}
