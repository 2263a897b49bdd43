import type { Kafka } from 'kafkajs';
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
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
    return missing.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}
