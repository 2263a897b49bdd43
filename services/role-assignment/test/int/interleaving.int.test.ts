import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  internalEventTypes,
  type AccountChanged,
  type AccountUpserted,
  type PersonChanged,
  type SolutionInterestDefined,
} from '@bg/contracts';
import type { IncomingEvent } from '@bg/kafka';
import { createPool, enqueue, withTransaction, type Pool, type PoolClient } from '@bg/postgres';
import { createLogger, type BackgroundJob } from '@bg/service-kit';
import { createTestContext, eventually } from '@bg/testing';
import { roleAssignmentSchema } from '../../src/app';
import { applyEvents } from '../../src/handlers/apply-events';
import { InterestCache } from '../../src/interest-cache';
import { createPendingRecomputeRunner } from '../../src/jobs/pending-recompute-runner';
import { createRecomputeJobRunner } from '../../src/jobs/recompute-job-runner';

/*
 * Chunks of different partitions run side by side. Here two of them are interleaved on purpose, deterministically: the
 * test holds a lock that stops one chunk half-way (after it read what decides which groups it touches), lets the other
 * run as far as it can, then lets the first finish. Whatever the order, the groups must end as if the two had run one
 * after the other.
 */

const logger = createLogger('test', 'silent');
const now = () => new Date().toISOString();
const cause = { eventId: 'evt-test', eventType: 'test' };
const t0 = Date.parse('2026-11-30T09:00:00Z');
const at = (minute: number) => new Date(t0 + minute * 60_000).toISOString();

let databaseUrl: string;
let pool: Pool;
let runners: BackgroundJob[] = [];
const interests = new InterestCache();
const pools: Pool[] = [];

beforeAll(async () => {
  ({ databaseUrl } = await createTestContext());
  pool = poolFor('runners');
  // The service's own background work, as it runs beside its consumer.
  runners = [
    createRecomputeJobRunner({
      pool,
      databaseUrl,
      schema: roleAssignmentSchema,
      logger,
      page: { accounts: 50, people: 5_000 },
      interests,
      now,
    }),
    createPendingRecomputeRunner({
      pool,
      databaseUrl,
      schema: roleAssignmentSchema,
      logger,
      batchSize: 50,
      interests,
      now,
    }),
  ];
  for (const runner of runners) await runner.start();
});

afterAll(async () => {
  for (const runner of runners) await runner.stop();
  for (const p of pools) await p.end();
});

describe('chunks interleaved with a hierarchy move or a definition change', () => {
  it('a person joining below an account that moves ends up in the new parent’s roll-up group', async () => {
    const tree = definition('si-tree', 'account-and-descendants', 1, 'Practitioner', ['po', 'pn', 'x', 'c']);
    await apply('setup', [defined(tree)]);
    await apply('setup', [
      accountChanged(account('po', null, at(0))),
      accountChanged(account('pn', null, at(0))),
      accountChanged(account('x', 'po', at(0))),
      accountChanged(account('c', 'x', at(0))),
    ]);
    await settled();

    // The person's chunk stops after it read c's ancestors (x, po): it waits for c's lock, which the test holds.
    const barrier = await holdLock(`SELECT pg_advisory_xact_lock(hashtextextended('role-assignment:' || 'c', 0))`);
    const joining = apply('person', [personJoined('c', 'quinn', at(1))]);
    await waitUntilWaiting('person');
    // The move of x from po to pn runs meanwhile, as far as it can: to its end if nothing orders it after the
    // person's chunk (then pn's roll-up is recomputed without quinn, whose link is not committed yet).
    const moving = apply('move', [accountChanged(account('x', 'pn', at(2)), 'po')]);
    await blockedOrSettled('move', moving);

    await barrier.release();
    await Promise.all([joining, moving]);
    await settled();

    expect(await roleOf('pn', 'si-tree', 'quinn')).toBe('Practitioner');
    expect(await roleOf('x', 'si-tree', 'quinn')).toBe('Practitioner');
    expect(await roleOf('po', 'si-tree', 'quinn')).toBeUndefined();
  });

  it('a chunk that read the old definition never overwrites the group its new definition recomputed', async () => {
    const v1 = definition('si-flat', 'account', 2, 'Practitioner', ['acme']);
    await apply('setup', [accountChanged(account('acme', null, at(0))), personJoined('acme', 'uma', at(0))]);
    await apply('setup', [defined(v1)]);
    await settled();
    expect(await roleOf('acme', 'si-flat', 'uma')).toBe('Practitioner');

    // A change of the account recomputes its group whole, from the definitions the chunk read (v1). It stops after
    // reading them: its lock of the account's row waits for the test's.
    const barrier = await holdLock(`SELECT 1 FROM accounts WHERE account_id = 'acme' FOR UPDATE`);
    const renaming = apply('account', [accountChanged({ ...account('acme', null, at(1)), name: 'Acme Inc.' })]);
    await waitUntilWaiting('account');
    // The new template runs meanwhile, as far as it can: saved, and its job over every account done — unless it is
    // ordered after the chunk that decided without it.
    const v2 = definition('si-flat', 'account', 3, 'Builder', ['acme']);
    v2.template.version = 2;
    const redefining = apply('definition', [defined(v2)]);
    await blockedOrSettled('definition', redefining);

    await barrier.release();
    await Promise.all([renaming, redefining]);
    await settled();

    expect(await roleOf('acme', 'si-flat', 'uma')).toBe('Builder');
    const { rows } = await pool.query<{ slots: { role: string }[] }>(
      `SELECT slots FROM groups WHERE account_id = 'acme' AND solution_interest_id = 'si-flat'`,
    );
    expect(rows[0]!.slots.map((s) => s.role)).toEqual(['Builder']);
  });
});

describe('the structure lock while no definition rolls up', () => {
  it('a hierarchy move takes it shared; one that meets a roll-up defined meanwhile is retried, and then locks it whole', async () => {
    // No roll-up definition is live: the hierarchy decides nothing another chunk reads.
    await apply('setup', [
      {
        type: internalEventTypes.solutionInterestDeleted,
        data: { solutionInterestId: 'si-tree', deletedAt: at(5), revision: 2 },
      },
      accountChanged(account('hq', null, at(5))),
    ]);
    await settled();
    const seen = new InterestCache(); // this consumer's view of the definitions, read once
    expect([...(await seen.current(pool)).values()].some((si) => si.memberScope === 'account-and-descendants')).toBe(
      false,
    );

    // A move while another chunk holds the structure lock shared runs through: it did not ask for it whole.
    const reader = await holdLock(
      `SELECT pg_advisory_xact_lock_shared(hashtextextended('role-assignment:structure', 0))`,
    );
    try {
      await applyWith(seen, 'mover', [accountChanged(account('branch', 'hq', at(6)))]);
    } finally {
      await reader.release();
    }

    // A roll-up is defined by another replica after this consumer last looked: its next move cannot go on shared.
    await apply('definer', [defined(definition('si-rollup', 'account-and-descendants', 1, 'Practitioner', ['hq']))]);
    await settled();
    const late = applyWith(seen, 'mover', [
      accountChanged(account('outpost', 'hq', at(7))),
      personJoined('outpost', 'vera', at(7)),
    ]);
    await expect(late).rejects.toMatchObject({ code: '40001' });
    // Retried (the consumer's transient path), the chunk now knows the roll-up and locks whole; vera reaches hq's group.
    await applyWith(seen, 'mover', [
      accountChanged(account('outpost', 'hq', at(7))),
      personJoined('outpost', 'vera', at(7)),
    ]);
    await settled();
    expect(await roleOf('hq', 'si-rollup', 'vera')).toBe('Practitioner');
  });
});

function poolFor(name: string): Pool {
  const p = createPool(databaseUrl, { schema: roleAssignmentSchema, applicationName: name, logger, max: 2 });
  pools.push(p);
  return p;
}

const chunkPools = new Map<string, Pool>();

/** Applies one chunk in its own transaction on a connection named `actor`, as the consumer's unit of work does. */
function apply(actor: string, events: { type: string; data: unknown }[]): Promise<void> {
  return applyWith(new InterestCache(), actor, events);
}

/** As `apply`, by a consumer whose view of the definitions is `interests` (what it last read). */
function applyWith(interests: InterestCache, actor: string, events: { type: string; data: unknown }[]): Promise<void> {
  if (!chunkPools.has(actor)) chunkPools.set(actor, poolFor(actor));
  return withTransaction(chunkPools.get(actor)!, async (tx) => {
    const { outbox } = await applyEvents(tx, events.map(incoming), { logger, interests, now });
    await enqueue(tx, outbox ?? []);
  });
}

/** Runs `statement` in a transaction left open, its locks held until `release` ends it. */
async function holdLock(statement: string): Promise<{ release: () => Promise<void> }> {
  const client: PoolClient = await pool.connect();
  await client.query('BEGIN');
  await client.query(statement);
  return {
    release: async () => {
      await client.query('ROLLBACK');
      client.release();
    },
  };
}

async function waitingOnLock(actor: string): Promise<boolean> {
  const { rows } = await pool.query(
    `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()
     AND wait_event_type = 'Lock'`,
    [actor],
  );
  return rows.length > 0;
}

async function waitUntilWaiting(actor: string): Promise<void> {
  await eventually(async () => expect(await waitingOnLock(actor)).toBe(true));
}

/** Until `actor`'s chunk waits for a lock, or has committed and everything it started has run. */
async function blockedOrSettled(actor: string, chunk: Promise<void>): Promise<void> {
  let done = false;
  void chunk.then(() => (done = true));
  await eventually(async () => {
    if (done) await settled();
    else expect(await waitingOnLock(actor)).toBe(true);
  });
}

/** No recompute job unfinished and nothing queued for the runner. */
async function settled(): Promise<void> {
  await eventually(async () => {
    const { rows } = await pool.query<{ busy: number }>(
      `SELECT (SELECT count(*) FROM recompute_jobs WHERE finished_at IS NULL)
            + (SELECT count(*) FROM pending_recomputes) AS busy`,
    );
    expect(Number(rows[0]!.busy)).toBe(0);
  });
}

async function roleOf(accountId: string, solutionInterestId: string, personId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ role: string }>(
    `SELECT role FROM group_members
     WHERE account_id = $1 AND solution_interest_id = $2 AND person_id = $3 AND NOT removed`,
    [accountId, solutionInterestId, personId],
  );
  return rows[0]?.role;
}

let offset = 0;
function incoming(event: { type: string; data: unknown }): IncomingEvent {
  offset += 1;
  const key = (event.data as { accountId?: string; solutionInterestId?: string }).accountId ?? 'components';
  return {
    topic: 'bg.internal.record-changes.v1',
    partition: 0,
    offset: String(offset),
    timestamp: Date.now(),
    key,
    headers: {},
    value: Buffer.alloc(0),
    event: { specversion: '1.0', id: `evt-${offset}`, type: event.type, source: 'bg/test', data: event.data },
  };
}

function definition(
  solutionInterestId: string,
  memberScope: SolutionInterestDefined['memberScope'],
  revision: number,
  role: string,
  accountIds: string[],
): SolutionInterestDefined {
  return {
    solutionInterestId,
    name: solutionInterestId,
    memberScope,
    template: {
      id: `rt-${solutionInterestId}`,
      version: 1,
      name: 'Anyone with a title',
      slots: [
        {
          role,
          weight: 100,
          required: true,
          minMembers: 1,
          maxMembers: null,
          conditions: { field: 'jobTitle', op: 'exists' },
        },
      ],
    },
    audience: { id: `aud-${solutionInterestId}`, name: 'Listed', accountIds },
    definedAt: at(0),
    revision,
  };
}

const defined = (data: SolutionInterestDefined) => ({ type: internalEventTypes.solutionInterestDefined, data });

function account(accountId: string, parentAccountId: string | null, updatedAt: string): AccountUpserted {
  return { accountId, name: accountId, parentAccountId, productsOwned: [], attributes: {}, updatedAt };
}

function accountChanged(data: AccountUpserted, previousParentAccountId: string | null = null) {
  const change: AccountChanged = {
    accountId: data.accountId,
    account: data,
    previousParentAccountId,
    changedAt: data.updatedAt,
    cause,
  };
  return { type: internalEventTypes.accountChanged, data: change };
}

function personJoined(accountId: string, personId: string, changedAt: string) {
  const change: PersonChanged = {
    accountId,
    personId,
    change: 'joined',
    relationship: 'employee',
    person: {
      personId,
      jobTitle: 'Engineer',
      accounts: [{ accountId, relationship: 'employee' }],
      attributes: {},
      updatedAt: changedAt,
    },
    changedAt,
    cause,
  };
  return { type: internalEventTypes.personChanged, data: change };
}
