import { Kafka, logLevel } from 'kafkajs';
import { deadLetterTopic, inboundTopics, Topics } from '@bg/contracts';
import { physicalTopic } from './client';

export type TopicSpec = { topic: string; numPartitions: number; configEntries?: { name: string; value: string }[] };

/** Topics that consumers read, each with its dead-letter topic. */
const consumedTopics = [
  ...inboundTopics,
  Topics.recordChanges,
  Topics.components,
  Topics.memberCommands,
  Topics.membershipChanges,
  Topics.roleEvents,
  Topics.engagement,
  Topics.buyingGroupChanges,
];

/**
 * Every topic the system uses, with its dead-letter topics; partitions are keyed by account (or record) id. Every
 * topic takes messages up to `maxMessageBytes`, the one size setting that the producers and consumers use too.
 */
export function systemTopics(partitions: number, maxMessageBytes: number): TopicSpec[] {
  const size = { name: 'max.message.bytes', value: String(maxMessageBytes) };
  const keyed = (topic: string): TopicSpec => ({ topic, numPartitions: partitions, configEntries: [size] });
  return [
    ...consumedTopics.filter((t) => t !== Topics.components).map(keyed),
    ...consumedTopics.map((t) => keyed(deadLetterTopic(t))),
    // One partition keeps component definitions in publication order; compaction keeps the latest per id forever.
    { topic: Topics.components, numPartitions: 1, configEntries: [size, { name: 'cleanup.policy', value: 'compact' }] },
  ];
}

/** The internal dead-letter topics: anything there is a bug, alerted on and asserted empty by the tests. */
export const internalDeadLetterTopics = consumedTopics
  .filter((t) => !(inboundTopics as readonly string[]).includes(t))
  .map(deadLetterTopic);

/** CreateTopics' "the broker's default". */
const clusterDefault = -1;

/**
 * Creates the missing topics (idempotent); returns the names it created. Replication is the cluster's own: the topics
 * take its `default.replication.factor` and `min.insync.replicas` (the launcher sets them by the cluster's size, an
 * operator sets them on an existing cluster). Counting the brokers a client sees instead gave fewer copies whenever one
 * was down or fenced for a moment, and a broker's metadata lags the controller's.
 */
export async function ensureTopics(kafka: Kafka, prefix: string, specs: TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs
      .map((s) => ({ ...s, topic: physicalTopic(prefix, s.topic), replicationFactor: clusterDefault }))
      .filter((s) => !existing.has(s.topic));
    if (missing.length > 0) {
      // kafkajs' own leader wait gives up on "unknown topic" under concurrent creates; ours retries it.
      await createRidingOutDeadBrokers(() => admin.createTopics({ topics: missing, waitForLeaders: false }));
      const brokers = (await admin.describeCluster()).brokers.map((b) => `${b.host}:${b.port}`);
      for (const broker of brokers) {
        await waitForLeaders(
          broker,
          missing.map((s) => s.topic),
        );
      }
    }
    return missing.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}

/**
 * kafkajs' createTopics gives up at the first connection error, and a broker that died a moment ago is still in the
 * metadata of the others (until the controller fences it, and each broker hears of that) and may be asked. Try again
 * while the failure is a connection; an existing topic is no failure (kafkajs answers false), so a retry is harmless.
 */
async function createRidingOutDeadBrokers(create: () => Promise<unknown>, attempts = 20): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await create();
      return;
    } catch (error) {
      if (attempt >= attempts || (error as Error).name !== 'KafkaJSConnectionError') throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * createTopics' own wait covers the controller's view; each broker answers metadata from its own copy, updated a moment
 * later, and a busy one can still answer "does not host this topic-partition" to clients. Wait until the metadata,
 * asked through a client seeded with `broker` (kafkajs then asks any broker it knows), shows a leader for every
 * partition; called once per broker.
 */
async function waitForLeaders(broker: string, topics: string[], timeoutMs = 30_000): Promise<void> {
  const admin = new Kafka({ clientId: 'bg-topics', brokers: [broker], logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
  } catch {
    return; // A broker that is down (listed until the controller fences it) answers no client either.
  }
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        if (metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline)
        throw new Error(`topics without a leader on ${broker} after ${timeoutMs} ms: ${topics.join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Resolves once the cluster's metadata, asked through a client seeded with each of `brokers` (host:port) in turn, lists
 * all of them as live brokers: a KRaft node says it started before the cluster shows it registered. Each broker's copy
 * of the metadata trails the controller's, so a client may still see fewer for a moment afterwards.
 */
export async function waitForBrokers(brokers: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const broker of brokers) {
    const admin = new Kafka({ clientId: 'bg-brokers', brokers: [broker], logLevel: logLevel.NOTHING }).admin();
    let seen: string[] = [];
    try {
      await admin.connect();
      for (;;) {
        seen = await admin
          .describeCluster()
          .then((c) => c.brokers.map((b) => `${b.host}:${b.port}`))
          .catch(() => []);
        if (brokers.every((b) => seen.includes(b))) break;
        if (Date.now() > deadline)
          throw new Error(
            `${broker} sees brokers [${seen.join(', ')}] after ${timeoutMs} ms, not [${brokers.join(', ')}]`,
          );
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await admin.disconnect();
    }
  }
}
