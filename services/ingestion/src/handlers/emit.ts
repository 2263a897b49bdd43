import { internalEventTypes, type Cause, type EventData } from '@bg/contracts';
import { encodeEvent } from '@bg/kafka';
import type { OutboxMessage } from '@bg/postgres';

export const ingestionSource = 'bg/ingestion';

type RecordChangeType = (typeof internalEventTypes)[
  'personChanged' | 'accountChanged' | 'activityAccepted' | 'opportunityChanged'];

/**
 * An internal record-change event for the outbox, keyed by account. Its id derives from the cause and the account,
 * so a re-emission carries the same id; consumers drop it anyway, since it is not newer than what they hold.
 */
export function recordChange<T extends RecordChangeType>(
  accountId: string,
  cause: Cause,
  type: T,
  data: EventData<T>,
): OutboxMessage {
  return encodeEvent(type, {
    id: `${cause.eventId}/${accountId}`,
    key: accountId,
    source: ingestionSource,
    subject: accountId,
    data,
  });
}
