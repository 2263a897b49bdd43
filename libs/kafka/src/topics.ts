import type { Admin, Kafka } from 'kafkajs';
import { deadLetterTopic, inboundTopics, Topics } from '@bg/contracts';
import { physicalTopic } from './client';

export type TopicSpec = { topic: string; numPartitions: number; configEntries?: { name: string; value: string }[] };

/** Every topic the system uses, with its dead-letter topics; partitions are keyed by account (or record) id. */
export function systemTopics(partitions: number): TopicSpec[] {
  const keyed = (topic: string): TopicSpec => ({ topic, numPartitions: partitions });
  return [
    ...inboundTopics.flatMap((t) => [keyed(t), keyed(deadLetterTopic(t))]),
    keyed(Topics.buyingGroupChanges),
    keyed(Topics.recordChanges),
    keyed(Topics.memberCommands),
    keyed(Topics.groupRecomputed),
    keyed(Topics.roleEvents),
    keyed(deadLetterTopic(Topics.recordChanges)),
    keyed(deadLetterTopic(Topics.memberCommands)),
    keyed(deadLetterTopic(Topics.groupRecomputed)),
    keyed(deadLetterTopic(Topics.roleEvents)),
    keyed(deadLetterTopic(Topics.buyingGroupChanges)),
    keyed(deadLetterTopic(Topics.components)),
    // One partition keeps component definitions in publication order; compaction keeps the latest per id forever.
    { topic: Topics.components, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
  ];
}

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
      await waitForLeaders(admin, missing.map((s) => s.topic));
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
