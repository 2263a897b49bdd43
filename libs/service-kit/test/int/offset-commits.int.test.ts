import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicsReadBy, Topics } from '@bg/contracts';
import { BatchConsumer, EventProducer, physicalTopic, type IncomingEvent } from '@bg/kafka';
import {
  connectTestProducer,
  createTestContext,
  crmEvent,
  personRecord,
  TopicProbe,
  type TestContext,
} from '@bg/testing';
import { createLogger } from '../../src/logger';

// Offsets are committed at most every 500 ms, not after every fetch (kafkajs's eachBatch auto-commit did: one
// OffsetCommit request per fetch, the broker's most frequent request under a light load). What must hold: an idle
// consumer's committed offsets still catch up (lag 0), and a consumer that stops commits what it applied, so that the
// next one starts after it.
const EVENTS = 20;
const SPACING_MS = 50;

let ctx: TestContext;
let producer: EventProducer;
let commits: TopicProbe;

beforeAll(async () => {
  ctx = await createTestContext({ partitions: 1 });
  producer = new EventProducer(ctx.kafka, ctx.topicPrefix);
  await producer.connect();
});

afterAll(async () => {
  await commits?.stop();
  await producer?.disconnect();
});

/** Offset-commit records (key versions 0 and 1; 2 is group metadata) of one consumer group. */
function commitsOf(group: string): number {
  return commits.messages.filter((m) => {
    const key = m.rawKey;
    if (!key || key.length < 4 || key.readInt16BE(0) > 1) return false;
    const length = key.readInt16BE(2);
    return key.subarray(4, 4 + length).toString('utf8') === group;
  }).length;
}

function consumerOf(groupId: string, applied: string[]): BatchConsumer {
  return new BatchConsumer({
    kafka: ctx.kafka,
    producer,
    logger: createLogger('offset-commits-test', 'silent'),
    groupId,
    topicPrefix: ctx.topicPrefix,
    topics: topicsReadBy(['person.upserted']),
    maxMessageBytes: 1024 * 1024,
    classify: () => 'deterministic',
    dependenciesHealthy: async () => true,
    onFatal: () => undefined,
    apply: async (events: IncomingEvent[]) => {
      applied.push(...events.map((e) => e.key!));
    },
  });
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('offset commits', () => {
  it('come at most every 500 ms, catch up when idle, and are made on stop', async () => {
    const groupId = 'offset-commits';
    const group = physicalTopic(ctx.topicPrefix, groupId);
    const applied: string[] = [];
    const consumer = consumerOf(groupId, applied);
    const input = await connectTestProducer(ctx.kafka);
    let restarted: BatchConsumer | undefined;
    try {
      await consumer.start();
      // Every OffsetCommit is a record on the broker's offsets topic, keyed by (group, topic, partition); the topic
      // exists once a group has found its coordinator, and the probe reads it from the beginning.
      commits = await new TopicProbe(ctx.kafka, '__consumer_offsets').start();
      // One event at a time, so that most come in a fetch of their own.
      const began = Date.now();
      for (let i = 0; i < EVENTS; i++) {
        await input.send({
          topic: `${ctx.topicPrefix}${Topics.crmPersons}`,
          messages: [{ key: `p-${i}`, value: crmEvent('person.upserted', personRecord(`p-${i}`, ['acc-1'])) }],
        });
        await new Promise((r) => setTimeout(r, SPACING_MS));
      }
      await until(() => applied.length >= EVENTS);
      // Idle now: the last offsets are committed within the interval, so the lag the broker sees reaches zero.
      await until(async () => (await consumer.lag()).every((p) => p.lag === 0));
      const elapsed = Date.now() - began;
      await until(() => commitsOf(group) > 0);
      expect(commitsOf(group)).toBeLessThanOrEqual(Math.ceil(elapsed / 500) + 1);

      // One more event, then a stop right after it is applied: the stop commits it.
      await input.send({
        topic: `${ctx.topicPrefix}${Topics.crmPersons}`,
        messages: [{ key: 'p-last', value: crmEvent('person.upserted', personRecord('p-last', ['acc-1'])) }],
      });
      await until(() => applied.includes('p-last'));
      await consumer.stop();

      // The next consumer of the group starts after everything applied: nothing is delivered again.
      const again: string[] = [];
      restarted = consumerOf(groupId, again);
      await restarted.start();
      await until(async () => (await restarted!.lag()).length > 0);
      await new Promise((r) => setTimeout(r, 2_000));
      expect(again).toEqual([]);
      expect(applied).toEqual([...Array.from({ length: EVENTS }, (_, i) => `p-${i}`), 'p-last']);
    } finally {
      await restarted?.stop();
      await consumer.stop().catch(() => undefined);
      await input.disconnect();
    }
  }, 90_000);
});
