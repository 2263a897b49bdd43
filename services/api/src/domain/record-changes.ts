import type { AccountChanged, AccountUpserted, PersonChanged, PersonUpserted } from '@bg/contracts';
import { compareText } from '@bg/rules';

/** A change of one record: its data as of `changedAt`, or null for a deletion. */
export type RecordChange<T> = { id: string; data: T | null; changedAt: string };

/**
 * A chunk's writes to one kind of record: upserts first, then deletions; each applies only when newer than the row.
 * Both in id order, so that chunks writing the same rows concurrently lock them in the same order.
 */
export type RecordWrites<T> = {
  upserts: { id: string; data: T; changedAt: string }[];
  deletions: { id: string; changedAt: string }[];
};

/**
 * What a chunk's changes leave of each record, as at most two writes: its newest data, then its deletion when the
 * newest change is one. With each write applied only when newer than the stored row, the result is that of applying
 * every change one by one in time order: a deletion keeps the last known data as a tombstone (also data that came in
 * the same chunk), and of equal times the first counts.
 */
export function recordWrites<T>(changes: readonly RecordChange<T>[]): RecordWrites<T> {
  const writes: RecordWrites<T> = { upserts: [], deletions: [] };
  for (const ofRecord of groupBy(changes, (c) => c.id).values()) {
    const last = newest(ofRecord)!;
    if (last.data !== null) {
      writes.upserts.push({ id: last.id, data: last.data, changedAt: last.changedAt });
      continue;
    }
    writes.deletions.push({ id: last.id, changedAt: last.changedAt });
    const known = newest(ofRecord.filter((c) => c.data !== null && instant(c.changedAt) < instant(last.changedAt)));
    if (known?.data != null) writes.upserts.push({ id: known.id, data: known.data, changedAt: known.changedAt });
  }
  writes.upserts.sort(byId);
  writes.deletions.sort(byId);
  return writes;
}

export function accountWrites(changes: readonly AccountChanged[]): RecordWrites<AccountUpserted> {
  return recordWrites(changes.map((c) => ({ id: c.accountId, data: c.account, changedAt: c.changedAt })));
}

/** The key of a person's link to an account. */
export const linkKey = (link: { accountId: string; personId: string }): string =>
  JSON.stringify([link.accountId, link.personId]);

/** The newest change of each link: what its link time moves to. */
export function newestPerLink(changes: readonly PersonChanged[]): PersonChanged[] {
  return [...groupBy(changes, linkKey).values()].map((ofLink) => newest(ofLink)!);
}

export type PersonWrites = {
  unlinked: { accountId: string; personId: string }[];
  linked: { accountId: string; personId: string; relationship: string }[];
  persons: RecordWrites<PersonUpserted>;
};

/**
 * What the person changes of a chunk write, given the links whose time moved and the time each had before (null for
 * a new link): only changes newer than that count. A link follows its newest change; the person's data follows
 * `recordWrites` over the changes that carry data or a deletion (leaving one account does not delete the person).
 */
export function personWrites(
  changes: readonly PersonChanged[],
  moved: ReadonlyMap<string, string | null>,
): PersonWrites {
  const counted = changes.filter((c) => {
    const before = moved.get(linkKey(c));
    return before !== undefined && (before === null || instant(c.changedAt) > instant(before));
  });
  const writes: PersonWrites = { unlinked: [], linked: [], persons: { upserts: [], deletions: [] } };
  for (const c of newestPerLink(counted)) {
    if (c.change === 'left' || c.change === 'deleted')
      writes.unlinked.push({ accountId: c.accountId, personId: c.personId });
    else
      writes.linked.push({ accountId: c.accountId, personId: c.personId, relationship: c.relationship ?? 'unknown' });
  }
  writes.persons = recordWrites(
    counted.flatMap((c): RecordChange<PersonUpserted>[] => {
      if (c.change === 'deleted') return [{ id: c.personId, data: null, changedAt: c.changedAt }];
      if (c.change === 'left' || c.person === null) return [];
      return [{ id: c.personId, data: c.person, changedAt: c.changedAt }];
    }),
  );
  return writes;
}

/** The newest of some changes; the first of equal times. */
function newest<T extends { changedAt: string }>(changes: readonly T[]): T | undefined {
  let found: T | undefined;
  for (const c of changes) if (found === undefined || instant(c.changedAt) > instant(found.changedAt)) found = c;
  return found;
}

function byId(a: { id: string }, b: { id: string }): number {
  return compareText(a.id, b.id);
}

function instant(timestamp: string): number {
  return Date.parse(timestamp);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
