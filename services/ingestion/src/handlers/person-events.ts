import {
  internalEventTypes,
  type Cause,
  type PersonChanged,
  type PersonDeleted,
  type PersonUpserted,
} from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { linksOf, lockPersons, replaceLinks, savePersons } from '../db/records';
import { diffLinks, distinctLinks } from '../domain/person-links';
import { isNewer, latestPerRecord } from '../domain/versioning';
import { recordChange } from './emit';

export type PersonEvent = { cause: Cause } & (
  { kind: 'upsert'; person: PersonUpserted } | { kind: 'delete'; deleted: PersonDeleted }
);

const personIdOf = (e: PersonEvent) => (e.kind === 'upsert' ? e.person.personId : e.deleted.personId);
const timeOf = (e: PersonEvent) => (e.kind === 'upsert' ? e.person.updatedAt : e.deleted.deletedAt);

/**
 * Stores persons and their links; one `person changed` per account a person joined, stayed in or left — or, for a
 * deletion, per account it was linked to. Stale events (not newer than what is stored) change nothing.
 */
export async function applyPersonEvents(db: Queryable, events: PersonEvent[]): Promise<OutboxMessage[]> {
  const latest = latestPerRecord(events, personIdOf, timeOf);
  const stored = await lockPersons(db, latest.map(personIdOf).sort());
  const applied = latest.filter((e) => isNewer(timeOf(e), stored.get(personIdOf(e)) ?? null));
  if (applied.length === 0) return [];
  const ids = applied.map(personIdOf);
  const before = await linksOf(db, ids);
  const after = applied.map((e) => ({ event: e, links: e.kind === 'upsert' ? distinctLinks(e.person.accounts) : [] }));
  await savePersons(
    db,
    after.map(({ event, links }) => ({
      personId: personIdOf(event),
      data: event.kind === 'upsert' ? { ...event.person, accounts: links } : null,
      updatedAt: timeOf(event),
    })),
  );
  await replaceLinks(
    db,
    ids,
    after.flatMap(({ event, links }) => links.map((l) => ({ personId: personIdOf(event), ...l }))),
  );
  return after.flatMap(({ event, links }) => {
    const personId = personIdOf(event);
    const previous = before.get(personId) ?? [];
    if (event.kind === 'delete') {
      return previous.map(({ accountId }) =>
        message(event.cause, {
          accountId,
          personId,
          change: 'deleted',
          relationship: null,
          person: null,
          changedAt: timeOf(event),
          cause: event.cause,
        }),
      );
    }
    const person = { ...event.person, accounts: links };
    return diffLinks(previous, links).map(({ accountId, change, relationship }) =>
      message(event.cause, {
        accountId,
        personId,
        change,
        relationship,
        person: change === 'left' ? null : person,
        changedAt: timeOf(event),
        cause: event.cause,
      }),
    );
  });
}

const message = (cause: Cause, data: PersonChanged) =>
  recordChange(data.accountId, cause, internalEventTypes.personChanged, data);
