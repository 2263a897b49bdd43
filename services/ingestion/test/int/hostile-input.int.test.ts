import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pg from 'pg';
import type { Producer } from 'kafkajs';
import { deadLetterTopic, Topics, topicsReadBy } from '@bg/contracts';
import { decodeCloudEvent } from '@bg/kafka';
import { createLogger, loadConfig, type RunningWorker } from '@bg/service-kit';
import {
  connectTestProducer,
  createTestContext,
  crmEvent,
  eventually,
  personRecord,
  TopicProbe,
  type ReceivedMessage,
  type TestContext,
} from '@bg/testing';
import { ingestionConfigSchema } from '../../src/config';
import { startIngestion } from '../../src/app';

/**
 * No input may stop the pipeline: hostile values (lone surrogates, NUL characters, control characters, deep nesting,
 * odd instants and offsets, huge numbers) sent through the real consumer into the real database. Every event is
 * either stored — exactly as the decoder validated it — or dead-lettered with the decoder's code and field, and the
 * consumer never stops: a marker sent after them all comes out.
 */

let ctx: TestContext;
let service: RunningWorker;
let producer: Producer;
let changes: TopicProbe;
let dlq: TopicProbe;
let db: pg.Pool;
const fatal: unknown[] = [];

const reading = topicsReadBy(['person.upserted', 'person.deleted'])[Topics.crmPersons]!;
const maxMessageBytes = 256 * 1024;

/** Text as a CRM might send it, and worse: any UTF-16 code units (lone surrogates, NUL, controls), emoji, long runs. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('\u0000', '\ud800', '\udfff', 'A\u0000B', '\u202e\u0007', '🙂'.repeat(50), 'x'.repeat(5_000)),
);
/** Instants in every form the schema lets through, and some it must not: years 0000–9999, offsets up to ±23:59. */
const hostileInstant = fc
  .record({
    year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 1969, 1970, 9999)),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    fraction: fc.constantFrom('', '.5', '.123456789'),
    zone: fc.oneof(
      fc.constant('Z'),
      fc
        .record({
          sign: fc.constantFrom('+', '-'),
          h: fc.integer({ min: 0, max: 23 }),
          m: fc.integer({ min: 0, max: 59 }),
        })
        .map(({ sign, h, m }) => `${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
    ),
  })
  .map(({ year, month, day, hour, fraction, zone }) => {
    const two = (n: number) => String(n).padStart(2, '0');
    return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:30:00${fraction}${zone}`;
  });
/** Attributes nested 1–120 deep (the limit is 64), built as text by the caller so that building them never overflows. */
const nesting = fc.integer({ min: 1, max: 120 });

type Sent = { key: string; value: string };

function hostilePeople(count: number): Sent[] {
  const samples = fc.sample(
    fc.record({
      firstName: hostileText,
      jobTitle: hostileText,
      department: fc.option(hostileText, { nil: null }),
      attributeKey: hostileText,
      attributeValue: fc.oneof(hostileText, fc.double(), fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2)),
      depth: nesting,
      updatedAt: hostileInstant,
    }),
    { numRuns: count, seed: 20261130 },
  );
  return samples.map((s, i) => {
    const personId = `fuzz-${String(i).padStart(4, '0')}`;
    const person = personRecord(personId, ['acc-fuzz'], {
      firstName: s.firstName,
      jobTitle: s.jobTitle,
      department: s.department,
      attributes: { [s.attributeKey]: s.attributeValue, deep: 'DEEP' },
      updatedAt: s.updatedAt,
    });
    const value = crmEvent('person.upserted', person, `evt-${personId}`).replace(
      '"DEEP"',
      '['.repeat(s.depth) + ']'.repeat(s.depth),
    );
    return { key: personId, value };
  });
}

beforeAll(async () => {
  ctx = await createTestContext();
  db = new pg.Pool({ connectionString: ctx.databaseUrl, options: '-c search_path=ingestion' });
  producer = await connectTestProducer(ctx.kafka);
  changes = await new TopicProbe(ctx.kafka, `${ctx.topicPrefix}${Topics.recordChanges}`).start();
  dlq = await new TopicProbe(ctx.kafka, `${ctx.topicPrefix}${deadLetterTopic(Topics.crmPersons)}`).start();
  service = await startIngestion(
    loadConfig(ingestionConfigSchema, { ...ctx.env, MAX_MESSAGE_BYTES: String(maxMessageBytes) }),
    createLogger('ingestion', ctx.env.LOG_LEVEL!),
    (error) => fatal.push(error),
  );
});

afterAll(async () => {
  await service?.stop();
  await Promise.all([changes?.stop(), dlq?.stop(), producer?.disconnect()]);
  await db?.end();
});

describe('hostile input through the real consumer and database', () => {
  it('stores every event the decoder accepts as it validated it, dead-letters the others with their reason, and never stops', async () => {
    const sent = hostilePeople(300);
    const expected = sent.map((m) => ({
      ...m,
      decoded: decodeCloudEvent(Buffer.from(m.value), reading, maxMessageBytes),
    }));
    for (let i = 0; i < sent.length; i += 50) {
      await producer.send({ topic: `${ctx.topicPrefix}${Topics.crmPersons}`, messages: sent.slice(i, i + 50) });
    }
    const marker = personRecord('fuzz-marker', ['acc-fuzz'], { updatedAt: '2026-11-30T00:00:00Z' });
    await producer.send({
      topic: `${ctx.topicPrefix}${Topics.crmPersons}`,
      messages: [{ key: 'fuzz-marker', value: crmEvent('person.upserted', marker) }],
    });

    const refused = expected.filter((e) => e.decoded.ok !== true);
    const accepted = expected.filter((e) => e.decoded.ok === true);
    // Both kinds must be well represented, or the property says little.
    expect(refused.length).toBeGreaterThan(50);
    expect(accepted.length).toBeGreaterThan(50);

    await changes.waitFor(
      (messages) => messages.some((m) => m.key === 'acc-fuzz' && m.value?.includes('fuzz-marker')),
      60_000,
    );
    const sourceOf = (m: ReceivedMessage) => `${m.headers['x-source-partition']}/${m.headers['x-source-offset']}`;
    await dlq.waitFor((messages) => new Set(messages.map((m) => m.key)).size >= refused.length, 30_000);
    expect(fatal).toEqual([]);

    // The refused ones: dead-lettered byte-identical, with the decoder's code and reason, and nothing else. A dead
    // letter is at least once (a chunk delivered again after a rebalance sends its own again): a copy names the same
    // source offset and is identical.
    const bySource = new Map<string, ReceivedMessage>();
    for (const m of dlq.messages) {
      const source = sourceOf(m);
      const first = bySource.get(source);
      if (first) expect(m.value!.equals(first.value!) && m.key === first.key, source).toBe(true);
      else bySource.set(source, m);
    }
    expect(new Set([...bySource.values()].map((m) => m.key))).toEqual(new Set(refused.map((e) => e.key)));
    for (const e of refused) {
      const dead = dlq.messages.find((m) => m.key === e.key)!;
      expect(dead.value!.equals(Buffer.from(e.value))).toBe(true);
      if (e.decoded.ok === false) {
        expect(dead.headers['x-error-code']).toBe(e.decoded.code);
        expect(dead.headers['x-error-message']).toBe(e.decoded.message);
      }
    }
    // The accepted ones: stored exactly as validated (instants in UTC, text unaltered), none refused by the database.
    // The marker shows that its own partition is through; the others may still be applying.
    const rows = await eventually(async () => {
      const { rows } = await db.query<{ person_id: string; data: unknown; updated_at: Date }>(
        "SELECT person_id, data, updated_at FROM persons WHERE person_id LIKE 'fuzz-%' AND person_id <> 'fuzz-marker'",
      );
      expect(rows.length).toBeGreaterThanOrEqual(accepted.length);
      return rows;
    }, 60_000);
    const stored = new Map(rows.map((r) => [r.person_id, r]));
    for (const e of accepted) {
      const person = (e.decoded as { event: { data: { updatedAt: string } } }).event.data;
      expect(stored.get(e.key)?.data, e.key).toEqual({
        ...person,
        accounts: [{ accountId: 'acc-fuzz', relationship: 'employee' }],
      });
      expect(stored.get(e.key)!.updated_at.toISOString()).toBe(person.updatedAt);
    }
    expect(rows).toHaveLength(accepted.length);
  }, 120_000);

  it('dead-letters a tombstone and a binary key byte for byte (a null value stays null)', async () => {
    const binaryKey = Buffer.from([0xff, 0x00, 0xfe, 0x80]);
    await producer.send({
      topic: `${ctx.topicPrefix}${Topics.crmPersons}`,
      messages: [{ key: binaryKey, value: null }],
    });
    const [dead] = (await dlq.waitFor((messages) => messages.some((m) => m.value === null))).filter(
      (m) => m.value === null,
    );
    expect(dead!.rawKey!.equals(binaryKey)).toBe(true);
    expect(dead!.headers['x-error-code']).toBe('invalid-json');
  });
});
