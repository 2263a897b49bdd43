import { describe, expect, it } from 'vitest';
import type { AccountChanged, PersonChanged, PersonUpserted } from '@bg/contracts';
import { seededRandom } from '@bg/testing';
import {
  foldAccountChanges,
  foldPersonChanges,
  type AccountWrite,
  type PersonLinkWrite,
} from '../../src/domain/record-fold';

const cause = { eventId: 'evt-upstream', eventType: 'test' };
const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 9, minute)).toISOString();

const person = (personId: string, jobTitle: string): PersonUpserted => ({
  personId,
  email: null,
  firstName: null,
  lastName: null,
  jobTitle,
  department: null,
  seniority: null,
  country: null,
  accounts: [{ accountId: 'acme', relationship: 'employee' }],
  attributes: {},
  updatedAt: at(0),
});

const linked = (personId: string, minute: number, jobTitle = `title ${minute}`, accountId = 'acme'): PersonChanged => ({
  accountId,
  personId,
  change: 'updated',
  relationship: 'employee',
  person: person(personId, jobTitle),
  changedAt: at(minute),
  cause,
});
const unlinked = (personId: string, minute: number, accountId = 'acme'): PersonChanged => ({
  accountId,
  personId,
  change: 'left',
  relationship: null,
  person: null,
  changedAt: at(minute),
  cause,
});
const saved = (accountId: string, minute: number, name = `name ${minute}`, domain: string | null = null) =>
  ({
    accountId,
    account: {
      accountId,
      name,
      domain,
      parentAccountId: null,
      productsOwned: [],
      attributes: {},
      updatedAt: at(minute),
    },
    previousParentAccountId: null,
    changedAt: at(minute),
    cause,
  }) as AccountChanged;
const deleted = (accountId: string, minute: number): AccountChanged => ({
  accountId,
  account: null,
  previousParentAccountId: null,
  changedAt: at(minute),
  cause,
});

describe('folding a chunk of person changes per link', () => {
  it('keeps one write per (account, person), the newest change whatever the arrival order', () => {
    const writes = foldPersonChanges([linked('p1', 5), linked('p2', 1), linked('p1', 9), linked('p1', 7)]);
    expect(writes.map((w) => [w.personId, w.changedAt, w.link?.person.jobTitle])).toEqual([
      ['p1', at(9), 'title 9'],
      ['p2', at(1), 'title 1'],
    ]);
  });

  it('keeps the first of changes with equal times, as one by one (a change not newer than the held one is void)', () => {
    const [write] = foldPersonChanges([linked('p1', 5, 'first'), linked('p1', 5, 'second')]);
    expect(write!.link!.person.jobTitle).toBe('first');
    expect(write!.created!.person.jobTitle).toBe('first');
  });

  it('ends a link keeping the last link that could apply before it, not an older one that arrived later', () => {
    const [write] = foldPersonChanges([linked('p1', 3, 'kept'), linked('p1', 2, 'stale'), unlinked('p1', 8)]);
    expect(write).toMatchObject({ changedAt: at(8), linked: false, link: { changedAt: at(3) } });
    expect(write!.link!.person.jobTitle).toBe('kept');
    expect(write!.created).toMatchObject({ linked: false, changedAt: at(8) });
  });

  it('creates nothing for the end of a link never held, and a link from its first link on', () => {
    expect(foldPersonChanges([unlinked('p1', 8)])[0]!.created).toBeNull();
    // One by one on an empty table the end at 8 finds nothing to end, so the older link arriving after it is kept.
    const [write] = foldPersonChanges([unlinked('p1', 8), linked('p1', 7)]);
    expect(write).toMatchObject({ changedAt: at(8), linked: false, link: null });
    expect(write!.created).toMatchObject({ linked: true, changedAt: at(7) });
  });

  it('writes the same links as one by one, whatever is stored (random chunks and stored rows)', () => {
    const random = seeded(7);
    for (let round = 0; round < 2000; round++) {
      const changes = Array.from({ length: 1 + random.int(8) }, (_, i) => {
        const minute = random.int(6);
        return random.int(3) === 0 ? unlinked('p1', minute) : linked('p1', minute, `change ${i}`);
      });
      const stored = random.int(3) === 0 ? null : storedLink(random.int(6), random.int(2) === 0);
      const [write] = foldPersonChanges(changes);
      expect(resolveLink(stored, write!), JSON.stringify({ stored, changes })).toEqual(
        changes.reduce(applyLinkChange, stored),
      );
    }
  });
});

describe('folding a chunk of account changes per account', () => {
  it('keeps the newest change, its name and its domain trimmed (a blank domain is none)', () => {
    const writes = foldAccountChanges([
      saved('acme', 4, 'Acme', ' acme.com '),
      saved('acme', 2),
      saved('glob', 1, 'G', ' '),
    ]);
    expect(writes).toEqual([
      {
        accountId: 'acme',
        changedAt: at(4),
        deleted: false,
        named: { name: 'Acme', domain: 'acme.com', changedAt: at(4) },
      },
      { accountId: 'glob', changedAt: at(1), deleted: false, named: { name: 'G', domain: null, changedAt: at(1) } },
    ]);
  });

  it('deletes an account keeping the name of the last change that could apply before it', () => {
    const [write] = foldAccountChanges([saved('acme', 3, 'kept'), saved('acme', 2, 'stale'), deleted('acme', 8)]);
    expect(write).toEqual({
      accountId: 'acme',
      changedAt: at(8),
      deleted: true,
      named: { name: 'kept', domain: null, changedAt: at(3) },
    });
    expect(foldAccountChanges([deleted('acme', 8), saved('acme', 2)])[0]!.named).toBeNull();
  });

  it('writes the same accounts as one by one, whatever is stored (random chunks and stored rows)', () => {
    const random = seeded(11);
    for (let round = 0; round < 2000; round++) {
      const changes = Array.from({ length: 1 + random.int(8) }, (_, i) => {
        const minute = random.int(6);
        return random.int(3) === 0 ? deleted('acme', minute) : saved('acme', minute, `change ${i}`);
      });
      const stored = random.int(3) === 0 ? null : storedAccount(random.int(6), random.int(2) === 0);
      const [write] = foldAccountChanges(changes);
      expect(resolveAccount(stored, write!), JSON.stringify({ stored, changes })).toEqual(
        changes.reduce(applyAccountChange, stored),
      );
    }
  });
});

/*
 * Models of the two ways to write: one change at a time (the per-change statements this fold replaces) and the folded
 * write against whatever row is stored (what the chunk's statement does). Times compare as instants, as PostgreSQL does.
 */
type Link = { relationship: string | null; jobTitle: PersonUpserted['jobTitle']; linked: boolean; updatedAt: string };
type Account = { name: string; domain: string | null; deleted: boolean; updatedAt: string };
const newer = (a: string, b: string) => Date.parse(a) > Date.parse(b);

const storedLink = (minute: number, isLinked: boolean): Link => ({
  relationship: 'stored',
  jobTitle: 'stored',
  linked: isLinked,
  updatedAt: at(minute),
});
const storedAccount = (minute: number, isDeleted: boolean): Account => ({
  name: 'stored',
  domain: 'stored.example',
  deleted: isDeleted,
  updatedAt: at(minute),
});

/** Insert or update when newer; an end updates a stored row only (there is no person to insert). */
function applyLinkChange(row: Link | null, change: PersonChanged): Link | null {
  if (change.person === null) {
    return row && newer(change.changedAt, row.updatedAt) ? { ...row, linked: false, updatedAt: change.changedAt } : row;
  }
  if (row && !newer(change.changedAt, row.updatedAt)) return row;
  return {
    relationship: change.relationship,
    jobTitle: change.person.jobTitle,
    linked: true,
    updatedAt: change.changedAt,
  };
}

function resolveLink(row: Link | null, write: PersonLinkWrite): Link | null {
  if (row === null) {
    const created = write.created;
    return (
      created && {
        relationship: created.relationship,
        jobTitle: created.person.jobTitle,
        linked: created.linked,
        updatedAt: created.changedAt,
      }
    );
  }
  if (!newer(write.changedAt, row.updatedAt)) return row;
  const link = write.link && newer(write.link.changedAt, row.updatedAt) ? write.link : null;
  return {
    relationship: link ? link.relationship : row.relationship,
    jobTitle: link ? link.person.jobTitle : row.jobTitle,
    linked: write.linked,
    updatedAt: write.changedAt,
  };
}

/** Insert or update when newer; a deletion inserts a nameless tombstone, or keeps the stored name. */
function applyAccountChange(row: Account | null, change: AccountChanged): Account | null {
  if (row && !newer(change.changedAt, row.updatedAt)) return row;
  if (change.account === null) {
    return { name: row?.name ?? '', domain: row?.domain ?? null, deleted: true, updatedAt: change.changedAt };
  }
  return {
    name: change.account.name,
    domain: change.account.domain?.trim() || null,
    deleted: false,
    updatedAt: change.changedAt,
  };
}

function resolveAccount(row: Account | null, write: AccountWrite): Account | null {
  if (row && !newer(write.changedAt, row.updatedAt)) return row;
  const named = write.named && (row === null || newer(write.named.changedAt, row.updatedAt)) ? write.named : null;
  return {
    name: named ? named.name : (row?.name ?? ''),
    domain: named ? named.domain : (row?.domain ?? null),
    deleted: write.deleted,
    updatedAt: write.changedAt,
  };
}

/** A deterministic generator, so a failing round replays. */
function seeded(seed: number) {
  const next = seededRandom(seed);
  return { int: (below: number) => Math.floor(next() * below) };
}
