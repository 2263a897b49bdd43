import {
  internalEventTypes,
  type MemberCommand,
  type SolutionInterestDefined,
  type SolutionInterestDeleted,
} from '@bg/contracts';
import { encodeEvent } from '@bg/kafka';
import type { OutboxMessage } from '@bg/postgres';

export const apiSource = 'bg/api';

/**
 * Outbox rows for what the API publishes. Each payload is checked against its contract schema on encoding, so a bug
 * shows up as a failed request rather than as an event its consumers dead-letter. Definitions carry their revision,
 * which orders them: a consumer ignores one not newer than what it holds.
 */
export function solutionInterestDefined(
  data: Omit<SolutionInterestDefined, 'revision'>,
  revision: number,
): OutboxMessage {
  return encodeEvent(
    internalEventTypes.solutionInterestDefined,
    component(data.solutionInterestId, revision, { ...data, revision }),
  );
}

export function solutionInterestDeleted(
  data: Omit<SolutionInterestDeleted, 'revision'>,
  revision: number,
): OutboxMessage {
  return encodeEvent(
    internalEventTypes.solutionInterestDeleted,
    component(data.solutionInterestId, revision, { ...data, revision }),
  );
}

/** A member edit for role assignment, keyed by account like every per-account topic. */
export function memberCommand(command: MemberCommand, eventId: string): OutboxMessage {
  return encodeEvent(internalEventTypes.memberCommand, {
    id: eventId,
    key: command.accountId,
    source: apiSource,
    subject: command.accountId,
    data: command,
  });
}

// Keyed by solution interest on a compacted topic: the latest definition per id is kept forever.
function component<T>(solutionInterestId: string, revision: number, data: T) {
  return {
    id: `${solutionInterestId}:r${revision}`,
    key: solutionInterestId,
    source: apiSource,
    subject: solutionInterestId,
    data,
  };
}
