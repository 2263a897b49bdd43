import { internalEventTypes, type Cause, type PersonChanged, type PersonDeleted, type PersonUpserted } from '@bg/contracts';
import type { OutboxMessage, Queryable } from '@bg/postgres';
import { lockPerson, markPersonDeleted, personLinks, replacePersonLinks, savePerson } from '../db/records';
import { diffLinks, distinctLinks } from '../domain/person-links';
import { isNewer } from '../domain/versioning';
import { recordChange } from './emit';

/** Stores the person and its links; one `person changed` per account it joined, stayed in or left. */
export async function applyPersonUpserted(db: Queryable, person: PersonUpserted, cause: Cause): Promise<OutboxMessage[]> {
  const stored = await lockPerson(db, person.personId);
  if (!isNewer(person.updatedAt, stored?.updatedAt ?? null)) return [];
  const links = distinctLinks(person.accounts);
  const before = await personLinks(db, person.personId);
  await savePerson(db, { ...person, accounts: links });
  await replacePersonLinks(db, person.personId, links);
  return diffLinks(before, links).map(({ accountId, change, relationship }) => {
    const data: PersonChanged = {
      accountId,
      personId: person.personId,
      change,
      relationship,
      person: change === 'left' ? null : { ...person, accounts: links },
      cause,
    };
    return recordChange(internalEventTypes.personChanged, accountId, cause, data);
  });
}

/** Deletes the person everywhere: one `person changed` (deleted) per account it was linked to. */
export async function applyPersonDeleted(db: Queryable, deleted: PersonDeleted, cause: Cause): Promise<OutboxMessage[]> {
  const stored = await lockPerson(db, deleted.personId);
  if (!isNewer(deleted.deletedAt, stored?.updatedAt ?? null)) return [];
  const before = await personLinks(db, deleted.personId);
  await markPersonDeleted(db, deleted.personId, deleted.deletedAt);
  await replacePersonLinks(db, deleted.personId, []);
  return before.map(({ accountId }) => {
    const data: PersonChanged = { accountId, personId: deleted.personId, change: 'deleted', relationship: null, person: null, cause };
    return recordChange(internalEventTypes.personChanged, accountId, cause, data);
  });
}
