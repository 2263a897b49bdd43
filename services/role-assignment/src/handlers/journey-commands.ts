import { buyingGroupId, internalEventTypes, type Cause, type GroupExplicitSet } from '@bg/contracts';
import { deadLetterOf, encodeEvent, type IncomingEvent } from '@bg/kafka';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import type { Logger } from '@bg/service-kit';
import { groupKey, groupsOfMany } from '../db/groups';
import { ancestorsOfMany, linksOfPersons, saveOverride } from '../db/state';
import type { Interest } from '../domain/group-state';
import { commandTime, decideJourneyCommand, type JourneyCommand } from '../domain/journey-commands';
import { roleAssignmentSource } from '../recompute';

/** What a command leaves: a member edit's group to re-judge, and messages (an explicit set, or a dead letter). */
export type CommandOutcome = {
  touch: { accountId: string; solutionInterestId: string; personId: string; cause: Cause } | null;
  outbox: OutboxMessage[];
};

/**
 * A journey command (CONTRACT.md §7): checked against what role-assignment holds — the solution interest, its roles
 * and stages, the person's links — then a member edit is stored as an override with source `journey` (by request
 * time, as operators' edits: a redelivery is not newer and changes nothing) and an explicit stage/status goes on to
 * scoring. A command naming what does not exist is dead-lettered (`invalid-command`) in the chunk's transaction.
 */
export async function applyJourneyCommand(
  tx: Queryable,
  incoming: IncomingEvent,
  interests: ReadonlyMap<string, Interest>,
  logger: Logger,
): Promise<CommandOutcome> {
  const command = incoming.event as unknown as JourneyCommand & { id: string; source: string; time?: string };
  const { accountId, solutionInterestId } = command.data;
  const at = commandTime(command.time, incoming.timestamp);
  const cause: Cause = { eventId: command.id, eventType: command.type, source: command.source };
  const personId = 'personId' in command.data ? command.data.personId : null;
  const personAccounts = personId === null ? [] : await linkedAccounts(tx, personId);
  const groupActive =
    personId === null &&
    (await groupsOfMany(tx, [accountId])).get(groupKey(accountId, solutionInterestId))?.status === 'active';
  const decision = decideJourneyCommand(
    command,
    { interest: interests.get(solutionInterestId), personAccounts, groupActive },
    at,
  );
  if (!decision.ok) {
    logger.warn({ eventId: command.id, accountId, reason: decision.reason }, 'journey command refused');
    return { touch: null, outbox: [deadLetterOf(incoming, 'invalid-command', decision.reason)] };
  }
  if ('override' in decision) {
    const saved = await saveOverride(tx, { accountId, solutionInterestId }, decision.override);
    return { touch: saved ? { accountId, solutionInterestId, personId: personId!, cause } : null, outbox: [] };
  }
  return {
    touch: null,
    outbox: [explicitSet({ accountId, solutionInterestId, ...decision.explicit, source: 'journey', at, cause })],
  };
}

/** The accounts a person is linked to now (live links), each with its live ancestors, for the scope check. */
async function linkedAccounts(tx: Queryable, personId: string): Promise<{ accountId: string; ancestors: string[] }[]> {
  const links = (await linksOfPersons(tx, [personId])).get(personId) ?? [];
  const live = links.filter((l) => l.accountLive).map((l) => l.accountId);
  const chains = live.length > 0 ? await ancestorsOfMany(tx, live) : new Map<string, string[]>();
  return live.map((accountId) => ({ accountId, ancestors: chains.get(accountId) ?? [] }));
}

/** The explicit stage/status for scoring, keyed by account like everything of the group. */
export function explicitSet(input: {
  accountId: string;
  solutionInterestId: string;
  stage?: string | null | undefined;
  journeyStatus?: string | null | undefined;
  source: 'manual' | 'journey';
  at: string;
  cause: Cause;
}): OutboxMessage {
  const id = buyingGroupId(input.solutionInterestId, input.accountId);
  const data: GroupExplicitSet = {
    buyingGroupId: id,
    accountId: input.accountId,
    solutionInterestId: input.solutionInterestId,
    ...(input.stage !== undefined ? { stage: input.stage } : {}),
    ...(input.journeyStatus !== undefined ? { journeyStatus: input.journeyStatus } : {}),
    source: input.source,
    requestedAt: input.at,
    cause: input.cause,
  };
  return encodeEvent(internalEventTypes.groupExplicitSet, {
    id: `${id}:${input.source}:${input.cause.eventId}`,
    key: input.accountId,
    source: roleAssignmentSource,
    subject: id,
    data,
  });
}
