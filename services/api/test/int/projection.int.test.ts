import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from 'kafkajs';
import {
  accountChangedSchema,
  buyingGroupChangedSchema,
  buyingGroupChangedType,
  buyingGroupId,
  internalEventTypes,
  personChangedSchema,
  type BuyingGroupChanged,
} from '@bg/contracts';
import { physicalTopic, type IncomingEvent } from '@bg/kafka';
import { withTransaction, type PoolClient } from '@bg/postgres';
import { connectTestProducer, consumerLag, createTestContext, type TestContext } from '@bg/testing';
import { applyProjectionEvents, projectionConsumer } from '../../src/handlers/apply-projection';
import { account, eventually, person, publishedGroup, publishGroups, startApi, type RunningApi } from './support';

let ctx: TestContext;
let api: RunningApi;
let producer: Producer;

beforeAll(async () => {
  ctx = await createTestContext();
  producer = await connectTestProducer(ctx.kafka);
  api = await startApi(ctx);
});

afterAll(async () => {
  await api?.stop();
  await producer?.disconnect();
});

const read = (path: string) => api.call('GET', path, { token: 'read' });
/** A version as `GET /v1/buying-groups/{id}` gives it back: as published, plus its linked opportunities (none here). */
const asRead = <V extends object>(version: V) => ({ ...version, opportunities: [] });
const sql = async <T extends object = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> =>
  (await api.app.db.query<T>(text, values)).rows;

/** Every member row of a group with its xmin: the transaction that last wrote it. */
const memberVersions = async (groupId: string) =>
  new Map(
    (
      await sql<{ person_id: string; xmin: string }>(
        'SELECT person_id, xmin::text AS xmin FROM buying_group_members WHERE buying_group_id = $1',
        [groupId],
      )
    ).map((row) => [row.person_id, row.xmin]),
  );

/** Waits until the projection consumed everything published so far. */
const caughtUp = () =>
  eventually(async () =>
    expect(
      await consumerLag(ctx.kafka, physicalTopic(ctx.topicPrefix, projectionConsumer), [
        `${ctx.topicPrefix}buying-groups.changes.v1`,
        `${ctx.topicPrefix}bg.internal.record-changes.v1`,
      ]),
    ).toBe(0),
  );

const historyKeys = [
  'version',
  'name',
  'status',
  'completeness',
  'engagement',
  'missingRoles',
  'changes',
  'cause',
  'computedAt',
];

describe('a group version, stored as rows', () => {
  const v1 = publishedGroup({
    solutionInterestId: 'si-x',
    accountId: 'acc-x',
    version: 1,
    size: 40,
    coalesced: ['evt-0a', 'evt-0b'],
  });
  const v2 = publishedGroup({
    solutionInterestId: 'si-x',
    accountId: 'acc-x',
    version: 2,
    size: 38,
    moved: { 'p-00004': 1 },
    changes: [
      { kind: 'member.removed', personId: 'p-00038', role: 'Practitioner', source: 'rule' },
      { kind: 'member.removed', personId: 'p-00039', role: 'Influencer', source: 'rule' },
      { kind: 'member.role-changed', personId: 'p-00004', from: 'Practitioner', to: 'Influencer' },
    ],
  });

  it('gives back the latest version exactly as published, assembled from its group row and member rows', async () => {
    await publishGroups(producer, ctx.topicPrefix, [v1]);
    await eventually(async () =>
      expect((await read(`/v1/buying-groups/${v1.buyingGroupId}`)).body).toEqual(asRead(v1)),
    );
    await publishGroups(producer, ctx.topicPrefix, [v2]);
    await eventually(async () => expect((await read(`/v1/buying-groups/${v2.buyingGroupId}`)).body?.version).toBe(2));

    const detail = await read(`/v1/buying-groups/${v2.buyingGroupId}`);
    expect(detail.body).toEqual(asRead(v2));
    // One row per person (38 ruled, the manual member, 2 removed), nothing of it in the group row.
    expect(
      await sql('SELECT count(*)::int AS n FROM buying_group_members WHERE buying_group_id = $1', [v2.buyingGroupId]),
    ).toEqual([{ n: 41 }]);
    const [group] = await sql<{ published_people: unknown }>(
      'SELECT published_people FROM buying_groups WHERE buying_group_id = $1',
      [v2.buyingGroupId],
    );
    expect(group!.published_people).toBeNull();
    // A removed person is a row of their own (what the person view lists under removedFrom).
    expect(
      await sql(
        "SELECT role, source, removed, reason FROM buying_group_members WHERE buying_group_id = $1 AND person_id = 'p-gone-b'",
        [v2.buyingGroupId],
      ),
    ).toEqual([{ role: 'Decision Maker', source: 'import', removed: true, reason: null }]);
  });

  it('keeps history as what each version changed and the scores it led to, without members', async () => {
    const history = await read(`/v1/buying-groups/${v2.buyingGroupId}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items).toEqual([
      {
        version: 1,
        name: v1.name,
        status: 'active',
        completeness: { score: 100 },
        engagement: { score: 42 },
        missingRoles: [],
        changes: v1.changes,
        cause: v1.cause,
        coalesced: ['evt-0a', 'evt-0b'],
        computedAt: v1.computedAt,
      },
      {
        version: 2,
        name: v2.name,
        status: 'active',
        completeness: { score: 100 },
        engagement: { score: 42 },
        missingRoles: [],
        changes: v2.changes,
        cause: v2.cause,
        computedAt: v2.computedAt,
      },
    ]);
    expect(Object.keys(history.body.items[1]).sort()).toEqual([...historyKeys].sort());
  });
});

describe('a version that changes one member of a large group', () => {
  const size = 2000;
  const base = { solutionInterestId: 'si-big', accountId: 'acc-big', size };
  const v1 = publishedGroup({ ...base, version: 1 });
  const v2 = publishedGroup({
    ...base,
    version: 2,
    moved: { 'p-01000': 1 },
    changes: [{ kind: 'member.role-changed', personId: 'p-01000', from: 'Practitioner', to: 'Influencer' }],
  });
  const groupId = v1.buyingGroupId;

  beforeAll(async () => {
    await publishGroups(producer, ctx.topicPrefix, [v1]);
    await eventually(async () => expect((await read(`/v1/buying-groups/${groupId}`)).body?.version).toBe(1));
  });

  it('rewrites that member row alone and adds one history row without members', async () => {
    const before = await memberVersions(groupId);
    expect(before.size).toBe(size + 3);
    await publishGroups(producer, ctx.topicPrefix, [v2]);
    await eventually(async () => expect((await read(`/v1/buying-groups/${groupId}`)).body?.version).toBe(2));

    const after = await memberVersions(groupId);
    const rewritten = [...after]
      .filter(([personId, xmin]) => before.get(personId) !== xmin)
      .map(([personId]) => personId);
    expect(rewritten).toEqual(['p-01000']);
    expect(after.size).toBe(before.size);
    expect((await read(`/v1/buying-groups/${groupId}`)).body).toEqual(asRead(v2));

    const history = await sql<{ version: number; row: Record<string, unknown>; bytes: number }>(
      `SELECT version, to_jsonb(h) AS row, pg_column_size(h.*) AS bytes FROM buying_group_history h
       WHERE buying_group_id = $1 ORDER BY version`,
      [groupId],
    );
    expect(history.map((h) => h.version)).toEqual([1, 2]);
    expect(Object.keys(history[1]!.row).sort()).toEqual(
      [
        'account_id',
        'buying_group_id',
        'version',
        'status',
        'name',
        'completeness',
        'engagement',
        'missing_roles',
        'changes',
        'cause',
        'coalesced',
        'computed_at',
      ].sort(),
    );
    // The published event is about half a megabyte; its history row is what changed.
    expect(JSON.stringify(v2).length).toBeGreaterThan(400_000);
    expect(history[1]!.bytes).toBeLessThan(1_000);
    const [group] = await sql<{ bytes: number }>(
      'SELECT pg_column_size(g.*) AS bytes FROM buying_groups g WHERE buying_group_id = $1',
      [groupId],
    );
    expect(group!.bytes).toBeLessThan(2_000);
  });

  it('changes nothing when an older version is sent again', async () => {
    const rows = async () => ({
      group: await sql('SELECT xmin::text, * FROM buying_groups WHERE buying_group_id = $1', [groupId]),
      history: await sql('SELECT xmin::text, * FROM buying_group_history WHERE buying_group_id = $1 ORDER BY version', [
        groupId,
      ]),
      members: await memberVersions(groupId),
    });
    const before = await rows();
    await publishGroups(producer, ctx.topicPrefix, [v1]);
    await caughtUp();
    expect(await rows()).toEqual(before);
    expect((await read(`/v1/buying-groups/${groupId}`)).body).toEqual(asRead(v2));
  });
});

describe('one chunk', () => {
  let sequence = 0;
  const incoming = (type: string, data: unknown, key: string): IncomingEvent => ({
    topic: 'test',
    partition: 0,
    offset: String(sequence++),
    timestamp: Date.now(),
    key,
    headers: {},
    value: Buffer.alloc(0),
    event: { specversion: '1.0', id: `evt-chunk-${sequence}`, type, source: 'test', data },
  });
  const version = (snapshot: BuyingGroupChanged) =>
    incoming(buyingGroupChangedType, buyingGroupChangedSchema.parse(snapshot), snapshot.accountId);
  const accountChange = (accountId: string, changedAt: string, name: string | null) =>
    incoming(
      internalEventTypes.accountChanged,
      accountChangedSchema.parse({
        accountId,
        account: name === null ? null : account(accountId, { name, updatedAt: changedAt }),
        previousParentAccountId: null,
        changedAt,
        cause: { eventId: 'evt-test', eventType: 'test' },
      }),
      accountId,
    );
  const personChange = (
    personId: string,
    accountId: string,
    change: 'joined' | 'updated' | 'left' | 'deleted',
    changedAt: string,
    jobTitle = 'Engineer',
  ) =>
    incoming(
      internalEventTypes.personChanged,
      personChangedSchema.parse({
        accountId,
        personId,
        change,
        relationship: change === 'joined' || change === 'updated' ? 'employee' : null,
        person:
          change === 'joined' || change === 'updated'
            ? person(personId, [accountId], { jobTitle, updatedAt: changedAt })
            : null,
        changedAt,
        cause: { eventId: 'evt-test', eventType: 'test' },
      }),
      accountId,
    );
  const t = (minute: number) => new Date(Date.parse('2026-12-01T00:00:00.000Z') + minute * 60_000).toISOString();

  /** Applies a chunk as the consumer does (one transaction); returns how many statements it took. */
  const apply = async (events: IncomingEvent[]): Promise<number> => {
    let statements = 0;
    await withTransaction(api.app.db, async (tx) => {
      const counting = new Proxy(tx, {
        get: (target, property, receiver) =>
          property === 'query'
            ? (...args: unknown[]) => {
                statements += 1;
                return (target.query as (...a: unknown[]) => unknown).apply(target, args);
              }
            : Reflect.get(target, property, receiver),
      }) as PoolClient;
      await applyProjectionEvents(counting, events);
    });
    return statements;
  };

  /** Every row the projection writes for the chunk's records, with the transaction that last wrote it. */
  const state = async () => ({
    groups: await sql(
      "SELECT xmin::text, * FROM buying_groups WHERE account_id LIKE 'acc-c%' ORDER BY buying_group_id",
    ),
    members: await sql(
      "SELECT xmin::text, * FROM buying_group_members WHERE account_id LIKE 'acc-c%' ORDER BY buying_group_id, person_id",
    ),
    history: await sql(
      "SELECT xmin::text, * FROM buying_group_history WHERE account_id LIKE 'acc-c%' ORDER BY buying_group_id, version",
    ),
    accounts: await sql("SELECT xmin::text, * FROM accounts WHERE account_id LIKE 'acc-c%' ORDER BY account_id"),
    persons: await sql("SELECT xmin::text, * FROM persons WHERE person_id LIKE 'p-c%' ORDER BY person_id"),
    links: await sql(
      "SELECT xmin::text, * FROM person_accounts WHERE account_id LIKE 'acc-c%' ORDER BY account_id, person_id",
    ),
    linkTimes: await sql(
      "SELECT xmin::text, * FROM person_link_times WHERE account_id LIKE 'acc-c%' ORDER BY account_id, person_id",
    ),
  });

  const chunk = [
    version(publishedGroup({ solutionInterestId: 'si-c', accountId: 'acc-c1', version: 1, size: 5 })),
    version(publishedGroup({ solutionInterestId: 'si-c', accountId: 'acc-c1', version: 2, size: 6, changes: [] })),
    version(publishedGroup({ solutionInterestId: 'si-c', accountId: 'acc-c2', version: 1, size: 3 })),
    accountChange('acc-c1', t(1), 'Contoso'),
    accountChange('acc-c1', t(3), 'Contoso Ltd'),
    // Older than the change before it: changes nothing.
    accountChange('acc-c1', t(2), 'Contoso (stale)'),
    // Created and deleted within the chunk: a tombstone with the last known data.
    accountChange('acc-c2', t(1), 'Fabrikam'),
    accountChange('acc-c2', t(2), null),
    personChange('p-c1', 'acc-c1', 'joined', t(1), 'CTO'),
    personChange('p-c1', 'acc-c1', 'updated', t(3), 'Chief Technology Officer'),
    personChange('p-c1', 'acc-c1', 'updated', t(2), 'stale title'),
    personChange('p-c2', 'acc-c1', 'joined', t(1)),
    personChange('p-c2', 'acc-c1', 'left', t(2)),
    personChange('p-c3', 'acc-c2', 'joined', t(1)),
    personChange('p-c3', 'acc-c2', 'deleted', t(2)),
  ];

  it('applies the newest change per record, keeps tombstones, and a redelivery of the whole chunk changes nothing', async () => {
    await apply(chunk);
    const first = await state();
    expect(first.groups.map((g) => [g.buying_group_id, g.version])).toEqual(
      [
        [buyingGroupId('si-c', 'acc-c1'), 2],
        [buyingGroupId('si-c', 'acc-c2'), 1],
      ].sort(),
    );
    expect(first.history).toHaveLength(3);
    expect((await read('/v1/accounts/acc-c1')).body.account).toMatchObject({ name: 'Contoso Ltd', deleted: false });
    expect((await read('/v1/accounts/acc-c2')).body.account).toMatchObject({ name: 'Fabrikam', deleted: true });
    const cto = await read('/v1/persons/p-c1');
    expect(cto.body.person).toMatchObject({ jobTitle: 'Chief Technology Officer', deleted: false });
    expect(cto.body.accounts).toEqual([{ accountId: 'acc-c1', name: 'Contoso Ltd', relationship: 'employee' }]);
    expect((await read('/v1/persons/p-c2')).body.accounts).toEqual([]);
    expect((await read('/v1/persons/p-c3')).body).toMatchObject({ person: { deleted: true }, accounts: [] });

    await apply(chunk);
    expect(await state()).toEqual(first);
  });

  it('is written in a fixed number of statements, whatever its size', async () => {
    const ofSize = (n: number, minute: number) =>
      Array.from({ length: n }, (_, i) => [
        version(publishedGroup({ solutionInterestId: `si-s${i}`, accountId: 'acc-c9', version: 1, size: 3 })),
        accountChange(`acc-c9-${i}`, t(minute), `Account ${i}`),
        accountChange(`acc-c9-${i}`, t(minute + 1), null),
        personChange(`p-c9-${i}`, 'acc-c9', 'joined', t(minute)),
        personChange(`p-c9-${i}`, 'acc-c9', 'deleted', t(minute + 1)),
      ]).flat();
    const small = await apply(ofSize(1, 10));
    const large = await apply(ofSize(50, 20));
    expect(large).toBe(small);
    // Member rows take two (compared by digest, then only those that differ written), and one more asks whether a
    // changed person is a contact on a won deal (the role model's training data).
    expect(small).toBeLessThanOrEqual(12);
  });
});
