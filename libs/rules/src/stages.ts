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

/** An opportunity as a group's stage reads it: its account's, for the group's solution interest. */
export type LinkedOpportunity = { opportunityId: string; stage: 'open' | 'won' | 'lost'; updatedAt: string };

/**
 * What a group's stage reads besides its own scores (CONTRACT.md §7): the account's opportunities for the group's
 * solution interest, and the last activity of any of its members (null: none recorded).
 */
export type GroupFacts = { opportunities: readonly LinkedOpportunity[]; lastActivityAt: string | null };

export const noFacts: GroupFacts = Object.freeze({ opportunities: [], lastActivityAt: null });

const dayMs = 24 * 60 * 60 * 1000;

/**
 * A group's own fields as stage conditions read them. `opportunityStage` is that of the most recently updated
 * opportunity (ties: the greatest id, so the answer never depends on order); it and `daysSinceLastActivity` (whole
 * days, rounded down) are left out when there is nothing to read, so a condition sees them missing.
 */
export function groupSubject(
  group: { completeness: number; engagement: number; memberCount: number; missingRoleCount: number },
  facts: GroupFacts = noFacts,
  now?: string,
): Subject {
  const latest = [...facts.opportunities].sort(byRecency).at(-1);
  return {
    ...group,
    openOpportunityCount: facts.opportunities.filter((o) => o.stage === 'open').length,
    ...(latest ? { opportunityStage: latest.stage } : {}),
    ...(facts.lastActivityAt !== null && now !== undefined
      ? { daysSinceLastActivity: Math.max(0, Math.floor((Date.parse(now) - Date.parse(facts.lastActivityAt)) / dayMs)) }
      : {}),
  };
}

function byRecency(a: LinkedOpportunity, b: LinkedOpportunity): number {
  return Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || (a.opportunityId < b.opportunityId ? -1 : 1);
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
