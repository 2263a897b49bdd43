import type { PersonUpserted } from '@bg/contracts';
import { encodeEvent } from '@bg/kafka';
import type { OutboxMessage } from '@bg/postgres';

/**
 * A person as a CRM would publish it, on the CRM persons topic: it goes through ingestion and the role rules like any
 * other record (no side door). The id derives from the job and the person, and a re-run after a lost claim publishes
 * the same person with the same updatedAt, which ingestion then ignores as not newer.
 */
export function personUpsertedMessage(
  person: PersonUpserted,
  provider: string,
  jobId: string,
  now: number,
): OutboxMessage {
  return encodeEvent('person.upserted', {
    id: `${jobId}/${person.personId}`,
    key: person.personId,
    source: `enrichment/${provider}`,
    time: new Date(now).toISOString(),
    subject: person.personId,
    data: person,
  });
}
