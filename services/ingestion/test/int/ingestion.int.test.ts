import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Producer } from 'kafkajs';
import { Topics, deadLetterTopic } from '@bg/contracts';
import { createLogger, loadConfig, type RunningWorker } from '@bg/service-kit';
import {
  accountRecord,
  connectTestProducer,
  createTestContext,
  crmEvent,
  personRecord,
  TopicProbe,
  type TestContext,
} from '@bg/testing';
import { ingestionConfigSchema } from '../../src/config';
import { startIngestion } from '../../src/app';

let ctx: TestContext;
let service: RunningWorker;
let producer: Producer;
let changes: TopicProbe;
let personsDlq: TopicProbe;
let db: pg.Pool;

const t = (topic: string) => `${ctx.topicPrefix}${topic}`;
const start = () =>
  startIngestion(
    loadConfig(ingestionConfigSchema, { ...ctx.env, MAX_MESSAGE_BYTES: String(64 * 1024) }),
    createLogger('ingestion', ctx.env.LOG_LEVEL!),
    (error) => {
      throw error;
    },
  );

const account = (accountId: string, updatedAt: string, extra: object = {}) =>
  accountRecord(accountId, { productsOwned: ['product-y'], attributes: { tier: 'gold' }, updatedAt, ...extra });
const person = (personId: string, accounts: string[], updatedAt: string, jobTitle = 'Chief Marketing Officer') =>
  personRecord(personId, accounts, { updatedAt, jobTitle });

async function send(topic: string, key: string, value: string, headers?: Record<string, string>) {
  await producer.send({ topic: t(topic), messages: [{ key, value, headers }] });
}

type Change = {
  id: string;
  type: string;
  data: { accountId: string; personId?: string; change?: string; person?: { jobTitle?: string } | null };
};
const changesFor = (predicate: (c: Change) => boolean) => changes.values<Change>().filter(predicate);

beforeAll(async () => {
  ctx = await createTestContext();
  db = new pg.Pool({ connectionString: ctx.databaseUrl, options: '-c search_path=ingestion' });
  producer = await connectTestProducer(ctx.kafka);
  changes = await new TopicProbe(ctx.kafka, t(Topics.recordChanges)).start();
  personsDlq = await new TopicProbe(ctx.kafka, t(deadLetterTopic(Topics.crmPersons))).start();
  service = await start();
});

afterAll(async () => {
  await service?.stop();
  await Promise.all([changes?.stop(), personsDlq?.stop(), producer?.disconnect()]);
  await db?.end();
});

describe('ingestion', () => {
  it('persists a person linked to three accounts and emits one person change per account', async () => {
    for (const id of ['a1', 'a2', 'a3'])
      await send(Topics.crmAccounts, id, crmEvent('account.upserted', account(id, '2026-11-26T10:00:00Z')));
    await send(
      Topics.crmPersons,
      'p1',
      crmEvent('person.upserted', person('p1', ['a1', 'a2', 'a3'], '2026-11-26T10:00:00Z'), 'evt-p1-v1'),
    );

    await changes.waitFor(
      () =>
        changesFor((c) => c.data.personId === 'p1').length === 3 &&
        changesFor((c) => c.type === 'bg.account.changed').length === 3,
    );
    const emitted = changesFor((c) => c.data.personId === 'p1');
    expect(emitted.map((c) => c.data.accountId).sort()).toEqual(['a1', 'a2', 'a3']);
    expect(emitted.every((c) => c.type === 'bg.person.changed' && c.data.change === 'joined')).toBe(true);
    const keys = changes.messages.filter((m) => (m.json() as Change).data.personId === 'p1').map((m) => m.key);
    expect(keys.sort()).toEqual(['a1', 'a2', 'a3']);
    expect(
      changesFor((c) => c.type === 'bg.account.changed')
        .map((c) => c.data.accountId)
        .sort(),
    ).toEqual(['a1', 'a2', 'a3']);

    const links = await db.query(
      'SELECT account_id, relationship FROM person_accounts WHERE person_id = $1 ORDER BY account_id',
      ['p1'],
    );
    expect(links.rows).toEqual([
      { account_id: 'a1', relationship: 'employee' },
      { account_id: 'a2', relationship: 'employee' },
      { account_id: 'a3', relationship: 'employee' },
    ]);
  });

  it('when a person moves from account A to B, both A (left) and B (joined) are told', async () => {
    await send(Topics.crmPersons, 'p2', crmEvent('person.upserted', person('p2', ['a1'], '2026-11-26T10:00:00Z')));
    // Applied before the move is sent: two versions of a person in one chunk fold into one (joined a2 only).
    await changes.waitFor(() => changesFor((c) => c.data.personId === 'p2').length === 1);
    await send(Topics.crmPersons, 'p2', crmEvent('person.upserted', person('p2', ['a2'], '2026-11-26T11:00:00Z')));
    await changes.waitFor(() => changesFor((c) => c.data.personId === 'p2').length === 3);
    const moves = changesFor((c) => c.data.personId === 'p2')
      .slice(1)
      .map((c) => [c.data.accountId, c.data.change]);
    expect(moves.sort()).toEqual([
      ['a1', 'left'],
      ['a2', 'joined'],
    ]);
  });

  it('dead-letters each kind of bad input with its reason, unchanged, and goes on with later good events', async () => {
    const tooLarge = crmEvent('person.upserted', {
      ...person('big', [], '2026-11-26T10:00:00Z'),
      attributes: { blob: 'x'.repeat(70_000) },
    });
    const bad: [string, string][] = [
      ['invalid-json', '{"specversion": "1.0", '],
      ['not-a-cloudevent', JSON.stringify({ hello: 'world' })],
      ['unknown-type', crmEvent('person.exploded', { personId: 'x' })],
      ['invalid-data', crmEvent('person.upserted', { ...person('p-bad', ['a1'], 'yesterday') })],
      ['too-large', tooLarge],
    ];
    for (const [code, value] of bad) await send(Topics.crmPersons, `key-${code}`, value, { 'x-origin': 'test' });
    await send(Topics.crmPersons, 'p3', crmEvent('person.upserted', person('p3', ['a3'], '2026-11-26T10:00:00Z')));

    await personsDlq.waitFor((m) => m.length === bad.length);
    for (const [code, value] of bad) {
      const dead = personsDlq.messages.find((m) => m.headers['x-error-code'] === code);
      expect(dead, code).toBeDefined();
      expect(dead!.key).toBe(`key-${code}`);
      expect(dead!.value!.equals(Buffer.from(value))).toBe(true);
      expect(dead!.headers['x-source-topic']).toBe(Topics.crmPersons);
      expect(dead!.headers['x-origin']).toBe('test');
      expect(Number(dead!.headers['x-source-offset'])).toBeGreaterThanOrEqual(0);
      expect(dead!.headers['x-source-partition']).toMatch(/^\d+$/);
      expect(dead!.headers['x-error-message']!.length).toBeGreaterThan(5);
    }
    expect(
      personsDlq.messages.find((m) => m.headers['x-error-code'] === 'invalid-data')!.headers['x-error-message'],
    ).toContain('data.updatedAt');
    expect(
      personsDlq.messages.find((m) => m.headers['x-error-code'] === 'unknown-type')!.headers['x-error-message'],
    ).toContain('person.exploded');
    await changes.waitFor(() => changesFor((c) => c.data.personId === 'p3').length === 1);
  });

  it('ignores a redelivered event id and a stale update; an equal updatedAt is a no-op', async () => {
    const v2 = crmEvent('person.upserted', person('p4', ['a1'], '2026-11-26T12:00:00Z', 'CTO'), 'evt-p4-v2');
    await send(Topics.crmPersons, 'p4', v2);
    await send(Topics.crmPersons, 'p4', v2);
    await send(
      Topics.crmPersons,
      'p4',
      crmEvent('person.upserted', person('p4', ['a1'], '2026-11-26T11:00:00Z', 'Intern')),
    );
    await send(
      Topics.crmPersons,
      'p4',
      crmEvent('person.upserted', person('p4', ['a1'], '2026-11-26T12:00:00Z', 'Janitor')),
    );
    await send(Topics.crmPersons, 'p5', crmEvent('person.upserted', person('p5', ['a1'], '2026-11-26T12:00:00Z'))); // a marker
    await changes.waitFor(() => changesFor((c) => c.data.personId === 'p5').length === 1);

    const p4 = changesFor((c) => c.data.personId === 'p4');
    expect(p4).toHaveLength(1);
    expect(p4[0]!.data.person?.jobTitle).toBe('CTO');
    const stored = await db.query("SELECT data->>'jobTitle' AS title FROM persons WHERE person_id = 'p4'");
    expect(stored.rows[0].title).toBe('CTO');
  });

  it('propagates deletions: a deleted person is reported to every account it was linked to, and a late older upsert stays dead', async () => {
    await send(
      Topics.crmPersons,
      'p6',
      crmEvent('person.upserted', person('p6', ['a1', 'a2'], '2026-11-26T10:00:00Z')),
    );
    await send(Topics.crmAccounts, 'a9', crmEvent('account.upserted', account('a9', '2026-11-26T10:00:00Z')));
    // Seen first (events of one record in one chunk fold into the newest, which would hide the intermediate state).
    await changes.waitFor(
      () =>
        changesFor((c) => c.data.personId === 'p6').length === 2 &&
        changesFor((c) => c.data.accountId === 'a9').length === 1,
    );
    await send(
      Topics.crmPersons,
      'p6',
      crmEvent('person.deleted', { personId: 'p6', deletedAt: '2026-11-26T11:00:00Z' }),
    );
    await send(Topics.crmPersons, 'p6', crmEvent('person.upserted', person('p6', ['a1'], '2026-11-26T10:30:00Z')));
    await send(
      Topics.crmAccounts,
      'a9',
      crmEvent('account.deleted', { accountId: 'a9', deletedAt: '2026-11-26T11:00:00Z' }),
    );
    await changes.waitFor(() => changesFor((c) => c.data.accountId === 'a9').length === 2);
    await changes.waitFor(
      () => changesFor((c) => c.data.personId === 'p6' && c.data.change === 'deleted').length === 2,
    );
    expect(changesFor((c) => c.data.personId === 'p6')).toHaveLength(4);
    const stored = await db.query("SELECT deleted FROM persons WHERE person_id = 'p6'");
    expect(stored.rows[0].deleted).toBe(true);
    const deletedAccount = changesFor((c) => c.data.accountId === 'a9')[1] as unknown as { data: { account: unknown } };
    expect(deletedAccount.data.account).toBeNull();
  });

  it('applies activities once, however often they arrive, and re-emits them keyed by account', async () => {
    const activity = {
      activityId: 'act-1',
      personId: 'p1',
      accountId: 'a1',
      activityType: 'email.opened',
      occurredAt: '2026-11-26T10:00:00Z',
      attributes: {},
    };
    await send(Topics.crmActivities, 'p1', crmEvent('activity.recorded', activity));
    await send(Topics.crmActivities, 'p1', crmEvent('activity.recorded', activity)); // same activity, new event id
    await send(
      Topics.crmOpportunities,
      'o1',
      crmEvent('opportunity.upserted', {
        opportunityId: 'o1',
        accountId: 'a1',
        solutionInterestId: null,
        productName: 'Product X',
        stage: 'won',
        closedAt: '2026-11-20T00:00:00Z',
        contactRoles: [{ personId: 'p1', role: 'Decision Maker' }],
        updatedAt: '2026-11-26T10:00:00Z',
      }),
    );
    // A marker on the same key (so the same partition, after the copy): once it is out, the copy was handled.
    await send(Topics.crmActivities, 'p1', crmEvent('activity.recorded', { ...activity, activityId: 'act-marker' }));
    const accepted = (id: string) =>
      changesFor(
        (c) =>
          c.type === 'bg.activity.accepted' &&
          (c.data as { activity?: { activityId: string } }).activity?.activityId === id,
      );
    await changes.waitFor(
      () => changesFor((c) => c.type === 'bg.opportunity.changed').length === 1 && accepted('act-marker').length === 1,
    );
    expect(accepted('act-1')).toHaveLength(1);
  });

  it('tells events apart by source and id: two CRMs using the same event and activity ids both count, each once', async () => {
    const activity = {
      activityId: 'act-shared',
      personId: 'p1',
      accountId: 'a1',
      activityType: 'meeting.completed',
      occurredAt: '2026-11-26T10:00:00Z',
      attributes: {},
    };
    const fromSalesforce = crmEvent('activity.recorded', activity, 'evt-shared', 'crm/salesforce');
    await send(Topics.crmActivities, 'p1', fromSalesforce);
    await send(Topics.crmActivities, 'p1', crmEvent('activity.recorded', activity, 'evt-shared', 'crm/hubspot'));
    await send(Topics.crmActivities, 'p1', fromSalesforce); // redelivered
    await send(Topics.crmActivities, 'p1', crmEvent('activity.recorded', { ...activity, activityId: 'act-marker-2' }));
    const accepted = (activityId: string) =>
      changes
        .values<{ id: string; type: string; data: { activity: { activityId: string }; cause: object } }>()
        .filter((c) => c.type === 'bg.activity.accepted' && c.data.activity.activityId === activityId);
    await changes.waitFor(() => accepted('act-marker-2').length === 1);

    const shared = accepted('act-shared');
    expect(shared.map((c) => c.data.cause)).toEqual([
      { eventId: 'evt-shared', eventType: 'activity.recorded', source: 'crm/salesforce' },
      { eventId: 'evt-shared', eventType: 'activity.recorded', source: 'crm/hubspot' },
    ]);
    expect(new Set(shared.map((c) => c.id)).size).toBe(2);
    const stored = await db.query("SELECT source FROM activities WHERE activity_id = 'act-shared' ORDER BY source");
    expect(stored.rows).toEqual([{ source: 'crm/hubspot' }, { source: 'crm/salesforce' }]);
  });

  it('loses and double-applies nothing across a restart mid-stream and a full redelivery', async () => {
    const count = 150;
    const values = Array.from({ length: count }, (_, i) =>
      crmEvent('person.upserted', person(`r${i}`, [`acc-r${i % 7}`], '2026-11-26T10:00:00Z'), `evt-r${i}`),
    );
    const firstHalf = values.slice(0, 75).map((value, i) => ({ key: `r${i}`, value }));
    await producer.send({ topic: t(Topics.crmPersons), messages: firstHalf });
    await service.stop();
    await producer.send({
      topic: t(Topics.crmPersons),
      messages: values.slice(75).map((value, i) => ({ key: `r${i + 75}`, value })),
    });
    service = await start();
    await changes.waitFor(() => changesFor((c) => c.data.personId?.startsWith('r') ?? false).length === count, 40_000);

    // A crash between the database commit and the offset commit means redelivery: simulate the worst case, all of it.
    await service.stop();
    const admin = ctx.kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: `${ctx.topicPrefix}ingestion`, topic: t(Topics.crmPersons), earliest: true });
    await admin.disconnect();
    service = await start();
    await send(
      Topics.crmPersons,
      'marker',
      crmEvent('person.upserted', person('marker', ['a1'], '2026-11-26T10:00:00Z')),
    );
    await changes.waitFor(() => changesFor((c) => c.data.personId === 'marker').length === 1, 40_000);

    const replayed = changesFor((c) => c.data.personId?.startsWith('r') ?? false);
    expect(replayed).toHaveLength(count);
    expect(new Set(replayed.map((c) => c.id)).size).toBe(count);
    const stored = await db.query("SELECT count(*)::int AS n FROM persons WHERE person_id LIKE 'r%'");
    expect(stored.rows[0].n).toBe(count);
  });
});
