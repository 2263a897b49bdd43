import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopic, topicsReadBy, Topics } from '@bg/contracts';
import { BatchConsumer, EventProducer } from '@bg/kafka';
import {
  connectTestProducer,
  createTestContext,
  crmEvent,
  personRecord,
  TopicProbe,
  type TestContext,
} from '@bg/testing';
import { createLogger } from '../../src/logger';

// Found under load (issue 12, defect 7): a chunk that fails because of one input is applied again one event per
// transaction; when that outlasts the group's session timeout (10 s) without a heartbeat, the group hands the
// partition on, the chunk is delivered again and its dead letters are sent twice (or the chunk never gets through).
const EVENTS = 160;
const APPLY_MS = 80; // 160 × 80 ms ≈ 13 s one by one: past the session timeout.

let ctx: TestContext;
let producer: EventProducer;
let dlq: TopicProbe;

beforeAll(async () => {
  ctx = await createTestContext({ partitions: 1 });
  producer = new EventProducer(ctx.kafka, ctx.topicPrefix);
  await producer.connect();
  dlq = await new TopicProbe(ctx.kafka, `${ctx.topicPrefix}${deadLetterTopic(Topics.crmPersons)}`).start();
});

afterAll(async () => {
  await dlq?.stop();
  await producer?.disconnect();
});

describe('a chunk applied one event at a time for longer than the session timeout', () => {
  it('keeps its partition: every event is applied once and the bad one is dead-lettered once', async () => {
    const applied: string[] = [];
    const fatal: unknown[] = [];
    const consumer = new BatchConsumer({
      kafka: ctx.kafka,
      producer,
      logger: createLogger('slow-isolation-test', 'silent'),
      groupId: 'slow-isolation',
      topicPrefix: ctx.topicPrefix,
      topics: topicsReadBy(['person.upserted']),
      maxMessageBytes: 1024 * 1024,
      chunkSize: EVENTS,
      classify: () => 'deterministic',
      dependenciesHealthy: async () => true,
      onFatal: (error) => fatal.push(error),
      apply: async (events) => {
        // The whole chunk fails because of one of its events; alone, each takes a while.
        if (events.some((e) => e.key === 'p-bad')) {
          if (events.length > 1) throw new Error('one event of this chunk is refused');
          throw new Error('p-bad is refused');
        }
        await new Promise((r) => setTimeout(r, APPLY_MS));
        applied.push(events[0]!.key!);
      },
    });
    const input = await connectTestProducer(ctx.kafka);
    try {
      const keys = Array.from({ length: EVENTS }, (_, i) => (i === 3 ? 'p-bad' : `p-${i}`));
      // Sent before the consumer starts, so its first fetch holds them all: one chunk.
      await input.send({
        topic: `${ctx.topicPrefix}${Topics.crmPersons}`,
        messages: keys.map((key) => ({ key, value: crmEvent('person.upserted', personRecord(key, ['acc-1'])) })),
      });
      await consumer.start();
      await dlq.waitFor((messages) => messages.length >= 1, 30_000);
      const good = keys.filter((k) => k !== 'p-bad');
      const deadline = Date.now() + 60_000;
      while (applied.length < good.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      // Past the last event: time for a redelivery to show, had the partition been handed on.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(fatal).toEqual([]);
      expect(applied).toEqual(good);
      expect(dlq.messages.map((m) => m.key)).toEqual(['p-bad']);
    } finally {
      await consumer.stop();
      await input.disconnect();
    }
  }, 120_000);
});
