import {
  journeyCommandTypes,
  type JourneyMemberAssign,
  type JourneyMemberRemove,
  type JourneyStageSet,
  type JourneyStatusSet,
} from '@bg/contracts';
import type { MemberOverride } from '@bg/rules';
import type { Interest } from './group-state';

export type JourneyCommand =
  | { type: typeof journeyCommandTypes.memberAssign; data: JourneyMemberAssign }
  | { type: typeof journeyCommandTypes.memberRemove; data: JourneyMemberRemove }
  | { type: typeof journeyCommandTypes.stageSet; data: JourneyStageSet }
  | { type: typeof journeyCommandTypes.statusSet; data: JourneyStatusSet };

/** What role-assignment knows that a command may name: the person's live links and, for a roll-up, their chains. */
export type CommandContext = {
  interest: Interest | undefined;
  /** Accounts the named person is linked to now (live links only), each with its live ancestors, nearest first. */
  personAccounts: { accountId: string; ancestors: string[] }[];
  /** Whether the account has an active group of the solution interest (a stage or status is set on a group). */
  groupActive: boolean;
};

/** How far a journey's clock may run ahead of the broker's before its command time is not believed. */
export const commandClockSkewMs = 60_000;

/**
 * The time a command applies at, which orders it against other edits of the same person or field: its CloudEvent
 * `time`, or the Kafka timestamp when it has none. A `time` further ahead of the Kafka timestamp than the allowed skew
 * is taken as the Kafka timestamp: a journey whose clock runs ahead must not freeze every later edit until then.
 */
export function commandTime(time: string | undefined, kafkaTimestampMs: number): string {
  const published = new Date(kafkaTimestampMs).toISOString();
  if (time === undefined) return published;
  const at = Date.parse(time);
  return Number.isNaN(at) || at > kafkaTimestampMs + commandClockSkewMs ? published : new Date(at).toISOString();
}

/** A command to apply (a member edit, or an explicit stage/status for scoring), or why it is refused. */
export type JourneyDecision =
  | { ok: true; override: MemberOverride }
  | { ok: true; explicit: { stage?: string | null; journeyStatus?: string | null } }
  | { ok: false; reason: string };

/**
 * Judges a journey command against what it names (CONTRACT.md §7): the solution interest must exist, an assigned role
 * be one of its template's slots, a stage one of its stage model's, the person be linked to the account in the
 * solution interest's scope (the account, or with `account-and-descendants` one of its descendants), and a stage or
 * status be set on an active group.
 */
export function decideJourneyCommand(command: JourneyCommand, context: CommandContext, at: string): JourneyDecision {
  const { interest } = context;
  const { solutionInterestId, accountId } = command.data;
  if (!interest) return { ok: false, reason: `unknown solution interest '${solutionInterestId}'` };
  switch (command.type) {
    case journeyCommandTypes.memberAssign:
    case journeyCommandTypes.memberRemove: {
      const { personId } = command.data;
      const inScope = context.personAccounts.some(
        (link) =>
          link.accountId === accountId ||
          (interest.memberScope === 'account-and-descendants' && link.ancestors.includes(accountId)),
      );
      if (!inScope) return { ok: false, reason: `person '${personId}' is not linked to account '${accountId}'` };
      if (command.type === journeyCommandTypes.memberRemove)
        return { ok: true, override: { personId, action: 'remove', role: null, source: 'journey', requestedAt: at } };
      const { role } = command.data;
      if (!interest.template.slots.some((slot) => slot.role === role))
        return { ok: false, reason: `unknown role '${role}' in solution interest '${solutionInterestId}'` };
      return { ok: true, override: { personId, action: 'add', role, source: 'journey', requestedAt: at } };
    }
    case journeyCommandTypes.stageSet:
    case journeyCommandTypes.statusSet:
      // Member edits are kept for a group that does not exist yet (they apply once it does); a stage or status is
      // the state of a group, so it needs one.
      if (!context.groupActive)
        return {
          ok: false,
          reason: `no active buying group of solution interest '${solutionInterestId}' at account '${accountId}'`,
        };
      return command.type === journeyCommandTypes.stageSet
        ? decideStage(command.data.stage, interest, solutionInterestId)
        : { ok: true, explicit: { journeyStatus: command.data.status } };
  }
}

function decideStage(stage: string | null, interest: Interest, solutionInterestId: string): JourneyDecision {
  if (stage === null) return { ok: true, explicit: { stage } };
  const stages = interest.stageModel?.stages ?? [];
  if (!stages.some((s) => s.name === stage))
    return {
      ok: false,
      reason: interest.stageModel
        ? `unknown stage '${stage}' in stage model '${interest.stageModel.id}'`
        : `unknown stage '${stage}': solution interest '${solutionInterestId}' has no stage model`,
    };
  return { ok: true, explicit: { stage } };
}
