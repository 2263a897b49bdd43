import { describe, expect, it } from 'vitest';
import type { AccountUpserted, PersonChanged, PersonUpserted } from '@bg/contracts';
import { accountWrites, linkKey, newestPerLink, personWrites, recordWrites } from '../../src/domain/record-changes';

const t = (minute: number) => new Date(Date.parse('2026-12-01T00:00:00.000Z') + minute * 60_000).toISOString();
const change = (id: string, minute: number, data: string | null) => ({ id, data, changedAt: t(minute) });

describe('what a chunk of record changes writes', () => {
  it('writes the newest change of each record, whatever the arrival order; of equal times the first', () => {
    expect(
      recordWrites([change('b', 2, 'b2'), change('a', 3, 'a3'), change('a', 1, 'a1'), change('b', 2, 'b2 again')]),
    ).toEqual({
      upserts: [
        { id: 'a', data: 'a3', changedAt: t(3) },
        { id: 'b', data: 'b2', changedAt: t(2) },
      ],
      deletions: [],
    });
  });

  it('deletes after writing the last data known before the deletion, so that the tombstone keeps it', () => {
    expect(recordWrites([change('a', 1, 'a1'), change('a', 2, 'a2'), change('a', 3, null)])).toEqual({
      upserts: [{ id: 'a', data: 'a2', changedAt: t(2) }],
      deletions: [{ id: 'a', changedAt: t(3) }],
    });
    expect(recordWrites([change('a', 3, null)])).toEqual({ upserts: [], deletions: [{ id: 'a', changedAt: t(3) }] });
  });

  it('lets data newer than a deletion bring the record back, and ignores data as old as the deletion', () => {
    expect(recordWrites([change('a', 2, null), change('a', 3, 'back')])).toEqual({
      upserts: [{ id: 'a', data: 'back', changedAt: t(3) }],
      deletions: [],
    });
    expect(recordWrites([change('a', 2, null), change('a', 2, 'same time')])).toEqual({
      upserts: [],
      deletions: [{ id: 'a', changedAt: t(2) }],
    });
  });

  it('reads account changes as records by accountId', () => {
    const cause = { eventId: 'e', eventType: 't' };
    const account = { accountId: 'acc-1', name: 'Acme', updatedAt: t(1) } as AccountUpserted;
    const writes = accountWrites([
      { accountId: 'acc-1', account, previousParentAccountId: null, changedAt: t(1), cause },
      { accountId: 'acc-1', account: null, previousParentAccountId: null, changedAt: t(2), cause },
    ]);
    expect(writes).toEqual({
      upserts: [{ id: 'acc-1', data: account, changedAt: t(1) }],
      deletions: [{ id: 'acc-1', changedAt: t(2) }],
    });
  });
});

describe('what a chunk of person changes writes', () => {
  const personChange = (
    personId: string,
    accountId: string,
    kind: PersonChanged['change'],
    minute: number,
  ): PersonChanged => ({
    accountId,
    personId,
    change: kind,
    relationship: kind === 'joined' || kind === 'updated' ? 'contractor' : null,
    person:
      kind === 'joined' || kind === 'updated'
        ? ({ personId, jobTitle: `title ${minute}`, updatedAt: t(minute) } as PersonUpserted)
        : null,
    changedAt: t(minute),
    cause: { eventId: 'e', eventType: 't' },
  });

  it('moves each link to its newest change', () => {
    const changes = [
      personChange('p-1', 'acc-1', 'joined', 1),
      personChange('p-1', 'acc-2', 'joined', 1),
      personChange('p-1', 'acc-1', 'left', 2),
    ];
    expect(newestPerLink(changes).map((c) => [c.accountId, c.change])).toEqual([
      ['acc-1', 'left'],
      ['acc-2', 'joined'],
    ]);
  });

  it('counts only the changes after the time a moved link had, and none of a link that did not move', () => {
    const changes = [
      personChange('p-1', 'acc-1', 'updated', 1),
      personChange('p-1', 'acc-1', 'updated', 3),
      personChange('p-2', 'acc-1', 'joined', 5),
    ];
    // p-1's link was at minute 2 and moved to 3; p-2's link did not move (it was already at 5).
    const writes = personWrites(changes, new Map([[linkKey({ accountId: 'acc-1', personId: 'p-1' }), t(2)]]));
    expect(writes.linked).toEqual([{ accountId: 'acc-1', personId: 'p-1', relationship: 'contractor' }]);
    expect(writes.persons.upserts.map((u) => [u.id, u.data.jobTitle])).toEqual([['p-1', 'title 3']]);
  });

  it('unlinks a person who left without deleting them, and tombstones a deleted one with their last data', () => {
    const changes = [
      personChange('p-1', 'acc-1', 'left', 2),
      personChange('p-2', 'acc-1', 'joined', 1),
      personChange('p-2', 'acc-1', 'deleted', 2),
    ];
    const moved = new Map(changes.map((c) => [linkKey(c), null]));
    const writes = personWrites(changes, moved);
    expect(writes.unlinked).toEqual([
      { accountId: 'acc-1', personId: 'p-1' },
      { accountId: 'acc-1', personId: 'p-2' },
    ]);
    expect(writes.linked).toEqual([]);
    expect(writes.persons.upserts.map((u) => [u.id, u.changedAt])).toEqual([['p-2', t(1)]]);
    expect(writes.persons.deletions).toEqual([{ id: 'p-2', changedAt: t(2) }]);
  });
});
