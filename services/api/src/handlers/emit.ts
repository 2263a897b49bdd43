import type { TrainedModel } from '@bg/ai';
import {
  aiModelTrainedCause,
  internalEventTypes,
  operatorActionTypes,
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
 * which orders them (a consumer ignores one not newer than what it holds), and the operator action that made them,
 * which becomes the public cause of the group versions they lead to.
 */
export function solutionInterestDefined(
  data: Omit<SolutionInterestDefined, 'revision' | 'cause'>,
  revision: number,
  action: (typeof operatorActionTypes)['solutionInterestDefined' | 'accountAudienceDefined'],
): OutboxMessage {
  const event = component(data.solutionInterestId, revision);
  return encodeEvent(internalEventTypes.solutionInterestDefined, {
    ...event,
    data: { ...data, revision, cause: { eventId: event.id, eventType: action, source: apiSource } },
  });
}

export function solutionInterestDeleted(
  data: Omit<SolutionInterestDeleted, 'revision' | 'cause'>,
  revision: number,
): OutboxMessage {
  const event = component(data.solutionInterestId, revision);
  const cause = { eventId: event.id, eventType: operatorActionTypes.solutionInterestDeleted, source: apiSource };
  return encodeEvent(internalEventTypes.solutionInterestDeleted, { ...event, data: { ...data, revision, cause } });
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
function component(solutionInterestId: string, revision: number) {
  return {
    id: `${solutionInterestId}:r${revision}`,
    key: solutionInterestId,
    source: apiSource,
    subject: solutionInterestId,
  };
}

/**
 * A newly trained role model for role-assignment (suggested members), on the compacted components topic under one
 * key: the latest model is what a (re)starting consumer finds. The id is the version, so a re-sent event is a no-op.
 */
export function aiModelTrained(model: TrainedModel): OutboxMessage {
  const id = `ai-model:${model.version}`;
  return encodeEvent(internalEventTypes.aiModelTrained, {
    id,
    key: 'ai-model',
    source: apiSource,
    subject: model.version,
    data: {
      version: model.version,
      trainedAt: model.trainedAt,
      classifier: model.classifier,
      cause: { eventId: model.version, eventType: aiModelTrainedCause, source: apiSource },
    },
  });
}
