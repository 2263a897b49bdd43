import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internalEventTypes, type AccountChanged, type PersonChanged, type PersonUpserted } from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import { createPool, withTransaction, type Pool, type PoolClient, type Queryable } from '@bg/postgres';
import { createTestContext, seededRandom } from '@bg/testing';
import { enrichmentSchema } from '../../src/app';
import { applyEvents, type HandlerDeps } from '../../src/handlers/apply-events';

/*
 * A chunk of record changes is folded per record and written with one statement per table. Here a chunk of 300
 * changes (several per record, out of order, equal times, ends of links and deletions), over rows already stored, must
 * leave exactly the rows the per-change statements it replaced leave when run one change at a time.
 */

const ACCOUNTS = 8;
const PERSONS_PER_ACCOUNT = 4;
const cause = { eventId: 'evt-upstream', eventType: 'test' };
const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 9, minute)).toISOString();

let pool: Pool;
const deps: HandlerDeps = {
  clock: () => Date.parse('2026-11-26T12:00:00Z'),
  policy: { lookupsEnabled: false, cooldownMs: 0 },
  onCommitted: () => undefined,
};

beforeAll(async () => {
  const ctx = await createTestContext();
  pool = createPool(ctx.databaseUrl, { schema: enrichmentSchema, logger: { warn: () => undefined } });
  // What is stored before the chunk: older, newer and equal to its changes, tombstones included, and records it lacks.
  await withTransaction(pool, async (tx) => {
    for (const change of randomChanges(seeded(3), 120, 'stored')) await perChange(tx, change);
  });
});

afterAll(async () => {
  await pool?.end();
});

describe('a chunk of record changes', () => {
  const changes = randomChanges(seeded(42), 300, 'chunk');

  it('leaves the rows that applying its changes one by one leaves', async () => {
    const oneByOne = await rolledBack(async (tx) => {
      for (const change of changes) await perChange(tx, change);
      return projection(tx);
    });
    const chunkOfOne = await rolledBack(async (tx) => {
      for (const [i, change] of changes.entries()) await applyEvents(deps, tx, [incoming(change, i)]);
      return projection(tx);
    });
    const chunk = await rolledBack(async (tx) => {
      await applyEvents(deps, tx, changes.map(incoming));
      return projection(tx);
    });

    expect(recordsOutOfOrder(changes)).toBeGreaterThan(ACCOUNTS * PERSONS_PER_ACCOUNT * 0.5);
    expect(oneByOne.persons.length).toBeGreaterThan(ACCOUNTS * PERSONS_PER_ACCOUNT * 0.8);
    expect(oneByOne.persons.filter((p) => !p.linked).length).toBeGreaterThan(0);
    expect(oneByOne.accounts.filter((a) => a.deleted).length).toBeGreaterThan(0);
    expect(chunk).toEqual(oneByOne);
    expect(chunkOfOne).toEqual(oneByOne);
  });

  it('takes one statement per table whatever its size, and is redelivered as one by one', async () => {
    const events = changes.map(incoming);
    const statementsOf = (chunk: IncomingEvent[]) =>
      rolledBack(async (tx) => {
        const counted = countingStatements(tx);
        await applyEvents(deps, counted.tx, chunk);
        return counted.statements;
      });
    expect(await statementsOf(events.slice(0, 30))).toBe(2);
    // One by one, a redelivery changes nothing but where an end of a link was dropped for want of a stored link and
    // an older link came after it: delivered again, the end finds that link. The chunk must do the same.
    const twiceOneByOne = await rolledBack(async (tx) => {
      for (const change of [...changes, ...changes]) await perChange(tx, change);
      return projection(tx);
    });
    const twice = await rolledBack(async (tx) => {
      const counted = countingStatements(tx);
      await applyEvents(deps, counted.tx, events);
      expect(counted.statements).toBe(2);
      await applyEvents(deps, counted.tx, events);
      expect(counted.statements).toBe(4);
      return projection(tx);
    });
    expect(twice).toEqual(twiceOneByOne);
  });
});

type Change = { type: 'person'; data: PersonChanged } | { type: 'account'; data: AccountChanged };

/** Changes of a few records, at minutes drawn from a small range: out of order, and often at equal times. */
function randomChanges(random: ReturnType<typeof seeded>, count: number, label: string): Change[] {
  return Array.from({ length: count }, (_, i): Change => {
    const accountId = `acc-${random.int(ACCOUNTS)}`;
    const changedAt = at(random.int(24));
    const ends = random.int(4) === 0;
    if (random.int(3) === 0) {
      const account = {
        accountId,
        name: `${label} ${i}`,
        domain: [null, `${accountId}.example`, ` ${accountId}.example `, ' '][random.int(4)]!,
        parentAccountId: null,
        productsOwned: [],
        attributes: {},
        updatedAt: changedAt,
      };
      const data = { accountId, account: ends ? null : account, previousParentAccountId: null, changedAt, cause };
      return { type: 'account', data };
    }
    const personId = `per-${random.int(PERSONS_PER_ACCOUNT)}`;
    const data: PersonChanged = {
      accountId,
      personId,
      change: ends ? 'left' : 'updated',
      relationship: ends ? null : ['employee', 'contractor', null][random.int(3)]!,
      person: ends ? null : person(personId, accountId, `${label} ${i}`, changedAt),
      changedAt,
      cause,
    };
    return { type: 'person', data };
  });
}

/** How many records of the chunk have a change older than one that arrived before it. */
function recordsOutOfOrder(changes: Change[]): number {
  const newest = new Map<string, string>();
  const outOfOrder = new Set<string>();
  for (const { type, data } of changes) {
    const key = type === 'person' ? `${data.accountId}/${data.personId}` : data.accountId;
    const held = newest.get(key);
    if (held !== undefined && data.changedAt < held) outOfOrder.add(key);
    if (held === undefined || data.changedAt > held) newest.set(key, data.changedAt);
  }
  return outOfOrder.size;
}

function person(personId: string, accountId: string, jobTitle: string, updatedAt: string): PersonUpserted {
  return {
    personId,
    email: `${personId}@${accountId}.example`,
    firstName: null,
    lastName: null,
    jobTitle,
    department: null,
    seniority: null,
    country: null,
    accounts: [{ accountId, relationship: 'employee' }],
    attributes: {},
    updatedAt,
  };
}

function incoming(change: Change, offset: number): IncomingEvent {
  const type = change.type === 'person' ? internalEventTypes.personChanged : internalEventTypes.accountChanged;
  return {
    topic: 'bg.internal.record-changes.v1',
    partition: 0,
    offset: String(offset),
    timestamp: 0,
    key: change.data.accountId,
    headers: {},
    value: Buffer.alloc(0),
    event: { specversion: '1.0', id: `evt-${offset}`, type, source: 'bg/ingestion', data: change.data },
  };
}

/** The statements each change ran before chunks were folded: the semantics the folded write must keep. */
async function perChange(db: Queryable, change: Change): Promise<void> {
  if (change.type === 'account') {
    const { accountId, account, changedAt } = change.data;
    if (account === null) {
      await db.query(
        `INSERT INTO accounts (account_id, name, domain, updated_at, deleted) VALUES ($1, '', NULL, $2, true)
         ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET deleted = true, updated_at = EXCLUDED.updated_at
         WHERE accounts.updated_at < EXCLUDED.updated_at`,
        [accountId, changedAt],
      );
      return;
    }
    await db.query(
      `INSERT INTO accounts (account_id, name, domain, updated_at, deleted) VALUES ($1, $2, $3, $4, false)
       ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET name = EXCLUDED.name, domain = EXCLUDED.domain,
         updated_at = EXCLUDED.updated_at, deleted = false
       WHERE accounts.updated_at < EXCLUDED.updated_at`,
      [accountId, account.name, account.domain?.trim() || null, changedAt],
    );
    return;
  }
  const { accountId, personId, relationship, person: linked, changedAt } = change.data;
  if (linked === null) {
    await db.query(
      `UPDATE account_persons SET linked = false, updated_at = $3
       WHERE account_id = $1 AND person_id = $2 AND updated_at < $3`,
      [accountId, personId, changedAt],
    );
    return;
  }
  await db.query(
    `INSERT INTO account_persons (account_id, person_id, relationship, person, updated_at, linked)
     VALUES ($1, $2, $3, $4, $5, true)
     ON CONFLICT ON CONSTRAINT account_persons_pkey DO UPDATE
       SET relationship = EXCLUDED.relationship, person = EXCLUDED.person, updated_at = EXCLUDED.updated_at, linked = true
     WHERE account_persons.updated_at < EXCLUDED.updated_at`,
    [accountId, personId, relationship, linked, changedAt],
  );
}

async function projection(db: Queryable) {
  const accounts = await db.query<{ deleted: boolean }>(
    'SELECT account_id, name, domain, deleted, updated_at FROM accounts ORDER BY account_id',
  );
  const persons = await db.query<{ linked: boolean }>(
    `SELECT account_id, person_id, relationship, person, linked, updated_at FROM account_persons
     ORDER BY account_id, person_id`,
  );
  return { accounts: accounts.rows, persons: persons.rows };
}

/** Runs `fn` in a transaction that is rolled back, so each way of applying the chunk starts from the same rows. */
async function rolledBack<T>(fn: (tx: PoolClient) => Promise<T>): Promise<T> {
  const rollback = new Error('rollback');
  let result: T | undefined;
  await withTransaction(pool, async (tx) => {
    result = await fn(tx);
    throw rollback;
  }).catch((error: unknown) => {
    if (error !== rollback) throw error;
  });
  return result as T;
}

/** The transaction's client, counting the statements sent through it. */
function countingStatements(tx: PoolClient): { tx: PoolClient; readonly statements: number } {
  let statements = 0;
  const counted = new Proxy(tx, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
      return (...args: Parameters<PoolClient['query']>) => {
        statements++;
        return Reflect.apply(target.query, target, args) as unknown;
      };
    },
  });
  return {
    tx: counted,
    get statements() {
      return statements;
    },
  };
}

/** A deterministic generator, so a failing run replays. */
function seeded(seed: number) {
  const next = seededRandom(seed);
  return { int: (below: number) => Math.floor(next() * below) };
}
