import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { Topics } from '@bg/contracts';
import { EventProducer } from '@bg/kafka';
import { createPool, enqueue, migrate, type Pool } from '@bg/postgres';
import { connectTestProducer, createTestContext, crmEvent, personRecord, type TestContext } from '@bg/testing';
import { createEventConsumer } from '../../src/event-consumer';
import { createLogger } from '../../src/logger';
import { startOutboxRelay } from '../../src/worker';

// What an operator (or a scaling rule) reads to see a backlog: consumer lag per group and partition, and what waits
// in the outbox. Both are read at scrape time from the broker and the database, not from the process's own counters.
const SCHEMA = 'backlog_metrics_test';
const logger = createLogger('backlog-metrics-test', 'silent');

let ctx: TestContext;
let pool: Pool;
let producer: EventProducer;
let emptyDir: string;

beforeAll(async () => {
  ctx = await createTestContext({ partitions: 1 });
  emptyDir = mkdtempSync(join(tmpdir(), 'bg-no-migrations-'));
  await migrate(ctx.databaseUrl, SCHEMA, emptyDir);
  pool = createPool(ctx.databaseUrl, { schema: SCHEMA, logger: { warn: () => undefined } });
  producer = new EventProducer(ctx.kafka, ctx.topicPrefix);
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await pool?.end();
  if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
});

/** The value of one series of `name` whose labels include `labels`, as a scrape shows it; undefined when absent. */
async function scraped(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = await registry.getSingleMetric(name)!.get();
  const series = metric.values.find((v) =>
    Object.entries(labels).every(([key, value]) => String((v.labels as Record<string, unknown>)[key]) === value),
  );
  return series?.value;
}

describe('backlog metrics', () => {
  it('shows a consumer group’s lag per partition while it is stuck, and none once it caught up', async () => {
    const registry = new Registry();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const consumer = createEventConsumer(
      {
        pool,
        kafka: ctx.kafka,
        producer,
        logger,
        metrics: registry,
        topicPrefix: ctx.topicPrefix,
        maxMessageBytes: 1024 * 1024,
        fetch: { minBytes: 1, maxWaitMs: 100 },
        onFatal: (error) => {
          throw error;
        },
      },
      { groupId: 'lagging', consumes: ['person.upserted'], apply: () => gate },
    );
    const input = await connectTestProducer(ctx.kafka);
    try {
      await input.send({
        topic: `${ctx.topicPrefix}${Topics.crmPersons}`,
        messages: Array.from({ length: 5 }, (_, i) => ({
          key: `p-${i}`,
          value: crmEvent('person.upserted', personRecord(`p-${i}`, ['acc-1'])),
        })),
      });
      await consumer.start();
      const series = { group: 'lagging', topic: Topics.crmPersons, partition: '0' };
      // Stuck in its first chunk: nothing committed, all five behind.
      await expect.poll(() => scraped(registry, 'bg_consumer_lag', series), { timeout: 30_000 }).toBe(5);
      release();
      await expect.poll(() => scraped(registry, 'bg_consumer_lag', series), { timeout: 30_000 }).toBe(0);
    } finally {
      release();
      await consumer.stop();
      await input.disconnect();
    }
    // A stopped consumer reports nothing rather than a stale figure.
    expect(await scraped(registry, 'bg_consumer_lag')).toBeUndefined();
  });

  it('shows what waits in the outbox, how old the oldest is, and what is parked', async () => {
    const registry = new Registry();
    const relay = startOutboxRelay({
      name: 'relay-test',
      pool,
      producer,
      logger,
      metrics: registry,
      schema: SCHEMA,
      config: { DATABASE_URL: ctx.databaseUrl, MAX_MESSAGE_BYTES: 1024 * 1024 },
    });
    const message = (value: string) => ({ topic: Topics.roleEvents, key: 'acc-1', value });
    await enqueue(pool, [message('one'), message('two'), message('three')]);
    await pool.query(`UPDATE outbox SET parked_at = now(), park_reason = 'test' WHERE value = 'three'`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The relay is not running yet: two wait, one is parked.
    expect(await scraped(registry, 'bg_outbox_pending')).toBe(2);
    expect(await scraped(registry, 'bg_outbox_parked')).toBe(1);
    expect(await scraped(registry, 'bg_outbox_oldest_age_seconds')).toBeGreaterThan(0.04);

    await relay.start();
    try {
      await expect.poll(() => scraped(registry, 'bg_outbox_pending'), { timeout: 15_000 }).toBe(0);
      expect(await scraped(registry, 'bg_outbox_oldest_age_seconds')).toBe(0);
      expect(await scraped(registry, 'bg_outbox_parked')).toBe(1);
    } finally {
      await relay.stop();
    }
  });
});
