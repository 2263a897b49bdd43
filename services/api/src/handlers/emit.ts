import {
  internalEventTypes,
  memberCommandSchema,
  solutionInterestDefinedSchema,
  solutionInterestDeletedSchema,
  Topics,
  type MemberCommand,
  type SolutionInterestDefined,
  type SolutionInterestDeleted,
} from '@bg/contracts';
import { encodeCloudEvent } from '@bg/kafka';
import type { OutboxMessage } from '@bg/postgres';
import { currentTraceHeaders } from '@bg/service-kit';

export const apiSource = 'bg/api';

/**
 * Outbox rows for what the API publishes. Each payload is checked against its contract schema here, so a bug shows up
 * as a failed request rather than as an event its consumers dead-letter.
 */
export function solutionInterestDefined(data: SolutionInterestDefined, revision: string): OutboxMessage {
  return component(
    internalEventTypes.solutionInterestDefined,
    solutionInterestDefinedSchema.parse(data).solutionInterestId,
    revision,
    data,
  );
}

export function solutionInterestDeleted(data: SolutionInterestDeleted, revision: string): OutboxMessage {
  return component(
    internalEventTypes.solutionInterestDeleted,
    solutionInterestDeletedSchema.parse(data).solutionInterestId,
    revision,
    data,
  );
}

/** A member edit for role assignment, keyed by account like every per-account topic. */
export function memberCommand(command: MemberCommand, eventId: string): OutboxMessage {
  const data = memberCommandSchema.parse(command);
  return {
    topic: Topics.memberCommands,
    key: data.accountId,
    value: encodeCloudEvent({
      id: eventId,
      type: internalEventTypes.memberCommand,
      source: apiSource,
      subject: data.accountId,
      data,
    }),
    headers: currentTraceHeaders(),
  };
}

// Keyed by solution interest on a compacted topic: the latest definition per id is kept forever.
function component(type: string, solutionInterestId: string, revision: string, data: object): OutboxMessage {
  return {
    topic: Topics.components,
    key: solutionInterestId,
    value: encodeCloudEvent({
      id: `${solutionInterestId}:r${revision}`,
      type,
      source: apiSource,
      subject: solutionInterestId,
      data,
    }),
    headers: currentTraceHeaders(),
  };
}
