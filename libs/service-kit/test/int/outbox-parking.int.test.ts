import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { Topics } from '@bg/contracts';
import { EventProducer } from '@bg/kafka';
import { createPool, enqueue, migrate, type Pool } from '@bg/postgres';
import { createTestContext, TopicProbe, type TestContext } from '@bg/testing';
import { createLogger } from '../../src/logger';
import { startOutboxRelay } from '../../src/worker';

// Every topic of this file takes 64 KiB at most; the relay's own size setting is 1 MiB.
const TOPIC_LIMIT = 64 * 1024;
const RELAY_LIMIT = 1024 * 1024;
const SCHEMA = 'relay_test';

let ctx: TestContext;
let pool: Pool;
let producer: EventProducer;
let probe: TopicProbe;
let emptyDir: string;

beforeAll(async () => {
  ctx = await createTestContext({ maxMessageBytes: TOPIC_LIMIT });
  emptyDir = mkdtempSync(join(tmpdir(), 'bg-no-migrations-'));
  // The platform migrations alone (outbox with parking) in a schema of this test's own.
  await migrate(ctx.databaseUrl, SCHEMA, emptyDir);
  pool = createPool(ctx.databaseUrl, { schema: SCHEMA, logger: { warn: () => undefined } });
  producer = new EventProducer(ctx.kafka, ctx.topicPrefix);
  await producer.connect();
  probe = await new TopicProbe(ctx.kafka, `${ctx.topicPrefix}${Topics.roleEvents}`).start();
});

afterAll(async () => {
  await probe?.stop();
  await producer?.disconnect();
  await pool?.end();
  if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
});

describe('an outbox message the broker refuses', () => {
  it('is parked with its reason, counted, and the messages behind it are published', async () => {
    const metrics = new Registry();
    const relay = startOutboxRelay({
      name: 'relay-test',
      pool,
      producer,
      logger: createLogger('relay-test', 'silent'),
      metrics,
      schema: SCHEMA,
      config: { DATABASE_URL: ctx.databaseUrl, MAX_MESSAGE_BYTES: RELAY_LIMIT },
    });
    await relay.start();
    try {
      // One key, so one partition and one order: the small ones come on either side of the big ones.
      const message = (value: string) => ({ topic: Topics.roleEvents, key: 'acc-1', value });
      await enqueue(pool, [
        message('small-before'),
        message('b'.repeat(200 * 1024)), // within the relay's limit: tried, and refused by the broker
        message('c'.repeat(RELAY_LIMIT + 1)), // over the relay's limit: parked without trying
        message('small-after'),
      ]);

      const received = await probe.waitFor((m) => m.length >= 2, 30_000);
      expect(received.map((m) => m.value?.toString())).toEqual(['small-before', 'small-after']);

      // A row is deleted just after the broker has it: the parked ones are what stays.
      const outbox = async () =>
        (
          await pool.query<{ bytes: number; parked_at: Date | null; park_reason: string | null }>(
            'SELECT octet_length(value) AS bytes, parked_at, park_reason FROM outbox ORDER BY id',
          )
        ).rows;
      await expect
        .poll(async () => (await outbox()).map((r) => r.bytes), { timeout: 15_000 })
        .toEqual([200 * 1024, RELAY_LIMIT + 1]);
      const rows = await outbox();
      expect(rows.every((r) => r.parked_at instanceof Date)).toBe(true);
      expect(rows[0]!.park_reason).toMatch(/^refused by the broker: /);
      expect(rows[1]!.park_reason).toBe(
        `${RELAY_LIMIT + 1} bytes is over the size setting (MAX_MESSAGE_BYTES = ${RELAY_LIMIT})`,
      );

      const parked = await metrics.getSingleMetric('bg_outbox_parked_total')!.get();
      expect(parked.values).toEqual([{ value: 2, labels: { topic: Topics.roleEvents } }]);
      const sent = await metrics.getSingleMetric('bg_outbox_sent_total')!.get();
      expect(sent.values.reduce((n, v) => n + v.value, 0)).toBe(2);

      // Nothing stays stuck behind the parked rows: a later message goes too, and nothing else arrives.
      await enqueue(pool, [message('later')]);
      await probe.waitFor((m) => m.length >= 3, 15_000);
      expect(probe.messages.map((m) => m.value?.toString())).toEqual(['small-before', 'small-after', 'later']);
    } finally {
      await relay.stop();
    }
  });
});
