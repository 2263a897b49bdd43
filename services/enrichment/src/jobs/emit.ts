import { Topics, type PersonUpserted } from '@bg/contracts';
import { encodeCloudEvent } from '@bg/kafka';
import type { OutboxMessage } from '@bg/postgres';
import { currentTraceHeaders } from '@bg/service-kit';

/**
 * A person as a CRM would publish it, on the CRM persons topic: it goes through ingestion and the role rules like any
 * other record (no side door). The id derives from the job and the person, so a job re-run after a lost claim
 * produces the same id and ingestion's inbox drops the copy.
 */
export function personUpsertedMessage(
  person: PersonUpserted,
  provider: string,
  jobId: string,
  now: number,
): OutboxMessage {
  return {
    topic: Topics.crmPersons,
    key: person.personId,
    value: encodeCloudEvent({
      id: `${jobId}/${person.personId}`,
      type: 'person.upserted',
      source: `enrichment/${provider}`,
      time: new Date(now).toISOString(),
      subject: person.personId,
      data: person,
    }),
    headers: currentTraceHeaders(),
  };
}
