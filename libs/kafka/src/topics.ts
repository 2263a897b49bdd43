import type { Admin, Kafka } from 'kafkajs';
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

/** Creates the missing topics (idempotent); returns the names it created. */
export async function ensureTopics(kafka: Kafka, prefix: string, specs: TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs
      .map((s) => ({ ...s, topic: physicalTopic(prefix, s.topic), replicationFactor: 1 }))
      .filter((s) => !existing.has(s.topic));
    if (missing.length > 0) {
      // kafkajs' own leader wait gives up on "unknown topic" under concurrent creates; ours retries it.
      await admin.createTopics({ topics: missing, waitForLeaders: false });
      await waitForLeaders(
        admin,
        missing.map((s) => s.topic),
      );
    }
    return missing.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}

/**
 * createTopics' own wait covers the controller's view; a busy broker can still answer "does not host this
 * topic-partition" to clients for a moment. Wait until metadata shows a leader for every partition.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      if (metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics without a leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
