import { createHash } from 'node:crypto';
import { internalEventTypes, type Cause, type EventData } from '@bg/contracts';
import { encodeEvent } from '@bg/kafka';
import type { OutboxMessage } from '@bg/postgres';

export const ingestionSource = 'bg/ingestion';

type RecordChangeType = (typeof internalEventTypes)[
  'personChanged' | 'accountChanged' | 'activityAccepted' | 'opportunityChanged'];

/**
 * An internal record-change event for the outbox, keyed by account. Its id derives from the cause — its source and id,
 * as two CRMs may use the same ids — and the account, so a re-emission carries the same id (consumers drop it anyway,
 * since it is not newer than what they hold). Hashed, so it stays within the length an id may have.
 */
export function recordChange<T extends RecordChangeType>(
  accountId: string,
  cause: Cause,
  type: T,
  data: EventData<T>,
): OutboxMessage {
  return encodeEvent(type, {
    id: recordChangeId(cause, accountId),
    key: accountId,
    source: ingestionSource,
    subject: accountId,
    data,
  });
}

function recordChangeId(cause: Cause, accountId: string): string {
  const parts = JSON.stringify([cause.source ?? '', cause.eventId, accountId]);
  return `rc-${createHash('sha256').update(parts).digest('hex').slice(0, 40)}`;
}
