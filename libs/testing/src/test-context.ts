import { randomBytes } from 'node:crypto';
import { inject, afterAll } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { ensureTopics, systemTopics } from '@bg/kafka';
import { dropDatabase, ensureDatabase, withDatabase } from '@bg/local-infra';

export type TestContext = {
  kafkaBrokers: string[];
  databaseUrl: string;
  topicPrefix: string;
  kafka: Kafka;
  /** The environment a service under test is configured from. */
  env: Record<string, string>;
};

/**
 * Gives the calling test file its own database (a clone of the migrated template) and its own topics (a unique
 * prefix), so files run in parallel; both are dropped when the file ends.
 */
export async function createTestContext(partitions = 2): Promise<TestContext> {
  const suffix = randomBytes(4).toString('hex');
  const adminUrl = inject('postgresAdminUrl');
  const database = `bg_test_${suffix}`;
  await ensureDatabase(adminUrl, database, inject('templateDatabase'));
  const databaseUrl = withDatabase(adminUrl, database);
  const kafkaBrokers = inject('kafkaBrokers').split(',');
  const topicPrefix = `t${suffix}.`;
  const kafka = new Kafka({ clientId: `test-${suffix}`, brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  await ensureTopics(kafka, topicPrefix, systemTopics(partitions));
  afterAll(async () => {
    await dropDatabase(adminUrl, database);
  });
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
    },
  };
}
