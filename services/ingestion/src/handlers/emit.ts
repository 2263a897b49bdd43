import { Topics, internalEventTypes, type Cause } from '@bg/contracts';
import { encodeCloudEvent } from '@bg/kafka';
import type { OutboxMessage } from '@bg/postgres';
import { currentTraceHeaders } from '@bg/service-kit';

export const ingestionSource = 'bg/ingestion';

type InternalType = (typeof internalEventTypes)[keyof typeof internalEventTypes];

/**
 * An internal record-change event for the outbox, keyed by account. Its id derives from the cause and the account,
 * so a re-emission (after a crash before the inbox commit) carries the same id and downstream inboxes drop it.
 */
export function recordChange(type: InternalType, accountId: string, cause: Cause, data: object): OutboxMessage {
  return {
    topic: Topics.recordChanges,
    key: accountId,
    value: encodeCloudEvent({ id: `${cause.eventId}/${accountId}`, type, source: ingestionSource, subject: accountId, data }),
    headers: currentTraceHeaders(),
  };
}
