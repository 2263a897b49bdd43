import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopic, topicsReadBy, Topics } from '@bg/contracts';
import { BatchConsumer, EventProducer, type IncomingEvent } from '@bg/kafka';
import {
  connectTestProducer,
  createTestContext,
  crmEvent,
  personRecord,
  TopicProbe,
  type TestContext,
} from '@bg/testing';
import { createLogger } from '../../src/logger';

// The partitions of one fetch go as one unit of work (one transaction), so that a light load does not pay a unit's
// fixed cost per partition. What must hold regardless: each partition's order, every event applied once, and an event
// that fails because of its input dead-lettered alone — also when the chunk it failed in held other partitions.
const PARTITIONS = 3;
const PER_PARTITION = 10;

let ctx: TestContext;
let producer: EventProducer;
let dlq: TopicProbe;

beforeAll(async () => {
  ctx = await createTestContext({ partitions: PARTITIONS });
  producer = new EventProducer(ctx.kafka, ctx.topicPrefix);
  await producer.connect();
  dlq = await new TopicProbe(ctx.kafka, `${ctx.topicPrefix}${deadLetterTopic(Topics.crmPersons)}`).start();
});

afterAll(async () => {
  await dlq?.stop();
  await producer?.disconnect();
});

describe('chunks of several partitions fetched together', () => {
  it('are applied as one unit; a bad event among them is dead-lettered alone, the rest applied once, in order', async () => {
    const units: { partition: number; key: string }[][] = [];
    const fatal: unknown[] = [];
    const consumer = new BatchConsumer({
      kafka: ctx.kafka,
      producer,
      logger: createLogger('merged-chunks-test', 'silent'),
      groupId: 'merged-chunks',
      topicPrefix: ctx.topicPrefix,
      topics: topicsReadBy(['person.upserted']),
      maxMessageBytes: 1024 * 1024,
      classify: () => 'deterministic',
      dependenciesHealthy: async () => true,
      onFatal: (error) => fatal.push(error),
      apply: async (events: IncomingEvent[]) => {
        // Like a transaction: a failed unit leaves nothing behind.
        if (events.some((e) => e.key === 'p-1-bad')) throw new Error('p-1-bad is refused');
        units.push(events.map((e) => ({ partition: e.partition, key: e.key! })));
      },
    });
    const keyAt = (partition: number, i: number) => (partition === 1 && i === 4 ? 'p-1-bad' : `p-${partition}-${i}`);
    const input = await connectTestProducer(ctx.kafka);
    try {
      // Sent before the consumer starts, so that its first fetch brings every partition.
      await input.send({
        topic: `${ctx.topicPrefix}${Topics.crmPersons}`,
        messages: Array.from({ length: PARTITIONS }, (_, partition) =>
          Array.from({ length: PER_PARTITION }, (_, i) => ({
            partition,
            key: keyAt(partition, i),
            value: crmEvent('person.upserted', personRecord(keyAt(partition, i), ['acc-1'])),
          })),
        ).flat(),
      });
      await consumer.start();
      await dlq.waitFor((messages) => messages.length >= 1, 30_000);
      const expected = PARTITIONS * PER_PARTITION - 1;
      const deadline = Date.now() + 30_000;
      while (units.flat().length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      // Time for a redelivery or a second dead letter to show.
      await new Promise((r) => setTimeout(r, 2_000));

      expect(fatal).toEqual([]);
      const applied = units.flat();
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const good = Array.from({ length: PER_PARTITION }, (_, i) => keyAt(partition, i)).filter(
          (k) => k !== 'p-1-bad',
        );
        expect(applied.filter((e) => e.partition === partition).map((e) => e.key)).toEqual(good);
      }
      expect(dlq.messages.map((m) => m.key)).toEqual(['p-1-bad']);
      expect(dlq.messages[0]!.headers['x-source-partition']).toBe('1');
    } finally {
      await consumer.stop();
      await input.disconnect();
    }
  }, 90_000);

  it('are handed to one apply call when they all apply', async () => {
    const units: number[][] = [];
    const consumer = new BatchConsumer({
      kafka: ctx.kafka,
      producer,
      logger: createLogger('merged-chunks-test', 'silent'),
      groupId: 'merged-chunks-ok',
      topicPrefix: ctx.topicPrefix,
      topics: topicsReadBy(['person.upserted']),
      maxMessageBytes: 1024 * 1024,
      classify: () => 'deterministic',
      dependenciesHealthy: async () => true,
      onFatal: () => undefined,
      apply: async (events: IncomingEvent[]) => {
        units.push(events.map((e) => e.partition));
      },
    });
    try {
      // The first test's events are in the log already (three partitions, 30 events): a new group reads them all.
      await consumer.start();
      const deadline = Date.now() + 30_000;
      while (units.flat().length < PARTITIONS * PER_PARTITION && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(units.flat()).toHaveLength(PARTITIONS * PER_PARTITION);
      expect(units).toHaveLength(1);
      expect(new Set(units[0])).toEqual(new Set([0, 1, 2]));
    } finally {
      await consumer.stop();
    }
  }, 90_000);
});
