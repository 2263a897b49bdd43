import type { Kafka } from 'kafkajs';
import { ensureTopics } from '@bg/kafka';

/**
 * The limit: a kafkajs consumer that forwards every message to another topic with no work at all, over the same
 * message count and size on the same broker. Returns messages per second, from the first fetch to the last ack.
 */
export async function rawPassThrough(
  kafka: Kafka,
  opts: { inTopic: string; outTopic: string; count: number; valueBytes: number; partitions: number },
): Promise<number> {
  await ensureTopics(
    kafka,
    '',
    [opts.inTopic, opts.outTopic].map((topic) => ({ topic, numPartitions: opts.partitions })),
  );

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const value = Buffer.alloc(opts.valueBytes, 'x');
  for (let i = 0; i < opts.count; i += 2000) {
    const n = Math.min(2000, opts.count - i);
    await producer.send({
      topic: opts.inTopic,
      messages: Array.from({ length: n }, (_, j) => ({ key: `k${i + j}`, value })),
    });
  }

  const forwarder = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await forwarder.connect();
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic: opts.inTopic, fromBeginning: true });
  let forwarded = 0;
  let started = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch, heartbeat }) => {
        if (started === 0) started = performance.now();
        await forwarder.send({
          topic: opts.outTopic,
          messages: batch.messages.map((m) => ({ key: m.key, value: m.value })),
        });
        forwarded += batch.messages.length;
        await heartbeat();
        if (forwarded >= opts.count) resolve(performance.now());
      },
    });
  });
  const ended = await done;
  await consumer.disconnect();
  await Promise.all([producer.disconnect(), forwarder.disconnect()]);
  return opts.count / ((ended - started) / 1000);
}
