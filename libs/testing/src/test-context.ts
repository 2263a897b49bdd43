import { randomBytes } from 'node:crypto';
import { inject, afterAll, expect } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { defaultMaxMessageBytes } from '@bg/contracts';
import { ensureTopics, internalDeadLetterTopics, physicalTopic, systemTopics } from '@bg/kafka';
import { dropDatabase, ensureDatabase, withDatabase } from '@bg/infra';
import { retryingRetriable } from './settled';

/** What the global setup provides to every test file. */
declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    postgresAdminUrl: string;
    templateDatabase: string;
  }
}

export type TestContext = {
  kafkaBrokers: string[];
  databaseUrl: string;
  topicPrefix: string;
  kafka: Kafka;
  /** The environment a service under test is configured from. */
  env: Record<string, string>;
};

export type TestContextOptions = {
  partitions?: number;
  maxMessageBytes?: number;
  /** A test that feeds invalid events to an internal topic on purpose; every other file asserts none arrive. */
  allowInternalDeadLetters?: boolean;
  /** Brokers of the file's own (e.g. a cluster it breaks on purpose) instead of the run's shared broker. */
  kafkaBrokers?: string[];
  /** The topic prefix: only on brokers of the file's own may it be '' (the names services use by default). */
  topicPrefix?: string;
};

/**
 * Gives the calling test file its own database (a clone of the migrated template) and its own topics (a unique
 * prefix), so files run in parallel; both are dropped when the file ends. When the file ends, the internal
 * dead-letter topics must be empty: an internal dead letter means a producer emitted what its consumer refuses.
 */
export async function createTestContext(options: TestContextOptions = {}): Promise<TestContext> {
  const suffix = randomBytes(4).toString('hex');
  const adminUrl = inject('postgresAdminUrl');
  const database = `bg_test_${suffix}`;
  await ensureDatabase(adminUrl, database, inject('templateDatabase'));
  const databaseUrl = withDatabase(adminUrl, database);
  const kafkaBrokers = options.kafkaBrokers ?? inject('kafkaBrokers').split(',');
  if (options.topicPrefix !== undefined && !options.kafkaBrokers)
    throw new Error("a topic prefix of your own needs brokers of your own: files share the run's broker");
  const topicPrefix = options.topicPrefix ?? `t${suffix}.`;
  const kafka = new Kafka({ clientId: `test-${suffix}`, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  const maxMessageBytes = options.maxMessageBytes ?? defaultMaxMessageBytes;
  await ensureTopics(kafka, topicPrefix, systemTopics(options.partitions ?? 2, maxMessageBytes));
  afterAll(async () => {
    await dropDatabase(adminUrl, database);
  });
  if (!options.allowInternalDeadLetters) {
    afterAll(async () => {
      expect(
        await countMessages(
          kafka,
          internalDeadLetterTopics.map((t) => physicalTopic(topicPrefix, t)),
        ),
      ).toEqual({});
    });
  }
  return {
    kafkaBrokers,
    databaseUrl,
    topicPrefix,
    kafka,
    env: {
      KAFKA_BROKERS: kafkaBrokers.join(','),
      DATABASE_URL: databaseUrl,
      KAFKA_TOPIC_PREFIX: topicPrefix,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      OPS_PORT: '0',
      // The services under test share the cores with the test runner: none of them should wait on vitest's workers.
      CPU_NICENESS: '0',
      MAX_MESSAGE_BYTES: String(maxMessageBytes),
    },
  };
}

/** Messages on each of `topics` that has any (topics that do not exist count as empty). */
async function countMessages(kafka: Kafka, topics: string[]): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const counts: Record<string, number> = {};
    for (const topic of topics.filter((t) => existing.has(t))) {
      const offsets = await retryingRetriable(() => admin.fetchTopicOffsets(topic));
      const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
      if (total > 0) counts[topic] = total;
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}
