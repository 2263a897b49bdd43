import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics } from '@bg/contracts';
import { EventProducer } from '@bg/kafka';
import { createPool, enqueue, migrate, OutboxRelay, withTransaction, type Pool } from '@bg/postgres';
import { createTestContext, TopicProbe, type TestContext } from '@bg/testing';

// Two replicas' relays on one schema, two drainers each: they share the outbox by buckets of keys, send side by
// side, and every key's messages still reach the topic once each (or more after a crash), in the order committed.
const SCHEMA = 'relay_parallel_test';
const KEYS = 40;
const PER_KEY = 25;

let ctx: TestContext;
let pool: Pool;
let producer: EventProducer;
let probe: TopicProbe;
let emptyDir: string;

beforeAll(async () => {
  ctx = await createTestContext();
  emptyDir = mkdtempSync(join(tmpdir(), 'bg-no-migrations-'));
  await migrate(ctx.databaseUrl, SCHEMA, emptyDir);
  pool = createPool(ctx.databaseUrl, { schema: SCHEMA, logger: { warn: () => undefined }, max: 10 });
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

describe('outbox relays of several replicas', () => {
  it('send different buckets of keys side by side and keep each key’s order', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const relay = () =>
      new OutboxRelay({
        databaseUrl: ctx.databaseUrl,
        schema: SCHEMA,
        maxMessageBytes: 1024 * 1024,
        logger: { error: () => undefined, warn: () => undefined, info: () => undefined },
        isRefusal: () => false,
        // Small batches and a broker that takes its time: batches of different buckets overlap if they can.
        batchSize: 20,
        send: async (messages) => {
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          try {
            await new Promise((resolve) => setTimeout(resolve, 20));
            await producer.send(messages);
          } finally {
            inFlight -= 1;
          }
        },
      });
    // Committed first, in many transactions interleaving the keys, so that every bucket has a backlog.
    for (let n = 0; n < PER_KEY; n++) {
      await withTransaction(pool, (tx) =>
        enqueue(
          tx,
          Array.from({ length: KEYS }, (_, k) => ({ topic: Topics.roleEvents, key: `acc-${k}`, value: `${k}:${n}` })),
        ),
      );
    }
    const relays = [relay(), relay()];
    await Promise.all(relays.map((r) => r.start()));
    try {
      await probe.waitFor((m) => m.length >= KEYS * PER_KEY, 60_000);
      await expect.poll(async () => (await pool.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n).toBe(0);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    expect(mostInFlight).toBeGreaterThan(1);
    for (let k = 0; k < KEYS; k++) {
      // First arrival of each message of the key, in topic order: the order it was committed in.
      const seen = probe.messages.filter((m) => m.key === `acc-${k}`).map((m) => m.value!.toString());
      const firsts = seen.filter((value, i) => seen.indexOf(value) === i);
      expect(firsts).toEqual(Array.from({ length: PER_KEY }, (_, n) => `${k}:${n}`));
    }
  });
});

describe('an outbox relay whose sends fail for a while', () => {
  it('loses nothing: a batch whose send failed is still there, and goes out in order once sends work', async () => {
    const sent: string[] = [];
    let failures = 3;
    const relay = new OutboxRelay({
      databaseUrl: ctx.databaseUrl,
      schema: SCHEMA,
      maxMessageBytes: 1024 * 1024,
      logger: { error: () => undefined, warn: () => undefined, info: () => undefined },
      isRefusal: () => false,
      batchSize: 10,
      send: async (messages) => {
        // The broker away: the claim (and deletion) of this batch must be undone, not committed.
        if (failures > 0) {
          failures -= 1;
          throw new Error('broker not available');
        }
        sent.push(...messages.map((m) => String(m.value)));
      },
    });
    const values = Array.from({ length: 25 }, (_, n) => `flaky:${n}`);
    await withTransaction(pool, (tx) =>
      enqueue(
        tx,
        values.map((value) => ({ topic: Topics.roleEvents, key: 'acc-flaky', value })),
      ),
    );
    await relay.start();
    try {
      await expect.poll(() => sent.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(values.length);
      await expect.poll(async () => (await pool.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n).toBe(0);
    } finally {
      await relay.stop();
    }
    expect(failures).toBe(0);
    expect(sent).toEqual(values);
  });
});
